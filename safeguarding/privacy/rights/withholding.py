"""Withholding items from an access export under an exemption, with a second person's sign-off.

One data protection lead proposes an item (the exemption, a justification for the file, and a
plain description the requester will read); a different member of staff with a data
protection role signs it off. Until every item of a request is signed off, its export cannot
be released and the request cannot be completed. The requester receives the redaction
schedule (what was withheld and under which exemption, never the content) inside the export
bundle and in the email that tells them the request is complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.roles import DATA_PROTECTION_ROLES
from safeguarding.accounts.selectors import user_has_role
from safeguarding.audit.services import audit_log
from safeguarding.inventory.declarations import PersonalField, declaration_for
from safeguarding.privacy.models.rights import RequestKind, RightsRequest
from safeguarding.privacy.models.rights_outcomes import (
    EXEMPTION_IN_WORDS,
    Exemption,
    WithheldItem,
)

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


@dataclass(frozen=True)
class ScheduleLine:
    """One line of the redaction schedule the requester receives."""

    what: str
    exemption: str
    why: str


def redaction_schedule(items: list[WithheldItem]) -> list[ScheduleLine]:
    return [
        ScheduleLine(
            what=item.description,
            exemption=Exemption(item.exemption).label,
            why=EXEMPTION_IN_WORDS[Exemption(item.exemption)],
        )
        for item in items
    ]


def withheld_items(request: RightsRequest) -> list[WithheldItem]:
    return list(request.withheld_items.select_related("proposed_by", "signed_off_by"))


def unsigned_count(request: RightsRequest) -> int:
    return request.withheld_items.filter(signed_off_at__isnull=True).count()


def _find_field(request: RightsRequest, record: str, field_name: str) -> tuple[str, str, str]:
    """The record (``app_label.Model:pk``, one of the requester's own) and, if named, one of
    its declared personal fields, checked."""
    if not record:
        if field_name:
            raise ValidationError({"record": "Choose the record the field belongs to"})
        return "", "", ""
    label, object_id = _find_record(request, record)
    if field_name:
        from django.apps import apps

        declaration = declaration_for(apps.get_model(label))
        fields = declaration.fields if declaration else {}
        if not isinstance(fields.get(field_name), PersonalField):
            raise ValidationError(
                {"field_name": "Enter the name of a field of personal data in this record"}
            )
    return label, object_id, field_name


def _find_record(request: RightsRequest, record: str) -> tuple[str, str]:
    """``app_label.Model:pk`` naming one of the requester's own records, checked."""
    from django.apps import apps

    label, _, object_id = record.partition(":")
    not_theirs = ValidationError({"record": "Choose one of the requester's records"})
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise not_theirs from None
    declaration = declaration_for(model)
    if declaration is None or declaration.subject_filter is None or not object_id:
        raise not_theirs
    subject = (
        None if request.subject_unfindable() else declaration.subject_filter(request.subject_key())
    )
    if subject is None:
        raise not_theirs
    try:
        found = model._base_manager.filter(subject).filter(pk=object_id).exists()
    except (ValueError, ValidationError):
        found = False
    if not found:
        raise not_theirs
    return model._meta.label, object_id


def _locked_request(pk: int) -> RightsRequest:
    """The request, locked: every change to its redaction schedule takes this lock first,
    as completing and exporting do, so they never see a schedule half-changed."""
    return RightsRequest.objects.select_for_update().get(pk=pk)


def _check_open_access_request(request: RightsRequest) -> None:
    if request.kind != RequestKind.ACCESS or not request.is_running:
        raise ValidationError("Items can be withheld only from an open access request.")


def withheld_item_propose(
    *,
    request: RightsRequest,
    actor: User,
    exemption: str,
    description: str,
    justification: str,
    record: str = "",
    field_name: str = "",
) -> WithheldItem:
    errors: dict[str, str] = {}
    _check_open_access_request(request)
    if exemption not in Exemption.values:
        errors["exemption"] = "Choose the exemption that applies"
    if not description.strip():
        errors["description"] = "Describe what is withheld, without revealing it"
    if not justification.strip():
        errors["justification"] = "Enter why the exemption applies"
    if errors:
        raise ValidationError(errors)
    model_label, object_id, field_name = _find_field(request, record, field_name.strip())
    with transaction.atomic(durable=True):
        # Under the request's lock: a request being completed cannot gain an item.
        _check_open_access_request(_locked_request(request.pk))
        item = WithheldItem(
            request=request,
            exemption=exemption,
            description=description.strip(),
            justification=justification.strip(),
            model_label=model_label,
            object_id=object_id,
            field_name=field_name,
            proposed_by=actor,
        )
        item.full_clean()
        item.save()
        audit_log(
            action="privacy.withheld_item.proposed",
            actor=actor,
            target=item,
            details={
                "request": request.pk,
                "exemption": exemption,
                "model": model_label,
                "object_id": object_id,
                "field": field_name,
            },
        )
    return item


def withheld_item_sign_off(*, item: WithheldItem, actor: User) -> WithheldItem:
    """A second person agrees the exemption applies. Signing off one's own proposal is
    refused, and the attempt is audited."""
    if item.proposed_by_id == actor.pk:
        audit_log(
            action="privacy.withheld_item.own_sign_off_refused",
            actor=actor,
            target=item,
            details={"request": item.request_id},
        )
        raise ValidationError(
            "You proposed withholding this item: a second person must sign it off."
        )
    if not user_has_role(actor, *DATA_PROTECTION_ROLES):
        raise ValidationError("Only a data protection lead or administrator can sign this off.")
    with transaction.atomic(durable=True):
        if not _locked_request(item.request_id).is_running:
            raise ValidationError("The request is closed: its redaction schedule is final.")
        item = WithheldItem.objects.select_for_update().get(pk=item.pk)
        if item.signed_off_at is not None:
            raise ValidationError("This item is already signed off.")
        item.signed_off_by = actor
        item.signed_off_at = timezone.now()
        item.full_clean()
        item.save(update_fields=["signed_off_by", "signed_off_at"])
        audit_log(
            action="privacy.withheld_item.signed_off",
            actor=actor,
            target=item,
            details={"request": item.request_id, "exemption": item.exemption},
        )
    return item


def withheld_item_drop(*, item: WithheldItem, actor: User) -> None:
    """Take an item off the list (it will be released after all), while the request runs."""
    with transaction.atomic(durable=True):
        request = _locked_request(item.request_id)
        item = WithheldItem.objects.select_for_update().get(pk=item.pk)
        if not request.is_running:
            raise ValidationError("The request is closed: its redaction schedule is final.")
        audit_log(
            action="privacy.withheld_item.dropped",
            actor=actor,
            target=item,
            details={"request": item.request_id, "exemption": item.exemption},
        )
        item.delete()
