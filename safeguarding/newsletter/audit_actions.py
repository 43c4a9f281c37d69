"""The audit actions the newsletter writes (``safeguarding.audit.actions``)."""

from safeguarding.audit.actions import register

register(
    "newsletter",
    {
        "newsletter.subscriber.signed_up": "Someone asked to subscribe",
        "newsletter.subscriber.confirmed": "A subscriber confirmed their address",
        "newsletter.subscriber.topics_changed": "A subscriber changed their topics",
        "newsletter.subscriber.unsubscribed": "A subscriber unsubscribed",
        "newsletter.subscriber.topics_withdrawn": (
            "A member of staff stopped topics for a subscriber, at their request"
        ),
        "newsletter.subscriber.read": "A member of staff opened a subscriber's page",
        "newsletter.subscriber.corrected": "A subscriber's name was corrected",
        "newsletter.consent.recorded": "Consent was recorded by a member of staff, with evidence",
        "newsletter.list.imported": "A list of subscribers was imported, with consent evidence",
        "newsletter.wording.changed": "The wording people consent to was changed",
        "newsletter.topic.added": "A topic was added",
        "newsletter.topic.changed": "A topic was renamed or reordered",
        "newsletter.topic.retired": "A topic was retired and its subscriptions ended",
        "newsletter.topic.reinstated": "A retired topic was offered again",
        "newsletter.campaign.saved": "A campaign was saved",
        "newsletter.campaign.scheduled": "A campaign was scheduled",
        "newsletter.campaign.test_sent": "A test of a campaign was sent",
        "newsletter.campaign.started": "A campaign started sending",
        "newsletter.campaign.paused": "A campaign was paused",
        "newsletter.campaign.resumed": "A campaign was resumed",
        "newsletter.campaign.finished": "A campaign finished sending",
        "newsletter.campaign.stopped": "A campaign stopped: sending failed",
        "newsletter.campaign.recovered": "A lost worker's campaign was restarted",
        "newsletter.bounce.recorded": "A bounce or complaint came back from the mail service",
    },
)
