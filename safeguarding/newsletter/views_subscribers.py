"""Staff pages for finding a subscriber and doing for them, at their request, what they could
do themselves from the manage page. What was searched for is kept in the session, never in
the address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import staff_user_with_role
from safeguarding.audit.services import audit_read
from safeguarding.core.form_views import form_page
from safeguarding.core.forms import posted
from safeguarding.newsletter import selectors
from safeguarding.newsletter.forms import (
    YOUR_DATA_CHOICES,
    ReasonForm,
    StaffYourDataForm,
    SubscriberSearchForm,
    SubscriberTopicsForm,
)
from safeguarding.newsletter.models import Subscriber, Topic
from safeguarding.newsletter.services import (
    subscriber_unsubscribe_for,
    subscriber_withdraw_topics_for,
)
from safeguarding.privacy.rights.services import rights_request_submit

SEARCH_KEY = "newsletter.subscriber_search"


def _officer(request: HttpRequest) -> User:
    return staff_user_with_role(request, Role.COMMUNICATIONS_OFFICER)


def _subscriber(pk: int) -> Subscriber:
    return get_object_or_404(Subscriber.objects.prefetch_related("consents__topic"), pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def subscriber_search(request: HttpRequest) -> HttpResponse:
    _officer(request)
    query = str(request.session.get(SEARCH_KEY, ""))
    results = None
    if request.method != "POST" and query:
        results = list(selectors.subscriber_search(query))

    def remember(data: dict[str, str]) -> None:
        request.session[SEARCH_KEY] = data["query"].strip()

    return form_page(
        request,
        SubscriberSearchForm(posted(request), initial={"query": query}),
        template="newsletter/staff/subscribers.html",
        context={
            "query": query,
            "results": results[: selectors.SEARCH_LIMIT] if results is not None else None,
            "more": results is not None and len(results) > selectors.SEARCH_LIMIT,
            "limit": selectors.SEARCH_LIMIT,
        },
        service=remember,
        success_url=reverse("newsletter:subscribers"),
    )


@require_safe
def subscriber(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    subscriber = _subscriber(pk)
    page = render(
        request,
        "newsletter/staff/subscriber.html",
        {
            "subscriber": subscriber,
            "topics": selectors.live_topics(subscriber),
            "consents": selectors.consent_evidence(subscriber),
            "restricted": selectors.is_restricted(subscriber),
            "history": selectors.subscriber_history(subscriber),
            "deliveries": selectors.subscriber_deliveries(subscriber),
        },
    )
    audit_read(
        actor=user,
        what="newsletter.subscriber",
        purpose="answering the subscriber",
        target=subscriber,
    )
    return page


@require_http_methods(["GET", "HEAD", "POST"])
def subscriber_topics(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    subscriber = _subscriber(pk)
    topics = selectors.live_topics(subscriber)
    return form_page(
        request,
        SubscriberTopicsForm(
            posted(request),
            topics=Topic.objects.filter(pk__in=[topic.pk for topic in topics]),
            initial={"keep": [topic.pk for topic in topics]},
        ),
        template="newsletter/staff/subscriber_topics.html",
        context={"subscriber": subscriber, "topics": topics},
        service=lambda data: subscriber_withdraw_topics_for(
            subscriber_id=subscriber.pk, keep=data["keep"], reason=data["reason"], actor=user
        ),
        message=lambda ended: (
            f"{ended} subscription{'' if ended == 1 else 's'} stopped. "
            "They will not be sent anything about "
            f"{'it' if ended == 1 else 'them'} again."
        ),
        success_url=reverse("newsletter:subscriber", args=[subscriber.pk]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def subscriber_unsubscribe(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    subscriber = _subscriber(pk)
    return form_page(
        request,
        ReasonForm(posted(request)),
        template="newsletter/staff/subscriber_unsubscribe.html",
        context={"subscriber": subscriber, "topics": selectors.live_topics(subscriber)},
        service=lambda data: subscriber_unsubscribe_for(
            subscriber_id=subscriber.pk, reason=data["reason"], actor=user
        ),
        message=(
            "They are unsubscribed from everything. Their details are deleted; only a coded "
            "form of the address is kept, so nothing is sent to it again."
        ),
        success_url=reverse("newsletter:subscribers"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def subscriber_your_data(request: HttpRequest, pk: int) -> HttpResponse:
    """A copy or erasure of their data, asked for by phone or email: the privacy engine
    emails them the link that confirms the request, as the manage page's does, and the data
    protection lead answers it."""
    user = _officer(request)
    subscriber = _subscriber(pk)
    return form_page(
        request,
        StaffYourDataForm(posted(request)),
        template="newsletter/staff/subscriber_your_data.html",
        context={"subscriber": subscriber},
        service=lambda data: rights_request_submit(
            email=subscriber.email,
            full_name=subscriber.name,
            kind=data["kind"],
            details=f"{YOUR_DATA_CHOICES[data['kind']]}. Asked through the communications "
            "team, from the subscriber's staff page.",
            actor=user,
        ),
        message="We have emailed them a link to confirm the request. When they confirm it, "
        "the data protection lead answers it within the legal time limit.",
        success_url=reverse("newsletter:subscriber", args=[subscriber.pk]),
    )
