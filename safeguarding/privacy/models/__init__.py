"""The privacy engine's models, one module per sub-domain."""

from safeguarding.privacy.models import (  # noqa: F401  (registers models)
    identity,
    retention,
    rights,
    rights_outcomes,
)
from safeguarding.privacy.models.notice import NoticeVersion
from safeguarding.privacy.models.person import Person

__all__ = ["NoticeVersion", "Person"]
