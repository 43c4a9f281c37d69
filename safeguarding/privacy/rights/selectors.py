"""Reads for rights requests: the staff queue and its tabs, one request, a request by link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import user_has_role
from safeguarding.core.dates import day
from safeguarding.inventory.declarations import declaration_for_label
from safeguarding.privacy.models.rights import (
    CLOSED,
    RequestPause,
    RequestStatus,
    RightsRequest,
)
from safeguarding.privacy.models.rights_outcomes import (
    ErasureReport,
    ExportDelivery,
    PreparedErasure,
    ProcessingRestriction,
    Rectification,
)

DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class QueueTab:
    key: str
    label: str


QUEUE_TABS = (
    QueueTab("open", "Open"),
    QueueTab("due_soon", "Due soon"),
    QueueTab("overdue", "Overdue"),
    QueueTab("paused", "Paused"),
    QueueTab("completed", "Closed"),
)
DEFAULT_TAB = "open"


def _tab_filters(today: date) -> dict[str, Q]:
    soon = today + timedelta(days=DUE_SOON_DAYS)
    return {
        "open": Q(status=RequestStatus.OPEN),
        "due_soon": Q(status=RequestStatus.OPEN, due_on__gte=today, due_on__lte=soon),
        "overdue": Q(status=RequestStatus.OPEN, due_on__lt=today),
        "paused": Q(status=RequestStatus.PAUSED),
        "completed": Q(status__in=CLOSED),
    }


def rights_queue(tab: str, *, today: date | None = None) -> QuerySet[RightsRequest]:
    """The requests on one tab of the queue: the soonest due first, or the latest closed."""
    filters = _tab_filters(today or timezone.localdate())
    if tab not in filters:
        raise Http404("No such tab")
    queryset = RightsRequest.objects.filter(filters[tab]).select_related("person")
    if tab == "completed":
        return queryset.order_by("-completed_at", "-pk")
    return queryset.order_by("due_on", "received_at", "pk")


def rights_queue_counts(*, today: date | None = None) -> dict[str, int]:
    """How many requests each tab holds, in one query."""
    filters = _tab_filters(today or timezone.localdate())
    counts = RightsRequest.objects.aggregate(
        **{key: Count("pk", filter=condition) for key, condition in filters.items()}
    )
    return {key: counts[key] or 0 for key in filters}


def rights_request_for_staff(pk: int) -> RightsRequest:
    """One request for the staff pages; requests still awaiting their link are not shown."""
    try:
        return (
            RightsRequest.objects.select_related("person", "logged_by")
            .exclude(status=RequestStatus.AWAITING_CONFIRMATION)
            .get(pk=pk)
        )
    except RightsRequest.DoesNotExist:
        raise Http404("No such request") from None


def request_pauses(request: RightsRequest) -> list[RequestPause]:
    return list(request.pauses.order_by("started_at", "pk"))


def running_pause(request: RightsRequest) -> RequestPause | None:
    return request.pauses.filter(ended_at__isnull=True).first()


def rights_request_from_link(request_id: int) -> RightsRequest | None:
    """The request an emailed confirmation link names, if it still exists."""
    return RightsRequest.objects.filter(pk=request_id).first()


def rights_request_answer(request: RightsRequest) -> dict[str, Any]:
    """What staff have done to answer the request, for its page."""
    return {
        "withheld": list(
            request.withheld_items.select_related("proposed_by", "signed_off_by").order_by(
                "proposed_at", "pk"
            )
        ),
        "erasure_report": ErasureReport.objects.filter(request=request)
        .select_related("carried_out_by")
        .first(),
        "prepared_erasure": latest_prepared_erasure(request),
        "rectifications": [
            _without_secrets(item) for item in request.rectifications.order_by("recorded_at", "pk")
        ],
        "restriction": ProcessingRestriction.objects.filter(
            person=request.person_id, lifted_at__isnull=True
        ).first(),
        "objections": list(request.objections.order_by("decided_at", "pk")),
    }


def latest_prepared_erasure(request: RightsRequest) -> PreparedErasure | None:
    """The erasure prepared most recently for the request (waiting, approved, rejected or
    withdrawn), if any."""
    return (
        PreparedErasure.objects.filter(request=request)
        .select_related("proposed_by", "decided_by")
        .order_by("-proposed_at", "-pk")
        .first()
    )


def waiting_erasure(request: RightsRequest) -> PreparedErasure | None:
    """The erasure prepared for the request and waiting for a second person, if any."""
    return (
        PreparedErasure.objects.pending()
        .filter(request=request)
        .select_related("proposed_by", "request__person")
        .first()
    )


NOT_SHOWN = "[a secret: not shown]"


def _without_secrets(rectification: Rectification) -> Rectification:
    """A correction as its page shows it: a secret's values (written by a correction made
    before secrets were refused) are never shown, even to staff."""
    declaration = declaration_for_label(rectification.model_label)
    if declaration is not None and rectification.field_name in declaration.secret_fields():
        rectification.before = rectification.after = NOT_SHOWN
    return rectification


def about_a_staff_account(request: RightsRequest) -> bool:
    """Whether the requester has a staff account here (current or former): then the request
    reaches their sign-in, sessions and authenticators, and an administrator handles it."""
    email = request.person.email
    return bool(email) and User.objects.filter(email__iexact=email).exists()


def may_handle(
    user: User,
    request: RightsRequest,
    roles: tuple[Role, ...],
    *,
    about_staff: bool | None = None,
) -> bool:
    """Whether ``user`` may act on ``request``: one of ``roles``; or, for a request about a
    member of staff's own account, an administrator who is not that member of staff.
    ``about_staff`` saves the query when the caller already knows."""
    if about_a_staff_account(request) if about_staff is None else about_staff:
        return (
            user_has_role(user, Role.PARTNERSHIP_ADMINISTRATOR)
            and user.email.lower() != (request.person.email or "").lower()
        )
    return user_has_role(user, *roles)


def link_status(delivery: ExportDelivery, *, now: datetime | None = None) -> str:
    """Whether a link works, in words for staff."""
    now = now or timezone.now()
    if delivery.ended_at is not None:
        who = f" by {delivery.ended_by.full_name}" if delivery.ended_by else ""
        return f"{delivery.get_ended_why_display()} on {day(delivery.ended_at)}{who}"
    why_not = delivery.unusable(now=now)
    if not why_not:
        return "Working"
    if now >= delivery.expires_at:
        return "Expired"
    if delivery.downloads_left == 0:
        return "Every download used"
    return "Stopped: the wrong email address was typed too many times"


def request_deliveries(request: RightsRequest) -> list[ExportDelivery]:
    """Every link sent for the request, newest first, each with ``status`` in words and
    ``working``, for its staff page. Never the link itself."""
    now = timezone.now()
    deliveries = list(request.deliveries.select_related("ended_by").order_by("-created_at", "-pk"))
    for delivery in deliveries:
        delivery.status = link_status(delivery, now=now)  # type: ignore[attr-defined]
        delivery.working = not delivery.unusable(now=now)  # type: ignore[attr-defined]
    return deliveries
