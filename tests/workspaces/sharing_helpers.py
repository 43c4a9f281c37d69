"""A statutory sharing decision, recorded as a member would (for the P05 tests of each kind
of workspace)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.workspaces.models import SharingDecision, Workspace
from safeguarding.workspaces.sharing import sharing_decision_record


def statutory_decision(
    workspace: Workspace, actor: User, *, organisation: str, **changes: Any
) -> SharingDecision:
    """Shared without consent under a statutory duty (so ``authorised_by`` is needed)."""
    arguments: dict[str, Any] = {
        "shared": True,
        "information": "Invented: what the statute asks for",
        "recipient_organisation": organisation,
        "purpose": "A statutory duty",
        "means": "The recipient's secure system",
        "lawful_basis": "6(1)(c)",
        "special_category": True,
        "special_condition": "9(2)(g) sch1 para18",
        "consent_sought": False,
        "consent_not_sought_reason": "A statutory duty to share",
        "rationale": "Invented: the statute requires it",
        "authorised_by": None,
        "decided_at": timezone.now(),
        **changes,
    }
    return sharing_decision_record(workspace=workspace, actor=actor, **arguments)
