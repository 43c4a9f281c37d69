"""The subject access export bundle: everything we hold about one person, built from the inventory.

``build_export(person)`` returns a ZIP with

- ``data.json``: for each model whose declaration has a ``subject_filter``, the person's rows
  with their PERSONAL fields only, each with its data category, purpose and retention;
- ``summary.html``: the same in plain words (what we hold, why, for how long, where it came
  from), self-contained and escaped, with no external assets and a policy that forbids any;
  and the disclosures the law required us to make;
- in both, the redaction schedule: what was withheld under an exemption, and why, in plain
  words (``safeguarding.privacy.rights.withholding``); records withheld whole are left out,
  and a field withheld alone shows ``WITHHELD_UNDER_EXEMPTION``.

Cost is set by the subject's data, not the size of the database: one filtered query per
declared model (plus one per many-to-many field), through the declaration's filter.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding.core import dates
from safeguarding.inventory import purposes, retention_rules
from safeguarding.inventory.declarations import ModelDeclaration, ResolvedField, all_declarations
from safeguarding.inventory.subjects import SubjectKey
from safeguarding.privacy.disclosures.selectors import disclosures_for_subject_export
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.models.rights import RightsRequest
from safeguarding.privacy.models.rights_outcomes import WithheldItem
from safeguarding.privacy.retention.engine import effective_periods
from safeguarding.privacy.rights.withholding import redaction_schedule

# Secrets: the export says we hold them but never copies them out, because a leaked bundle
# must not let anyone sign in, pass a security check or take over a session (UK GDPR
# Article 15(4): the copy must not adversely affect the rights of others, and Article 32).
WITHHELD_CATEGORIES = (
    "user.authorization.credentials",
    "user.authorization.password",
    "user.authorization.biometric",
    "user.device.cookie_id",
)
WITHHELD = "[held, but not shown, to keep your account secure]"
# Encrypted fields hold what restricted reviews record about children and families: never
# shown in an access export by default; the data protection lead decides case by case.
WITHHELD_RESTRICTED = "[held in a restricted review; not shown here]"
WITHHELD_UNDER_EXEMPTION = "[withheld under an exemption: see the redaction schedule]"
# Items withheld under an exemption reach the requester as the redaction schedule, never as
# rows: the justification for the file could reveal what was withheld.
SHOWN_AS_SCHEDULE = "privacy.WithheldItem"


@dataclass(frozen=True)
class ExportedField:
    name: str
    label: str
    value: Any
    display: str
    category: str
    purpose: str
    purpose_name: str
    retention: str
    retention_period: str
    note: str


@dataclass(frozen=True)
class ExportedRow:
    id: str
    fields: list[ExportedField]
    # A credential (a session, an authenticator, a recovery code): the export says it is held
    # and gives its dates, and its id is its place in the list, never its key.
    held: bool = False
    # The record in plain words, as staff read it ("Booking on Working together, 25 January
    # 2027"), and whether the inventory describes it (else it is the record type alone).
    title: str = ""
    described: bool = False
    # "app_label.Model:pk", for staff to point at it (withhold it); empty for a credential.
    ref: str = ""

    @property
    def yours(self) -> str:
        """The record as the requester reads it: "Your booking on Working together, 25
        January 2027"; a record the inventory does not describe, by its type and place."""
        if self.described:
            return f"Your {self.title[:1].lower()}{self.title[1:]}"
        return f"{self.title} {self.id}" if self.held else self.title


@dataclass(frozen=True)
class ExportedModel:
    label: str
    name: str
    description: str
    source: str
    rows: list[ExportedRow] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    retention_periods: list[str] = field(default_factory=list)


def subject_declarations() -> list[ModelDeclaration]:
    """The declarations holding personal data with a subject filter: what an export reads
    (all but the withheld items, shown as the schedule) and what an erasure visits."""
    return [d for d in all_declarations() if d.holds_personal_data and d.subject_filter]


def build_export(
    person: Person,
    *,
    now: datetime | None = None,
    withheld: Sequence[WithheldItem] = (),
    request: RightsRequest | None = None,
) -> bytes:
    """The bundle for ``person``, leaving out the records ``withheld`` names (signed-off
    items of the request; the caller checks they are signed off). With ``request``, the
    records are those of the request's subject (``subject_key()``: the requester, a child
    they are responsible for or an adult they act for), and the bundle says on whose behalf
    the request was made."""
    if request is not None:
        unfindable = request.subject_unfindable()
        if unfindable:
            raise ValueError(unfindable)
        key = request.subject_key()
        on_behalf_of = request.subject_description() if request.on_behalf_of_someone_else else ""
    else:
        if not person.email:
            raise ValueError("A person's records are found by email address; this person has none.")
        key = SubjectKey.for_email(person.email, person_id=person.pk)
        on_behalf_of = ""
    exported = exported_models(key, withheld)
    schedule = redaction_schedule(list(withheld))
    # The disclosure register is kept per Person: the requester's own entries are theirs only.
    disclosures = None if on_behalf_of else _disclosures(person)
    generated_at = now or timezone.now()

    data: dict[str, Any] = {
        "generated_at": generated_at,
        "controller": settings.PARTNERSHIP["controller"],
        "requested_on_behalf_of": on_behalf_of or "the requester themselves",
        "records": {
            model.label: {
                "name": model.name,
                "description": model.description,
                "source": model.source,
                "rows": [
                    {
                        "id": row.id,
                        "record": row.yours,
                        "held": row.held,
                        "fields": {
                            f.name: {
                                "value": f.value,
                                "category": f.category,
                                "purpose": f.purpose,
                                "purpose_name": f.purpose_name,
                                "retention": f.retention_period,
                            }
                            for f in row.fields
                        },
                    }
                    for row in model.rows
                ],
            }
            for model in exported
        },
    }
    if disclosures is not None:  # left out of a request made for someone else
        data["disclosures_required_by_law"] = disclosures
    data["withheld"] = [dataclasses.asdict(line) for line in schedule]
    data_json = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)

    summary = render_to_string(
        "privacy/rights/export_summary.html",
        {
            "models": exported,
            "disclosures": (
                None if disclosures is None else [_readable(item) for item in disclosures]
            ),
            "generated_at": generated_at,
            "partnership": settings.PARTNERSHIP,
            "schedule": schedule,
            "on_behalf_of": on_behalf_of,
        },
    )

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("data.json", data_json)
        bundle.writestr("summary.html", summary)
    return buffer.getvalue()


def exported_models(key: SubjectKey, withheld: Sequence[WithheldItem] = ()) -> list[ExportedModel]:
    """What an export holds for the subject, by record type: what the requester receives,
    and what staff preview to point at anything to withhold."""
    periods = effective_periods()
    left_out = {
        (item.model_label, item.object_id, item.field_name) for item in withheld if item.model_label
    }
    return [
        model
        for model in (
            _export_model(d, key, periods, left_out)
            for d in subject_declarations()
            if d.model_label != SHOWN_AS_SCHEDULE and d.subject_filter and d.subject_filter(key)
        )
        if model.rows
    ]


def _export_model(
    declaration: ModelDeclaration,
    key: SubjectKey,
    periods: Mapping[str, int],
    left_out: AbstractSet[tuple[str, str, str]] = frozenset(),
) -> ExportedModel:
    model = declaration.model
    subject_filter = declaration.subject_filter
    assert subject_filter is not None  # noqa: S101  (subject_declarations() selects these)
    found = subject_filter(key)
    assert found is not None  # noqa: S101  (build_export leaves out those finding nothing)
    personal = list(declaration.personal_fields())
    why = sorted({_purpose_name(f.purpose) for f in personal})
    how_long = sorted({_how_long(retention_rules.get(f.retention), periods) for f in personal})
    if declaration.credentials:
        # Held, with dates only: nothing that could be used to sign in or pass as the person.
        personal = [f for f in personal if not f.secret and _is_date(model, f.name)]
    many_to_many = [
        f.name for f in personal if model._meta.get_field(f.name).many_to_many and not _is_secret(f)
    ]
    queryset = model._base_manager.filter(found).prefetch_related(*many_to_many).order_by("pk")
    label = declaration.model_label
    if declaration.related and not declaration.credentials:
        queryset = queryset.select_related(*declaration.related)
    described = declaration.describe is not None and not declaration.credentials
    rows = [
        ExportedRow(
            id=str(position) if declaration.credentials else str(obj.pk),
            held=declaration.credentials,
            fields=[
                _export_field(obj, f, periods, withheld=(label, str(obj.pk), f.name) in left_out)
                for f in personal
            ],
            title=declaration.row_in_words(obj) if described else declaration.record_type,
            described=described,
            ref="" if not declaration.shows_rows else f"{label}:{obj.pk}",
        )
        for position, obj in enumerate(queryset, start=1)
        if (label, str(obj.pk), "") not in left_out
    ]
    return ExportedModel(
        label=declaration.model_label,
        name=declaration.record_type,
        description=declaration.description,
        source=_source(model),
        rows=rows,
        purposes=why,
        retention_periods=how_long,
    )


def _purpose_name(key: str) -> str:
    purpose = purposes.get(key)
    return purpose.name if purpose else key


def _is_secret(resolved: ResolvedField) -> bool:
    return resolved.secret or resolved.category.startswith(WITHHELD_CATEGORIES)


def _is_date(model: type[models.Model], name: str) -> bool:
    return isinstance(model._meta.get_field(name), models.DateField)  # DateTimeField too


def _export_field(
    obj: models.Model, resolved: ResolvedField, periods: Mapping[str, int], *, withheld: bool
) -> ExportedField:
    model_field = obj._meta.get_field(resolved.name)
    value: Any
    if withheld:
        value = display = WITHHELD_UNDER_EXEMPTION
    elif _is_secret(resolved):
        value = display = WITHHELD
    elif resolved.encrypted:
        value = display = WITHHELD_RESTRICTED
    elif model_field.many_to_many:
        value = [str(related) for related in getattr(obj, resolved.name).all()]
        display = ", ".join(value)
    elif isinstance(model_field, models.Field):
        value = model_field.value_from_object(obj)
        if isinstance(value, bytes | memoryview):
            value = "[binary data]"
        display = _display(obj, model_field, value)
    else:  # pragma: no cover  (declarations only name concrete and many-to-many fields)
        value = display = ""
    rule = retention_rules.get(resolved.retention)
    return ExportedField(
        name=resolved.name,
        label=str(getattr(model_field, "verbose_name", resolved.name)).capitalize(),
        value=value,
        display=display,
        category=resolved.category,
        purpose=resolved.purpose,
        purpose_name=_purpose_name(resolved.purpose),
        retention=resolved.retention,
        retention_period=_how_long(rule, periods),
        note=resolved.note,
    )


def _how_long(rule: retention_rules.RetentionRule | None, periods: Mapping[str, int]) -> str:
    if rule is None:
        return ""
    if rule.action is retention_rules.Action.KEEP:
        return rule.period_in_words.capitalize()
    days = periods.get(rule.key, rule.days)
    if not days:
        return f"Until {rule.trigger}"
    return f"{retention_rules.period_in_words(days).capitalize()} after {rule.trigger}"


def _display(obj: models.Model, model_field: models.Field[Any, Any], value: Any) -> str:
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(getattr(obj, f"get_{model_field.name}_display")())
    if isinstance(value, datetime):
        return dates.moment(value)
    if isinstance(value, date):
        return dates.day(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value)


def _source(model: type[models.Model]) -> str:
    app_name = apps.get_app_config(model._meta.app_label).verbose_name
    return f"Recorded by the {app_name} part of this service"


# --- Disclosures required by law ---------------------------------------------------------------


def _disclosures(person: Person) -> list[dict[str, Any]]:
    """The approved disclosures about the person that they may see."""
    return disclosures_for_subject_export(person)


def _readable(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, value in item.items():
        label = key.replace("_", " ").capitalize()
        if isinstance(value, datetime):
            text = dates.moment(value)
        elif isinstance(value, date):
            text = dates.day(value)
        elif value is None:
            text = ""
        else:
            text = str(value)
        rows.append((label, text))
    return rows
