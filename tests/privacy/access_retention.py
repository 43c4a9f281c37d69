"""Access table entries for the retention staff pages (see tests/access.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.privacy.retention.selectors import matter_key
from safeguarding.privacy.retention.services import (
    legal_hold_matter_release_request,
    legal_hold_release_request,
    retention_period_propose,
)
from tests.access import Access, acted_on, only
from tests.factories import UserFactory

LEAD = Role.DATA_PROTECTION_LEAD
VIEWERS = only(Role.DATA_PROTECTION_LEAD, Role.PARTNERSHIP_ADMINISTRATOR)


def an_active_hold() -> dict[str, Any]:
    placed_by = UserFactory()
    hold = LegalHold.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(placed_by.pk),
        reason="Claim",
        authority="Litigation: claim ref 1",
        review_date=timezone.localdate() + timedelta(days=30),
        placed_by=placed_by,
    )
    return {"pk": hold.pk}


def a_pending_proposal() -> dict[str, Any]:
    """A shorter period proposed by a data protection lead who is not the persona."""
    proposer = UserFactory(roles=[str(LEAD)])
    proposal = retention_period_propose(
        rule_key="task_results", days=2, reason="Council schedule", actor=proposer
    )
    return {"pk": proposal.pk}


def a_pending_release() -> dict[str, Any]:
    """A hold release asked for by a data protection lead who is not the persona."""
    asker = UserFactory(roles=[str(LEAD)])
    hold = LegalHold.objects.get(pk=an_active_hold()["pk"])
    release = legal_hold_release_request(hold=hold, reason="Claim settled", actor=asker)
    return {"pk": release.pk}


MATTER = "Claim 1 (invented)"


def a_matter() -> dict[str, Any]:
    hold = LegalHold.objects.get(pk=an_active_hold()["pk"])
    hold.scope_label = MATTER
    hold.save(update_fields=["scope_label"])
    return {"key": matter_key(MATTER)}


def a_matter_waiting_for_release() -> dict[str, Any]:
    """A matter whose holds a data protection lead who is not the persona asked to release."""
    kwargs = a_matter()
    legal_hold_matter_release_request(
        matter=MATTER, reason="Claim settled", actor=UserFactory(roles=[str(LEAD)])
    )
    return kwargs


ACCESS: dict[str, Access] = {
    "retention:overview": Access(roles=VIEWERS),
    "retention:rule_change": Access(roles=only(LEAD), make_kwargs=lambda: {"key": "task_results"}),
    "retention:holds": Access(roles=VIEWERS),
    "retention:hold_place": Access(roles=only(LEAD)),
    "retention:hold_release": Access(roles=only(LEAD), make_kwargs=an_active_hold),
    "retention:proposals": Access(roles=VIEWERS),
    "retention:proposal_reject": Access(roles=VIEWERS, make_kwargs=a_pending_proposal),
    # The persona approves someone else's proposal.
    "retention:proposal_approve": Access(
        method="post",
        roles=acted_on(LEAD, Role.PARTNERSHIP_ADMINISTRATOR),
        make_kwargs=a_pending_proposal,
    ),
    # Only its proposer may withdraw it: another lead is sent back with a message.
    "retention:proposal_withdraw": Access(
        method="post", roles=acted_on(LEAD), make_kwargs=a_pending_proposal
    ),
    "retention:matter": Access(roles=VIEWERS, make_kwargs=a_matter),
    "retention:matter_release": Access(roles=only(LEAD), make_kwargs=a_matter),
    # The persona approves releases someone else asked for; the page's form names them.
    "retention:matter_approve": Access(
        method="post",
        roles=acted_on(LEAD, Role.PARTNERSHIP_ADMINISTRATOR),
        make_kwargs=a_matter_waiting_for_release,
    ),
    "retention:matter_reject": Access(roles=VIEWERS, make_kwargs=a_matter_waiting_for_release),
    "retention:releases": Access(roles=VIEWERS),
    "retention:release_reject": Access(roles=VIEWERS, make_kwargs=a_pending_release),
    # The persona approves someone else's request to release a hold.
    "retention:release_approve": Access(
        method="post",
        roles=acted_on(LEAD, Role.PARTNERSHIP_ADMINISTRATOR),
        make_kwargs=a_pending_release,
    ),
    # Only the person who asked may withdraw it: another lead is sent back with a message.
    "retention:release_withdraw": Access(
        method="post", roles=acted_on(LEAD), make_kwargs=a_pending_release
    ),
}
