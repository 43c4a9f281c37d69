"""Changes to data subject rights requests. Each is one transaction with its own audit entry.

Audit details hold ids, the kind of request and numbers only: never an email address, a name
or the free text of a request, a reason or an outcome.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.core import links
from safeguarding.core.addresses import normalise_email
from safeguarding.core.corrections import correct_text_field
from safeguarding.core.links import absolute_url
from safeguarding.core.ratelimit import Limit
from safeguarding.core.tasks import deliver_email, email_task, enqueue_in_transaction
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.models.rights import (
    RequestChannel,
    RequestKind,
    RequestPause,
    RequestStatus,
    RequestSubject,
    RightsRequest,
)
from safeguarding.privacy.models.rights_outcomes import ErasureReport, ExportDelivery, LinkEnded
from safeguarding.privacy.rights import clock
from safeguarding.privacy.rights.delivery import (
    delivers_export,
    delivery_link,
    end_links,
    export_delivery_create,
    latest_delivery,
)
from safeguarding.privacy.rights.export import build_export
from safeguarding.privacy.rights.sharing import require_export_purpose
from safeguarding.privacy.rights.withholding import (
    redaction_schedule,
    unsigned_count,
    withheld_items,
)

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

LINK_PURPOSE = "rights-request"
LINK_VALID_FOR = timedelta(days=7)
# Every public page that starts a request counts against the same limits.
REQUEST_LIMIT = Limit("your-data-request")
UNCONFIRMED_KEPT_FOR = timedelta(days=7)


# --- The clock ----------------------------------------------------------------------------------


def _local(moment: datetime | None) -> date | None:
    return None if moment is None else timezone.localdate(moment)


def _finished_pauses(request: RightsRequest) -> list[clock.Pause]:
    if request.pk is None:
        return []
    return [
        clock.Pause(started=timezone.localdate(p.started_at), ended=timezone.localdate(p.ended_at))
        for p in request.pauses.filter(ended_at__isnull=False)
        if p.ended_at is not None
    ]


def original_due_date(request: RightsRequest) -> date | None:
    """The due date without any extension, counting the pauses that have ended."""
    return clock.due_date(
        request.received_on, _local(request.identity_confirmed_at), _finished_pauses(request)
    )


def refresh_due(request: RightsRequest) -> None:
    """Set ``due_on`` from the clock (not saved); pauses still running are not counted yet."""
    request.due_on = clock.due_date(
        request.received_on,
        _local(request.identity_confirmed_at),
        _finished_pauses(request),
        request.extension_months,
    )


# --- Making a request ---------------------------------------------------------------------------


def confirmation_link(request: RightsRequest) -> str:
    token = links.make_token(purpose=LINK_PURPOSE, payload={"request": request.pk})
    return absolute_url(reverse("your_data:confirm", args=[token]))


def _find_or_create_person(*, email: str, full_name: str) -> Person:
    """The Person with this address; a name is only ever set on a new one (nobody can change
    a known person's name by typing it into a form)."""
    person, _ = Person.objects.get_or_create(
        email=normalise_email(email), defaults={"full_name": full_name.strip()}
    )
    return person


def rights_request_submit(
    *, email: str, full_name: str, kind: str, details: str, actor: User | None = None
) -> RightsRequest:
    """A request made on the web: it waits for the emailed link to confirm who made it.

    The same happens whether or not we knew the address, so the page and the email reveal
    nothing about what we hold. ``actor`` is the member of staff who started it at the
    person's request (from a subscriber's page); the person still confirms it by the link.
    """
    with transaction.atomic(durable=True):
        person = _find_or_create_person(email=email, full_name=full_name)
        request = RightsRequest(
            person=person,
            kind=kind,
            details=details.strip(),
            channel=RequestChannel.WEB,
            status=RequestStatus.AWAITING_CONFIRMATION,
        )
        request.full_clean()
        request.save()
        audit_log(
            action="privacy.rights_request.submitted",
            actor=actor,
            target=request,
            details={
                "kind": kind,
                "channel": RequestChannel.WEB.value,
                **({"started_by_staff": True} if actor is not None else {}),
            },
        )
        enqueue_in_transaction(send_rights_request_email, request_id=request.pk, email="confirm")
    return request


def rights_request_confirm(*, request_id: int) -> RightsRequest | None:
    """The requester clicked the emailed link: their identity is confirmed and the clock starts.

    Returns None if the request no longer exists. Confirming again changes nothing.
    """
    with transaction.atomic(durable=True):
        request = RightsRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.status != RequestStatus.AWAITING_CONFIRMATION:
            return request
        request.identity_confirmed_at = timezone.now()
        request.status = RequestStatus.OPEN
        refresh_due(request)
        request.save(update_fields=["identity_confirmed_at", "status", "due_on"])
        audit_log(
            action="privacy.rights_request.confirmed",
            actor=None,
            target=request,
            details={"kind": request.kind},
        )
    return request


def rights_request_log(
    *,
    actor: User,
    kind: str,
    channel: str,
    received_on: date,
    identity_note: str,
    details: str = "",
    email: str = "",
    full_name: str = "",
    subject: str = RequestSubject.SELF,
    subject_authority: str = "",
    subject_name: str = "",
    subject_date_of_birth: date | None = None,
    subject_nhs_number: str = "",
    subject_email: str = "",
) -> RightsRequest:
    """A request made by phone, letter or email, entered by staff who checked the identity.
    ``subject`` says whose data it is about: the requester's own, a child's (name, and date
    of birth or NHS number, stored encrypted) or another adult's (their address), with the
    requester's authority to act for them."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if channel == RequestChannel.WEB:
        errors["channel"] = "Choose phone, letter or email: web requests are made by the requester"
    if received_on > today:
        errors["received_on"] = "The date received must be today or in the past"
    if not identity_note.strip():
        errors["identity_note"] = "Enter how you confirmed the requester's identity"
    if not email.strip() and not full_name.strip():
        errors["email"] = "Enter the requester's email address or name"
    errors.update(
        _subject_errors(
            subject,
            authority=subject_authority,
            name=subject_name,
            born=subject_date_of_birth,
            nhs_number=subject_nhs_number,
            email=subject_email,
            today=today,
        )
    )
    if errors:
        raise ValidationError(errors)
    is_child = subject == RequestSubject.CHILD
    is_other = subject != RequestSubject.SELF
    with transaction.atomic(durable=True):
        if email.strip():
            person = _find_or_create_person(email=email, full_name=full_name)
        else:
            person = Person(full_name=full_name.strip())
            person.full_clean()
            person.save()
        now = timezone.now()
        received_at = now if received_on == today else _start_of(received_on)
        request = RightsRequest(
            person=person,
            kind=kind,
            details=details.strip(),
            channel=channel,
            received_at=received_at,
            identity_confirmed_at=now,
            identity_note=identity_note.strip(),
            logged_by=actor,
            status=RequestStatus.OPEN,
            subject=subject,
            subject_authority=subject_authority.strip() if is_other else "",
            subject_name=subject_name.strip() if is_other and subject_name.strip() else None,
            subject_date_of_birth=subject_date_of_birth if is_child else None,
            subject_nhs_number=_nhs_digits(subject_nhs_number) if is_child else None,
            subject_email=(
                normalise_email(subject_email) if subject == RequestSubject.ADULT else ""
            ),
        )
        refresh_due(request)
        request.full_clean()
        request.save()
        audit_log(
            action="privacy.rights_request.logged",
            actor=actor,
            target=request,
            details={
                "kind": kind,
                "channel": channel,
                "person": person.pk,
                **({"subject": subject} if is_other else {}),
            },
        )
    return request


def _nhs_digits(value: str) -> str | None:
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits or None


def _subject_errors(
    subject: str,
    *,
    authority: str,
    name: str,
    born: date | None,
    nhs_number: str,
    email: str,
    today: date,
) -> dict[str, str]:
    """GOV.UK messages for whose data the request is about."""
    errors: dict[str, str] = {}
    if subject not in RequestSubject.values:
        return {"subject": "Choose whose data the request is about"}
    if subject == RequestSubject.SELF:
        return errors
    if not authority.strip():
        errors["subject_authority"] = "Enter the requester's authority to act for them"
    if subject == RequestSubject.CHILD:
        if not name.strip():
            errors["subject_name"] = "Enter the child's full name"
        digits = "".join(ch for ch in nhs_number if ch.isdigit())
        if nhs_number.strip() and (
            len(digits) != 10 or any(not (ch.isdigit() or ch in " -") for ch in nhs_number)
        ):
            errors["subject_nhs_number"] = "NHS number must be 10 digits, like 943 476 5919"
        if born is not None and born > today:
            errors["subject_date_of_birth"] = "The child's date of birth must be in the past"
        if born is None and not nhs_number.strip():
            errors["subject_date_of_birth"] = "Enter the child's date of birth or NHS number"
    if subject == RequestSubject.ADULT and not email.strip():
        errors["subject_email"] = "Enter the email address of the adult the request is for"
    return errors


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# --- Staff actions on a request -----------------------------------------------------------------


def _locked(request: RightsRequest) -> RightsRequest:
    return RightsRequest.objects.select_for_update().select_related("person").get(pk=request.pk)


def rights_request_pause(*, request: RightsRequest, reason: str, actor: User) -> RequestPause:
    """Stop the clock while we wait for the requester to clarify."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter what you have asked the requester to clarify"})
    with transaction.atomic(durable=True):
        request = _locked(request)
        if request.status != RequestStatus.OPEN:
            raise ValidationError("Only an open request can be paused.")
        pause = RequestPause(request=request, reason=reason.strip())
        pause.full_clean()
        pause.save()
        request.status = RequestStatus.PAUSED
        request.save(update_fields=["status"])
        audit_log(
            action="privacy.rights_request.paused",
            actor=actor,
            target=request,
            details={"pause": pause.pk},
        )
    return pause


def rights_request_resume(*, request: RightsRequest, actor: User) -> RightsRequest:
    """Restart the clock: the days it was stopped are added to the due date."""
    with transaction.atomic(durable=True):
        request = _locked(request)
        pause = request.pauses.select_for_update().filter(ended_at__isnull=True).first()
        if request.status != RequestStatus.PAUSED or pause is None:
            raise ValidationError("Only a paused request can be resumed.")
        pause.ended_at = timezone.now()
        pause.save(update_fields=["ended_at"])
        request.status = RequestStatus.OPEN
        refresh_due(request)
        request.save(update_fields=["status", "due_on"])
        audit_log(
            action="privacy.rights_request.resumed",
            actor=actor,
            target=request,
            details={
                "pause": pause.pk,
                "days_paused": (timezone.localdate() - timezone.localdate(pause.started_at)).days,
            },
        )
    return request


def rights_request_extend(
    *,
    request: RightsRequest,
    months: int,
    reason: str,
    actor: User,
    told_by_other_means: bool = False,
) -> RightsRequest:
    """Extend the deadline once, by one or two months, telling the requester why.

    With an email address we send the notice now; without one, staff confirm they have told
    the requester today by phone or letter. Either way it must be within the first month.
    """
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the request needs more time"})
    with transaction.atomic(durable=True):
        request = _locked(request)
        if request.status != RequestStatus.OPEN:
            raise ValidationError("Only an open request can be extended.")
        original_due = original_due_date(request)
        if original_due is None:  # pragma: no cover  (open requests are confirmed)
            raise ValidationError("The clock has not started yet.")
        try:
            clock.check_extension(
                original_due=original_due,
                notice_sent=timezone.localdate(),
                months=months,
                already_extended=request.extension_months > 0,
            )
        except clock.ExtensionRefused as refused:
            raise ValidationError(str(refused)) from None
        email = request.person.email
        if not email and not told_by_other_means:
            raise ValidationError(
                {
                    "told_by_other_means": "We have no email address for the requester: "
                    "confirm you have told them today by phone or letter"
                }
            )
        request.extension_months = months
        request.extension_reason = reason.strip()
        request.extension_notified_at = timezone.now()
        refresh_due(request)
        request.save(
            update_fields=[
                "extension_months",
                "extension_reason",
                "extension_notified_at",
                "due_on",
            ]
        )
        audit_log(
            action="privacy.rights_request.extended",
            actor=actor,
            target=request,
            details={"months": months, "notice": "email" if email else "other"},
        )
        if email:
            enqueue_in_transaction(
                send_rights_request_email, request_id=request.pk, email="extension"
            )
    return request


def _close(
    *, request: RightsRequest, status: RequestStatus, outcome: str, actor: User, action: str
) -> RightsRequest:
    with transaction.atomic():
        request = _locked(request)
        if not request.is_running:
            raise ValidationError("This request is already closed.")
        now = timezone.now()
        request.pauses.filter(ended_at__isnull=True).update(ended_at=now)
        request.status = status
        request.outcome = outcome.strip()
        request.completed_at = now
        request.full_clean()
        request.save(update_fields=["status", "outcome", "completed_at"])
        on_time = request.due_on is not None and timezone.localdate(now) <= request.due_on
        audit_log(
            action=f"privacy.rights_request.{action}",
            actor=actor,
            target=request,
            details={"kind": request.kind, "on_time": on_time},
        )
    return request


def rights_request_complete(*, request: RightsRequest, outcome: str, actor: User) -> RightsRequest:
    """Close the request as answered, and tell the requester (with the redaction schedule of
    an access request, or the report of an erasure) when we have their email address."""
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter what was done to answer the request"})
    with transaction.atomic(durable=True):
        return complete_within(request=request, outcome=outcome, actor=actor)


def complete_within(*, request: RightsRequest, outcome: str, actor: User) -> RightsRequest:
    """``rights_request_complete`` inside the caller's transaction: an approved erasure
    completes its request in the same transaction as the erasure."""
    # Under the request's lock, so no item can be proposed while it closes.
    _refuse_unsigned_items(_locked(request))
    request = _close(
        request=request,
        status=RequestStatus.COMPLETED,
        outcome=outcome,
        actor=actor,
        action="completed",
    )
    if delivers_export(request):
        export_delivery_create(request=request)
    send_completion_email(request)
    return request


def send_completion_email(request: RightsRequest) -> None:
    """Email the requester that the request is answered, if we can (in the transaction)."""
    if request.person.email:
        enqueue_in_transaction(send_rights_request_email, request_id=request.pk, email="completed")


def export_delivery_resend(*, request: RightsRequest, reason: str, actor: User) -> ExportDelivery:
    """Email the requester a new link to their completed access export: every link still
    working stops at once, so only the newest works. One audit entry, on the new link."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why a new link is being sent"})
    with transaction.atomic(durable=True):
        request = _locked(request)
        if request.status != RequestStatus.COMPLETED or not delivers_export(request):
            raise ValidationError(
                "A link can be sent only for a completed access request with an email address."
            )
        replaced = end_links(
            request.deliveries.all(), why=LinkEnded.REPLACED, reason=reason, actor=actor
        )
        delivery = export_delivery_create(
            request=request,
            actor=actor,
            reason=reason.strip(),
            details={"replaced": len(replaced)},
        )
        enqueue_in_transaction(send_rights_request_email, request_id=request.pk, email="new_link")
    return delivery


@email_task("A rights request email")
def send_rights_request_email(*, request_id: int, email: str) -> int:
    """Write and send an email about a request from its id: ``confirm`` (with the link, made
    here), ``extension`` or ``completed``. The task table holds an id and a word, never a live
    link or what the email says about the person."""

    request = RightsRequest.objects.select_related("person").filter(pk=request_id).first()
    if request is None or not request.person.email:
        return 0
    context: dict[str, object] = {"request": request, "partnership": settings.PARTNERSHIP}
    if email == "confirm":
        context.update(
            link=confirmation_link(request),
            kind=request.get_kind_display(),
            days=LINK_VALID_FOR.days,
        )
    elif email == "new_link":
        delivery = latest_delivery(request)
        if delivery is None or delivery.unusable(now=timezone.now()):
            return 0  # replaced or cancelled again before this email went
        context.update(delivery=delivery, link=delivery_link(delivery))
    elif email == "completed":
        report = ErasureReport.objects.filter(request=request).first()
        delivery = latest_delivery(request)
        context.update(
            schedule=redaction_schedule(withheld_items(request)),
            report=report.lines if report is not None else [],
            delivery=delivery,
            # Made now, from the id: the task table never holds a live link.
            link=delivery_link(delivery) if delivery is not None else "",
        )
    elif email != "extension":
        raise ValueError(f"No such rights request email: {email}")
    folder = "privacy/rights/email"
    return deliver_email(
        subject=render_to_string(f"{folder}/{email}_subject.txt", context),
        body=render_to_string(f"{folder}/{email}.txt", context),
        to=[request.person.email],
    )


def _refuse_unsigned_items(request: RightsRequest) -> None:

    waiting = unsigned_count(request)
    if waiting:
        raise ValidationError(
            f"Withheld items awaiting a second person's sign-off: {waiting}. Nothing can be "
            "released until each is signed off."
        )


def rights_request_refuse(*, request: RightsRequest, reason: str, actor: User) -> RightsRequest:
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the request is refused"})
    return _close(
        request=request, status=RequestStatus.REFUSED, outcome=reason, actor=actor, action="refused"
    )


def rights_request_withdraw(*, request: RightsRequest, note: str, actor: User) -> RightsRequest:
    if not note.strip():
        raise ValidationError({"note": "Enter how the requester withdrew the request"})
    return _close(
        request=request,
        status=RequestStatus.WITHDRAWN,
        outcome=note,
        actor=actor,
        action="withdrawn",
    )


def rights_request_export(*, request: RightsRequest, actor: User) -> bytes:
    """Build the access export bundle for the request's subject, and audit that staff did."""

    if request.kind != RequestKind.ACCESS:
        raise ValidationError("Only an access request has an export.")
    unfindable = request.subject_unfindable()
    if unfindable:
        raise ValidationError(unfindable)
    # Personal data leaves the system only for a declared purpose (P06).
    require_export_purpose(purpose="rights_requests", actor=actor, what="subject access export")
    with transaction.atomic(durable=True):
        # Under the request's lock, so the schedule cannot change while the export is built.
        request = _locked(request)
        _refuse_unsigned_items(request)
        withheld = withheld_items(request)
        bundle = build_export(request.person, withheld=withheld, request=request)
        audit_log(
            action="privacy.rights_request.exported",
            actor=actor,
            target=request,
            details={
                "person": request.person_id,
                **({"subject": request.subject} if request.on_behalf_of_someone_else else {}),
                "bytes": len(bundle),
                "withheld": len(withheld),
            },
        )
    return bundle


# --- Housekeeping -------------------------------------------------------------------------------


def prune_unconfirmed_requests(*, now: datetime | None = None) -> int:
    """Delete web requests whose link was never clicked within seven days, and the people
    that were created for them and are linked to nothing else."""
    cutoff = (now or timezone.now()) - UNCONFIRMED_KEPT_FOR
    with transaction.atomic(durable=True):
        stale = RightsRequest.objects.filter(
            status=RequestStatus.AWAITING_CONFIRMATION, received_at__lt=cutoff
        )
        person_ids = set(stale.values_list("person_id", flat=True))
        _, per_model = stale.delete()
        deleted = per_model.get(RightsRequest._meta.label, 0)
        people_deleted = 0
        for person in Person.objects.filter(pk__in=person_ids):
            if not _linked_to_anything(person):
                person.delete()
                people_deleted += 1
        if deleted:
            audit_log(
                action="privacy.rights_request.pruned",
                actor=None,
                target_type="privacy.rightsrequest",
                details={"requests": deleted, "people": people_deleted},
            )
    return deleted


def _linked_to_anything(person: Person) -> bool:
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if isinstance(model, str):  # pragma: no cover  (resolved once the apps are ready)
            return True  # unsure, so keep the person
        if model._base_manager.filter(**{relation.field.name: person}).exists():
            return True
    return False


@transaction.atomic
def person_correct_name(*, person: Person, full_name: str, actor: User) -> None:
    """Correct the name a requester gave us (a rectification request)."""
    correct_text_field(person, "full_name", full_name, label="Full name")
    audit_log(
        action="privacy.person.name_corrected",
        actor=actor,
        target=person,
        details={"field": "full_name"},
    )
