"""Access table entries for the newsletter staff pages (see tests/access.py): communications
officers only."""

from __future__ import annotations

from typing import Any

from safeguarding.accounts.roles import ALL_ROLES, Role
from safeguarding.newsletter.models import CampaignState
from tests.access import Access, only
from tests.newsletter.factories import campaign, confirmed_subscriber, topic

OFFICER = only(Role.COMMUNICATIONS_OFFICER)


def acted_on() -> dict[Role, int]:
    """A POST action: the officer is sent back to the campaign or topics page."""
    return {role: 302 if role == Role.COMMUNICATIONS_OFFICER else 403 for role in ALL_ROLES}


def a_draft() -> dict[str, Any]:
    return {"pk": campaign().pk}


def a_sending_campaign() -> dict[str, Any]:
    made = campaign()
    made.state = CampaignState.SENDING
    made.save()
    return {"pk": made.pk}


def a_subscriber() -> dict[str, Any]:
    return {"pk": confirmed_subscriber("sam.jones@example.org", "newsletter", "events").pk}


def a_topic() -> dict[str, Any]:
    return {"pk": topic("events").pk}


def a_retired_topic() -> dict[str, Any]:
    retired = topic("events")
    retired.is_active = False
    retired.save()
    return {"pk": retired.pk}


ACCESS: dict[str, Access] = {
    "newsletter:topics": Access(roles=OFFICER),
    "newsletter:topic_add": Access(roles=OFFICER),
    "newsletter:topic_edit": Access(roles=OFFICER, make_kwargs=a_topic),
    "newsletter:topic_retire": Access(roles=OFFICER, make_kwargs=a_topic),
    "newsletter:topic_reinstate": Access(
        method="post", roles=acted_on(), make_kwargs=a_retired_topic
    ),
    "newsletter:campaigns": Access(roles=OFFICER),
    "newsletter:subscribers": Access(roles=OFFICER),
    "newsletter:subscriber": Access(roles=OFFICER, make_kwargs=a_subscriber),
    "newsletter:subscriber_topics": Access(roles=OFFICER, make_kwargs=a_subscriber),
    "newsletter:subscriber_unsubscribe": Access(roles=OFFICER, make_kwargs=a_subscriber),
    "newsletter:subscriber_your_data": Access(roles=OFFICER, make_kwargs=a_subscriber),
    "newsletter:campaign_new": Access(roles=OFFICER),
    "newsletter:import": Access(roles=OFFICER),
    "newsletter:consent_entry": Access(roles=OFFICER),
    "newsletter:wording": Access(roles=OFFICER),
    "newsletter:campaign": Access(roles=OFFICER, make_kwargs=a_draft),
    "newsletter:campaign_edit": Access(roles=OFFICER, make_kwargs=a_draft),
    "newsletter:campaign_test": Access(method="post", roles=acted_on(), make_kwargs=a_draft),
    "newsletter:campaign_send": Access(
        method="post",
        roles=acted_on(),
        make_kwargs=a_draft,
        data={"when": "now", "confirmed": "yes"},
    ),
    "newsletter:campaign_pause": Access(
        method="post", roles=acted_on(), make_kwargs=a_sending_campaign
    ),
    "newsletter:campaign_resume": Access(
        method="post", roles=acted_on(), make_kwargs=a_sending_campaign
    ),
}
