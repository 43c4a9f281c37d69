"""The privacy engine's daily jobs, one module per sub-domain; imported at start-up by
``core``'s discovery of every app's ``jobs`` module."""

from safeguarding.privacy.retention.jobs import retention_sweep
from safeguarding.privacy.rights.jobs import prune_unconfirmed_requests_job

__all__ = ["prune_unconfirmed_requests_job", "retention_sweep"]
