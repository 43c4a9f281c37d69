"""Rectification, restriction and objection: what staff do to answer those requests.

Each is one transaction with its own audit entry. Audit details hold ids, model and field
names and decisions only: the values before and after a correction, and any free-text reason,
stay in the privacy engine's own records, never in the audit trail or a log.

Later features ask ``processing_restricted(email)`` before processing someone's data beyond
storing it, and ``objection_upheld(email, purpose)`` before using it for a purpose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.core.addresses import normalise_email
from safeguarding.inventory import purposes
from safeguarding.inventory.declarations import Correction, PersonalField, declaration_for
from safeguarding.privacy.models.rights import RequestKind, RightsRequest
from safeguarding.privacy.models.rights_outcomes import (
    Objection,
    ObjectionOutcome,
    ProcessingRestriction,
    Rectification,
)
from safeguarding.privacy.rights.export import subject_declarations

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


# --- Selectors for later features ------------------------------------------------------------


def processing_restricted(email: str) -> bool:
    """Whether a restriction is in force for the person with this address."""
    return ProcessingRestriction.objects.filter(
        person__email=normalise_email(email), lifted_at__isnull=True
    ).exists()


def objection_upheld(email: str, purpose: str) -> bool:
    """Whether the person objected to processing under ``purpose`` and we agreed to stop."""
    return Objection.objects.filter(
        request__person__email=normalise_email(email),
        purpose=purpose,
        outcome=ObjectionOutcome.STOPPED,
    ).exists()


def processing_stopped(purpose: str, *, email_field: str = "email") -> Q:
    """For a queryset of records holding an address in ``email_field``: the rows whose person
    has a restriction in force, or an upheld objection to ``purpose``. Sending features exclude
    them (``.exclude(processing_stopped("newsletter"))``), in the same query as the rest."""
    address = OuterRef(email_field)
    restricted = ProcessingRestriction.objects.filter(person__email=address, lifted_at__isnull=True)
    objected = Objection.objects.filter(
        request__person__email=address, purpose=purpose, outcome=ObjectionOutcome.STOPPED
    )
    return Q(Exists(restricted)) | Q(Exists(objected))


def restriction_in_force(request: RightsRequest) -> ProcessingRestriction | None:
    return ProcessingRestriction.objects.filter(
        person=request.person_id, lifted_at__isnull=True
    ).first()


def subject_records(request: RightsRequest) -> list[tuple[str, str]]:
    """(``label:pk``, the record in plain words) for each record found under the requester's
    address that staff may point at. Credentials (sessions, authenticators, recovery codes)
    and framework tables are never offered: the export shows credentials as held, and no
    staff tool may touch them."""

    if request.subject_unfindable():
        return []
    key = request.subject_key()
    choices = []
    for declaration in subject_declarations():
        if not declaration.offered_to_staff:
            continue
        model = declaration.model
        assert declaration.subject_filter is not None  # noqa: S101  (subject_declarations())
        found = declaration.subject_filter(key)
        if found is None:
            continue
        rows = model._base_manager.filter(found).order_by("pk")
        if declaration.related:
            rows = rows.select_related(*declaration.related)
        for row in rows:
            what = declaration.row_in_words(row)
            if declaration.describe is None:
                what = f"{what} {row.pk}"
            choices.append((f"{declaration.model_label}:{row.pk}", what))
    return choices


# --- Rectification ---------------------------------------------------------------------------


def _requires(request: RightsRequest, kind: RequestKind) -> None:
    if request.kind != kind or not request.is_running:
        raise ValidationError(f"This needs an open {kind.label.split(':')[0].lower()} request.")


def _subject_record(request: RightsRequest, record: str) -> models.Model:
    label, _, object_id = record.partition(":")
    if record not in {value for value, _ in subject_records(request)}:
        raise ValidationError({"record": "Choose one of the requester's records"})
    model = apps.get_model(label)
    found: models.Model = model._base_manager.get(pk=object_id)
    return found


def correction_for(model: type[models.Model], field_name: str) -> Correction:
    """How a correction of ``field_name`` in ``model`` is made, or a ValidationError: only
    the fields whose owning app registered a correction service (never a secret, never a
    credential's field)."""
    declaration = declaration_for(model)
    correction = declaration.corrections.get(field_name) if declaration else None
    if (
        declaration is None
        or correction is None
        or not declaration.offered_to_staff
        or not isinstance(declaration.fields.get(field_name), PersonalField)
        or field_name in declaration.secret_fields()
    ):
        raise ValidationError(
            {"field_name": "Choose something that can be corrected in this record"}
        )
    return correction


def correctable_fields(request: RightsRequest) -> list[tuple[str, str]]:
    """(field name, what it is in plain words) for each field that can be corrected in the
    requester's records, for the rectification form."""

    labels: dict[str, str] = {}
    for declaration in subject_declarations():
        if declaration.offered_to_staff:
            for name, correction in declaration.corrections.items():
                labels.setdefault(name, correction.label)
    return sorted(labels.items(), key=lambda item: item[1])


def rights_request_rectify(
    *, request: RightsRequest, actor: User, record: str, field_name: str, new_value: str
) -> Rectification:
    """Correct one field of one of the requester's records, through the service of the app
    that owns the record (its validation, its audit entry), and record the correction."""
    _requires(request, RequestKind.RECTIFICATION)
    obj = _subject_record(request, record)
    correction = correction_for(type(obj), field_name)
    model_field = obj._meta.get_field(field_name)
    assert isinstance(model_field, models.Field)  # noqa: S101  (declared fields are columns)
    before = model_field.value_from_object(obj)
    try:
        with transaction.atomic(durable=True):
            try:
                correction.apply(obj, new_value, actor=actor)
            except ValidationError as error:
                raise ValidationError({"new_value": error.messages}) from None
            obj.refresh_from_db(fields=[model_field.attname])
            after = model_field.value_from_object(obj)
            rectification = Rectification(
                request=request,
                model_label=obj._meta.label,
                object_id=str(obj.pk),
                field_name=field_name,
                before="" if before is None else str(before),
                after="" if after is None else str(after),
                recorded_by=actor,
            )
            rectification.full_clean()
            rectification.save()
            audit_log(
                action="privacy.rights_request.rectified",
                actor=actor,
                target=request,
                details={
                    "rectification": rectification.pk,
                    "model": obj._meta.label,
                    "object_id": str(obj.pk),
                    "field": field_name,
                },
            )
    except IntegrityError:
        raise ValidationError(
            {"new_value": "Another record already has this value: check it and try again"}
        ) from None
    return rectification


# --- Restriction -----------------------------------------------------------------------------


def restriction_place(*, request: RightsRequest, actor: User, reason: str) -> ProcessingRestriction:
    _requires(request, RequestKind.RESTRICTION)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why processing is restricted"})
    with transaction.atomic(durable=True):
        if restriction_in_force(request) is not None:
            raise ValidationError("A restriction is already in force for this person.")
        restriction = ProcessingRestriction(
            person_id=request.person_id, request=request, reason=reason.strip(), placed_by=actor
        )
        restriction.full_clean()
        try:
            with transaction.atomic():
                restriction.save()
        except IntegrityError:  # placed by someone else at the same moment
            raise ValidationError("A restriction is already in force for this person.") from None
        audit_log(
            action="privacy.restriction.placed",
            actor=actor,
            target=restriction,
            details={"request": request.pk, "person": request.person_id},
        )
    return restriction


def restriction_lift(
    *, request: RightsRequest, actor: User, lift_reason: str
) -> ProcessingRestriction:
    if not lift_reason.strip():
        raise ValidationError({"lift_reason": "Enter why the restriction is lifted"})
    with transaction.atomic(durable=True):
        restriction = (
            ProcessingRestriction.objects.select_for_update()
            .filter(person=request.person_id, lifted_at__isnull=True)
            .first()
        )
        if restriction is None:
            raise ValidationError("No restriction is in force for this person.")
        restriction.lifted_at = timezone.now()
        restriction.lifted_by = actor
        restriction.lift_reason = lift_reason.strip()
        restriction.full_clean()
        restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        audit_log(
            action="privacy.restriction.lifted",
            actor=actor,
            target=restriction,
            details={"request": request.pk, "person": request.person_id},
        )
    return restriction


# --- Objection -------------------------------------------------------------------------------


def objection_decide(
    *, request: RightsRequest, actor: User, purpose: str, outcome: str, reasons: str
) -> Objection:
    """Record the decision on an objection to processing under one purpose."""
    _requires(request, RequestKind.OBJECTION)
    errors = {}
    if purposes.get(purpose) is None:
        errors["purpose"] = "Choose the purpose the requester objects to"
    if outcome not in ObjectionOutcome.values:
        errors["outcome"] = "Choose whether we stop or continue"
    if not reasons.strip():
        errors["reasons"] = "Enter the reasons for the decision"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        objection = Objection(
            request=request,
            purpose=purpose,
            outcome=outcome,
            reasons=reasons.strip(),
            decided_by=actor,
        )
        objection.full_clean()
        objection.save()
        audit_log(
            action="privacy.objection.decided",
            actor=actor,
            target=request,
            details={"objection": objection.pk, "purpose": purpose, "outcome": outcome},
        )
    return objection
