"""Referrals between kinds of workspace go through a registry, so neither app imports the other."""

from __future__ import annotations

import pytest

from safeguarding.inventory.subjects import ChildIdentity
from safeguarding.workspaces import referrals
from safeguarding.workspaces.models import Workspace
from safeguarding.workspaces.referrals import NoReferralTarget, Referral, refer


@pytest.fixture
def clean_targets(monkeypatch):
    monkeypatch.setattr(referrals, "_targets", {})


def test_a_referral_to_a_kind_nobody_accepts_is_refused_in_plain_words(clean_targets):
    referral = Referral(
        from_workspace=Workspace(kind="x", title="t"),
        child=ChildIdentity(full_name="Invented Child"),
        reason="reason",
        actor=None,  # type: ignore[arg-type]
    )
    with pytest.raises(NoReferralTarget, match="cannot be made here"):
        refer("nothing_here", referral)


def test_the_registered_handler_receives_the_referral_and_its_workspace_is_returned(
    clean_targets,
):
    opened = Workspace(kind="target", title="opened")
    received: list[Referral] = []

    def handler(referral: Referral) -> Workspace:
        received.append(referral)
        return opened

    referrals.register_referral_target("target", handler)
    referral = Referral(
        from_workspace=Workspace(kind="source", title="from"),
        child=ChildIdentity(full_name="Invented Child"),
        reason="Abuse or neglect suspected",
        actor=None,  # type: ignore[arg-type]
    )
    assert referrals.accepts_referrals("target")
    assert refer("target", referral) is opened
    assert received == [referral]
