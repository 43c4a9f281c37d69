"""The privacy engine's models, one module per sub-domain."""

from safeguarding.privacy.models import identity, retention, rights  # noqa: F401  (registers models)
from safeguarding.privacy.models.notice import NoticeVersion
from safeguarding.privacy.models.person import Person

__all__ = ["NoticeVersion", "Person"]
