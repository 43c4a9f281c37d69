"""A person as the data protection lead finds them: by name or email address across bookings,
subscriptions and rights requests, and then every record held about them, in plain words.

Everything here is read from the data inventory: a record type is searchable when its
declaration says where it keeps a name and an address (``find_by``), and a person's records
are the rows each labelled declaration's ``subject_filter`` finds for their address. Record
types are named by the inventory's labels and rows by its ``describe``; framework tables
(sessions, authenticators, task results, sign-in attempts) and credentials are never listed,
and so never offered for a legal hold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from safeguarding.core.addresses import normalise_email
from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import (
    ModelDeclaration,
    all_declarations,
    declaration_for,
)
from safeguarding.inventory.retention_rules import Action
from safeguarding.inventory.subjects import SubjectKey
from safeguarding.privacy.models.retention import LegalHold

# A search shorter than this would list too many people to be of use.
SHORTEST_SEARCH = 3
# At most this many rows are read from each record type for one search.
ROWS_PER_TYPE = 200
MOST_PEOPLE = 50
# At most this many rows of one type are listed on a person's page (the count is exact).
ROWS_SHOWN = 50


def person_declarations() -> list[ModelDeclaration]:
    """The record types a person's page lists: labelled in the inventory, holding personal
    data, findable by address, and the project's own (never a framework table or a
    credential)."""
    return [
        d
        for d in all_declarations()
        if d.label and d.subject_filter and d.holds_personal_data and d.offered_to_staff
    ]


def may_be_held(declaration: ModelDeclaration) -> bool:
    """Whether a legal hold on this record type would change anything: its rule deletes or
    anonymises (a record kept for as long as the service runs needs no hold)."""
    rule = retention_rules.get(declaration.retention or "")
    return rule is not None and rule.action is not Action.KEEP


@dataclass
class PersonMatch:
    """Someone the search found: their address, the names they gave, and where."""

    email: str
    names: set[str] = field(default_factory=set)
    found_in: dict[str, int] = field(default_factory=dict)  # record type -> rows

    @property
    def name(self) -> str:
        return ", ".join(sorted(self.names)) or "No name given"

    @property
    def where(self) -> str:
        return ", ".join(
            f"{kind} ({count})" if count > 1 else kind for kind, count in self.found_in.items()
        )


def people_search(query: str) -> list[PersonMatch]:
    """People whose name or email address contains ``query`` (case-insensitive), in the
    record types that say where they keep them; one query per such type."""
    text = query.strip()
    if len(text) < SHORTEST_SEARCH:
        return []
    found: dict[str, PersonMatch] = {}
    for declaration in all_declarations():
        find_by = declaration.find_by
        if find_by is None or not declaration.offered_to_staff:
            continue
        condition = Q(**{f"{find_by.email}__icontains": normalise_email(text)})
        if find_by.name:
            condition |= Q(**{f"{find_by.name}__icontains": text})
        fields = [find_by.email, *([find_by.name] if find_by.name else [])]
        rows = (
            declaration.model._base_manager.filter(condition)
            .exclude(**{find_by.email: ""})
            .exclude(**{f"{find_by.email}__isnull": True})
            .order_by(find_by.email)
            .values_list(*fields)[:ROWS_PER_TYPE]
        )
        for row in rows:
            email = normalise_email(row[0])
            match = found.setdefault(email, PersonMatch(email=email))
            if len(row) > 1 and row[1]:
                match.names.add(str(row[1]).strip())
            kind = declaration.record_type
            match.found_in[kind] = match.found_in.get(kind, 0) + 1
    people = sorted(found.values(), key=lambda match: (match.name.lower(), match.email))
    return people[:MOST_PEOPLE]


@dataclass(frozen=True)
class RecordLine:
    """One record, as staff read it."""

    what: str
    held: bool


@dataclass
class RecordGroup:
    """The records of one type held about a person."""

    declaration: ModelDeclaration
    count: int
    lines: list[RecordLine]

    @property
    def record_type(self) -> str:
        return self.declaration.record_type

    @property
    def description(self) -> str:
        return self.declaration.description

    @property
    def may_be_held(self) -> bool:
        return may_be_held(self.declaration)

    @property
    def more(self) -> int:
        return self.count - len(self.lines)


def subject_rows(declaration: ModelDeclaration, key: SubjectKey) -> models.QuerySet[Any] | None:
    """The rows of this type about the subject, with what their description needs loaded;
    None when this kind of record cannot be about such a subject."""
    if declaration.subject_filter is None:
        return None
    found = declaration.subject_filter(key)
    if found is None:
        return None
    rows = declaration.model._base_manager.filter(found)
    if declaration.related:
        rows = rows.select_related(*declaration.related)
    return rows.order_by("pk")


def person_records(key: SubjectKey) -> list[RecordGroup]:
    """Every labelled record type holding something about the person, each with its rows in
    plain words (up to ``ROWS_SHOWN``) and whether a legal hold keeps each."""
    groups = []
    for declaration in person_declarations():
        rows = subject_rows(declaration, key)
        if rows is None:
            continue
        count = rows.count()
        if not count:
            continue
        shown = list(rows[:ROWS_SHOWN])
        held = held_ids(declaration.model, [row.pk for row in shown])
        groups.append(
            RecordGroup(
                declaration=declaration,
                count=count,
                lines=[
                    RecordLine(what=declaration.row_in_words(row), held=str(row.pk) in held)
                    for row in shown
                ],
            )
        )
    return groups


def held_ids(model: type[models.Model], pks: list[Any]) -> set[str]:
    """Which of these records an active legal hold keeps (their keys, as strings)."""
    if not pks:
        return set()
    return set(
        LegalHold.objects.active()
        .filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in pks],
        )
        .values_list("object_id", flat=True)
    )


def records_in_words(holds: list[LegalHold]) -> dict[int, str]:
    """Each hold's record in plain words ("Training booking: booking on Working together, 25
    January 2027"), reading each record type once; a record no longer held says so."""
    by_type: dict[int, list[LegalHold]] = defaultdict(list)
    for hold in holds:
        by_type[hold.content_type_id].append(hold)
    words: dict[int, str] = {}
    for type_holds in by_type.values():
        model = type_holds[0].content_type.model_class()
        declaration = _declaration(model)
        if model is None or declaration is None:
            for hold in type_holds:
                words[hold.pk] = "A record of a type no longer in use"
            continue
        rows = model._base_manager.all()
        if declaration.related:
            rows = rows.select_related(*declaration.related)
        found = {str(row.pk): row for row in rows.filter(pk__in=_keys(model, type_holds))}
        for hold in type_holds:
            row = found.get(hold.object_id)
            words[hold.pk] = (
                f"{declaration.record_type}: {_lower_first(declaration.row_in_words(row))}"
                if row is not None and declaration.describe is not None
                else declaration.record_type
                + ("" if row is not None else " (no longer held: disposed of or erased)")
            )
    return words


def _keys(model: type[models.Model], holds: list[LegalHold]) -> list[Any]:
    keys = []
    for hold in holds:
        try:
            keys.append(model._meta.pk.to_python(hold.object_id))
        except (ValidationError, ValueError, TypeError):
            continue  # a key of another shape: not this record
    return keys


def _declaration(model: type[models.Model] | None) -> ModelDeclaration | None:
    return declaration_for(model) if model is not None else None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
