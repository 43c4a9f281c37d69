"""Access table entries for the data protection records (see tests/access.py)."""

from __future__ import annotations

from safeguarding.accounts.roles import Role
from tests.access import Access, only

DATA_PROTECTION = only(Role.DATA_PROTECTION_LEAD, Role.PARTNERSHIP_ADMINISTRATOR)

ACCESS: dict[str, Access] = {
    "records:article_30": Access(roles=DATA_PROTECTION),
    "records:article_30_csv": Access(roles=DATA_PROTECTION),
}
