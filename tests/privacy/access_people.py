"""Access table entries for the person search and a person's page (see tests/access.py).

A person's page is named by a key that exists only in the session that found them: in the
table's fresh sessions no key exists, so whoever may look is told to search again (404) and
everyone else is refused first (403). tests/privacy/test_people.py opens real pages."""

from __future__ import annotations

from safeguarding.accounts.roles import ALL_ROLES, Role
from tests.access import Access, only

LEAD = Role.DATA_PROTECTION_LEAD
VIEWERS = (Role.DATA_PROTECTION_LEAD, Role.PARTNERSHIP_ADMINISTRATOR)


def _unknown_key() -> dict[str, str]:
    return {"key": "not-found-in-this-session"}


def _search_again(*allowed: Role) -> dict[Role, int]:
    return {role: 404 if role in allowed else 403 for role in ALL_ROLES}


ACCESS: dict[str, Access] = {
    "subjects:search": Access(roles=only(*VIEWERS)),
    "subjects:person": Access(roles=_search_again(*VIEWERS), make_kwargs=_unknown_key),
    "subjects:hold": Access(roles=_search_again(LEAD), make_kwargs=_unknown_key),
}
