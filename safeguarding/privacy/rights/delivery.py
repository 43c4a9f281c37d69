"""The access export, delivered by the system rather than sent by hand.

When an access request is completed, an ``ExportDelivery`` is made in the same transaction,
and the completion email (``send_rights_request_email``, which takes only the request's id)
carries a link to ``/your-data/export/<token>/``, made when the email is written: the token
is a signed id, so no live link waits in the task table or reaches a log. The page asks the
requester to type their email address again; each correct address gives one download, up to
``ACCESS_EXPORT_DOWNLOADS``, until ``ACCESS_EXPORT_LINK_DAYS`` have passed. Wrong addresses
are counted, and after ``EXPORT_CONFIRMATION_ATTEMPTS`` the link stops working. Every
download and every wrong address is audited (ids and counts only).

The bundle is built at each download from the request's final redaction schedule, with the
same builder as the staff download (``rights.export.build_export``); no copy is stored.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.core import links
from safeguarding.core.addresses import normalise_email
from safeguarding.core.links import absolute_url
from safeguarding.core.ratelimit import Limit
from safeguarding.privacy.models.rights import RequestKind, RightsRequest
from safeguarding.privacy.models.rights_outcomes import ExportDelivery, LinkEnded
from safeguarding.privacy.rights.export import build_export
from safeguarding.privacy.rights.sharing import require_export_purpose
from safeguarding.privacy.rights.withholding import withheld_items

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

LINK_PURPOSE = "access-export"
# Every download page counts against these, by the address typed and by network address.
DOWNLOAD_LIMIT = Limit("access-export-download", per_address="10/h", per_client="30/h")
WRONG_ADDRESS = "Enter the email address we sent this link to"


class DownloadRefused(Exception):
    """The link no longer works; the message says why, in words for the requester."""


def link_valid_for() -> timedelta:
    return timedelta(days=settings.ACCESS_EXPORT_LINK_DAYS)


def delivers_export(request: RightsRequest) -> bool:
    """Whether completing this request sends the requester a link to their export."""
    return (
        request.kind == RequestKind.ACCESS
        and bool(request.person.email)
        and not request.subject_unfindable()
    )


def export_delivery_create(
    *,
    request: RightsRequest,
    actor: User | None = None,
    reason: str = "",
    details: dict[str, object] | None = None,
) -> ExportDelivery:
    """A new link for the request's export, in the caller's transaction (completing the
    request, or staff sending a new link); the email the caller queues carries it."""
    with transaction.atomic():
        delivery = ExportDelivery(
            request=request,
            expires_at=timezone.now() + link_valid_for(),
            downloads_allowed=settings.ACCESS_EXPORT_DOWNLOADS,
        )
        delivery.full_clean()
        delivery.save()
        audit_log(
            action="privacy.export_delivery.created",
            actor=actor,
            target=delivery,
            reason=reason,
            details={
                "request": request.pk,
                "downloads_allowed": delivery.downloads_allowed,
                "days": settings.ACCESS_EXPORT_LINK_DAYS,
                **(details or {}),
            },
        )
    return delivery


def end_links(
    deliveries: QuerySet[ExportDelivery], *, why: LinkEnded, reason: str, actor: User
) -> list[ExportDelivery]:
    """Stop each link still working (locked), in the caller's transaction; the ones stopped."""
    now = timezone.now()
    ended = []
    for delivery in deliveries.select_for_update().order_by("pk"):
        if delivery.unusable(now=now):
            continue
        delivery.ended_at = now
        delivery.ended_by = actor
        delivery.ended_why = why
        delivery.ended_reason = reason.strip()
        delivery.full_clean()
        delivery.save(update_fields=["ended_at", "ended_by", "ended_why", "ended_reason"])
        ended.append(delivery)
    return ended


NOT_WORKING = "This link already no longer works."


def export_delivery_cancel(*, delivery: ExportDelivery, reason: str, actor: User) -> ExportDelivery:
    """Staff stop one download link at once (sent to the wrong place, say); audited."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the link is being cancelled"})
    with transaction.atomic(durable=True):
        ended = end_links(
            ExportDelivery.objects.filter(pk=delivery.pk),
            why=LinkEnded.CANCELLED,
            reason=reason,
            actor=actor,
        )
        if not ended:
            raise ValidationError(NOT_WORKING)
        audit_log(
            action="privacy.export_delivery.cancelled",
            actor=actor,
            target=ended[0],
            reason=ended[0].ended_reason,
            details={"request": delivery.request_id},
        )
    return ended[0]


def latest_delivery(request: RightsRequest) -> ExportDelivery | None:
    return request.deliveries.order_by("-created_at", "-pk").first()


def delivery_link(delivery: ExportDelivery) -> str:
    """The download page's address, made only when an email is written (never stored)."""
    token = links.make_token(purpose=LINK_PURPOSE, payload={"delivery": delivery.pk})
    return absolute_url(reverse("your_data:export", args=[token]))


def delivery_from_link(token: str) -> ExportDelivery:
    """The delivery a link names, or ``links.BadLink`` saying why not (never which)."""
    payload = links.read_token(
        token, purpose=LINK_PURPOSE, max_age=link_valid_for() + timedelta(days=1)
    )
    delivery_id = payload.get("delivery")
    if not isinstance(delivery_id, int):
        raise links.BadLink("This link is not valid.")
    delivery = ExportDelivery.objects.select_related("request__person").filter(pk=delivery_id)
    found = delivery.first()
    if found is None:
        raise links.BadLink("This link has expired. Contact us for a new one.")
    return found


def export_download(
    *, delivery: ExportDelivery, email: str, now: datetime | None = None
) -> tuple[bytes, str]:
    """The requester typed ``email`` on the download page: if it is the address the link
    was sent to, one download is used and the bundle is returned with its file name; if not,
    the wrong address is counted and a ``ValidationError`` says what to do. A link that no
    longer works raises ``DownloadRefused``."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        locked = (
            ExportDelivery.objects.select_for_update()
            .select_related("request__person")
            .get(pk=delivery.pk)
        )
        why_not = locked.unusable(now=now)
        if why_not:
            raise DownloadRefused(why_not)
        expected = locked.request.person.email or ""
        if not hmac.compare_digest(normalise_email(email).encode(), expected.encode()):
            locked.failed_confirmations += 1
            locked.save(update_fields=["failed_confirmations"])
            audit_log(
                action="privacy.export_delivery.wrong_address",
                actor=None,
                target=locked,
                details={"request": locked.request_id, "failures": locked.failed_confirmations},
            )
            bundle = None
        else:
            # Personal data leaves the system only for a declared purpose (P06).
            require_export_purpose(
                purpose="rights_requests", actor=None, what="subject access export download"
            )
            request = locked.request
            withheld = [item for item in withheld_items(request) if item.is_signed_off]
            bundle = build_export(request.person, withheld=withheld, request=request, now=now)
            locked.downloads_used += 1
            locked.last_downloaded_at = now
            locked.full_clean()
            locked.save(update_fields=["downloads_used", "last_downloaded_at"])
            audit_log(
                action="privacy.export_delivery.downloaded",
                actor=None,
                target=locked,
                details={
                    "request": request.pk,
                    "download": locked.downloads_used,
                    "of": locked.downloads_allowed,
                    "bytes": len(bundle),
                },
            )
    if bundle is None:  # the wrong address is counted (committed) before it is refused
        raise ValidationError({"email": WRONG_ADDRESS})
    return bundle, f"{locked.request.reference}.zip"
