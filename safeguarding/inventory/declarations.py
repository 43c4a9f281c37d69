"""The data inventory: every model declares, field by field, what personal data it holds.

Each app has a ``data_inventory`` module that calls ``declare`` for each of its models (and
for the third-party models it installs)::

    declare(
        "accounts.User",
        subject=Subject.STAFF, purpose="staff_accounts", retention="staff_account",
        fields={
            "email": personal("user.contact.email"),
            "is_active": NOT_PERSONAL,
        },
    )

A system check fails when any field of any installed model is undeclared, or names a
category, purpose or retention rule that does not exist (``safeguarding.inventory.checks``).
A declaration whose rule deletes or anonymises also says when the period starts
(``retention_trigger="expire_date"``) and, for ANONYMISE, which fields to blank
(``anonymise=("reason", "placed_by")``); the retention engine then disposes of its rows.
A personal field that a rectification request may correct names the owning app's service in
``corrections={"full_name": Correction("Full name", person_correct_name)}``; nothing else
can be corrected through the rights tooling.
A declaration whose rows must survive an erasure request says why in ``keep_on_erasure``
(statutory records, the disclosure register, the record of the request itself); an erasure
(``safeguarding.privacy.rights.erasure``) removes or anonymises everything else it finds.
A field stored encrypted (an encrypted model field, ``safeguarding.core.encrypted_fields``) is
declared ``personal(..., encrypted=True)``; the system check keeps the two in step.
The privacy notice, the Article 30 record and subject access exports are built from here.

Staff and requesters read records in plain words, never as ids or model names. A declaration
names its record type (``label="Training booking"``) and may say how one row reads
(``describe=lambda booking: f"booking on {booking.session}"``, with ``related=("session",)``
to load what that needs): the person search, the person's page, legal holds, the access
export and erasure all use them. ``find_by=FindBy(name="full_name", email="email")`` makes a
record type searchable by a person's name or address (the data protection lead's search).
Erasing a record may matter to someone else: ``erasure_effect(row)`` says so in words before
it goes ("Upcoming: its trainer is told"), and ``on_erasure(rows)`` is called by the erasure,
in its transaction, just before the rows go (the owning app queues its emails there).
A model of an app outside the project (sessions, authenticators, task results, sign-in
attempts) is a framework table: no staff tool offers its rows (``offered_to_staff``).

Secrets are a class of their own. A field declared with ``secret(...)`` (a password hash, an
authenticator's key, a recovery code, a session key or its data, a security answer's hash)
is never shown, exported, offered in a record picker, written by the rights tooling or used
as a row's id; a declaration with ``credentials=True`` is a model whose rows ARE credentials
(sessions, authenticators, recovery codes): an access export says each is held, with its
dates only, and no staff tool offers its rows. ``tests/privacy/test_secrets_property.py``
walks the whole inventory to prove it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

from safeguarding.inventory import revision
from safeguarding.inventory.subjects import SubjectFilter
from safeguarding.inventory.taxonomy import Subject, is_special_category


@dataclass(frozen=True)
class PersonalField:
    """A field holding personal data. Unset subject/purpose/retention come from the model."""

    category: str
    subject: Subject | None = None
    purpose: str | None = None
    retention: str | None = None
    note: str = ""
    secret: bool = False
    encrypted: bool = False

    @property
    def special_category(self) -> bool:
        return is_special_category(self.category)


@dataclass(frozen=True)
class Correction:
    """How a rectification request corrects one field: through the owning app's own service,
    with its validation and audit, never a raw write. ``apply(obj, value, actor=...)`` saves
    the corrected value or raises a ValidationError whose message says what to do."""

    label: str  # in plain words, as staff choose it: "Full name"
    apply: Callable[..., None]


@dataclass(frozen=True)
class FindBy:
    """Where a record keeps the name and email address of the person it is about, for the
    data protection lead's search (``name`` may be empty where none is kept)."""

    email: str
    name: str = ""


class _NotPersonal:
    def __repr__(self) -> str:
        return "NOT_PERSONAL"


NOT_PERSONAL = _NotPersonal()
FieldDeclaration = PersonalField | _NotPersonal


def personal(
    category: str,
    *,
    subject: Subject | None = None,
    purpose: str | None = None,
    retention: str | None = None,
    note: str = "",
    encrypted: bool = False,
) -> PersonalField:
    """``encrypted=True``: the field is stored encrypted (an encrypted model field, which the
    system check inventory.E008 requires it to be, and the other way round)."""
    return PersonalField(category, subject, purpose, retention, note, encrypted=encrypted)


def secret(category: str, *, note: str = "") -> PersonalField:
    """A field holding a secret: personal data that must never leave the server (see above)."""
    return PersonalField(category, note=note, secret=True)


# Finds one subject's rows given a ``SubjectKey`` (an email address, a Person, a child's
# identity), or None when this kind of record cannot be about such a subject. Declarations use
# the helpers of ``safeguarding.inventory.subjects``: ``by_email("email")``, ``by_child(...)``.

# When a row's retention period starts (see ``safeguarding.privacy.retention.engine``): the
# name of a datetime field; a tuple of them, meaning the first that is set; or a callable
# returning a query expression (``lambda: Coalesce("revoked_at", "expires_at")``). A row whose
# trigger is NULL has not started its period and is never due.
RetentionTrigger = str | tuple[str, ...] | Callable[[], Any]
# What an ANONYMISE rule blanks: field names (each set to None, "", "[removed]" or its
# default, whichever the field allows), or a mapping of field name to the value to store.
AnonymiseFields = Sequence[str] | Mapping[str, Any]


@dataclass(frozen=True)
class ResolvedField:
    model_label: str
    name: str
    category: str
    subject: Subject
    purpose: str
    retention: str
    special_category: bool
    note: str
    secret: bool = False
    encrypted: bool = False


@dataclass
class ModelDeclaration:
    model_label: str  # "app_label.ModelName"
    subject: Subject | None
    purpose: str | None
    retention: str | None
    fields: dict[str, FieldDeclaration]
    subject_filter: SubjectFilter | None = None
    description: str = ""
    declared_in: str = field(default="")
    retention_trigger: RetentionTrigger | None = None
    anonymise: AnonymiseFields | None = None
    keep_on_erasure: str = ""
    credentials: bool = False
    corrections: Mapping[str, Correction] = field(default_factory=dict)
    label: str = ""
    describe: Callable[[Any], str] | None = None
    related: tuple[str, ...] = ()
    find_by: FindBy | None = None
    erasure_effect: Callable[[Any], str] | None = None
    on_erasure: Callable[[list[Any]], None] | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def personal_fields(self) -> Iterator[ResolvedField]:
        for name, declaration in self.fields.items():
            if isinstance(declaration, PersonalField):
                yield ResolvedField(
                    model_label=self.model_label,
                    name=name,
                    category=declaration.category,
                    subject=declaration.subject or self.subject or Subject.VISITOR,
                    purpose=declaration.purpose or self.purpose or "",
                    retention=declaration.retention or self.retention or "",
                    special_category=declaration.special_category,
                    note=declaration.note,
                    secret=declaration.secret,
                    encrypted=declaration.encrypted,
                )

    def secret_fields(self) -> frozenset[str]:
        return frozenset(
            name
            for name, declaration in self.fields.items()
            if isinstance(declaration, PersonalField) and declaration.secret
        )

    @property
    def shows_rows(self) -> bool:
        """Whether staff tools may list this model's rows one by one (pick, withhold,
        correct). Never for credentials, nor where the row's id is itself a secret."""
        return not self.credentials and self.model._meta.pk.name not in self.secret_fields()

    @property
    def holds_personal_data(self) -> bool:
        return any(isinstance(d, PersonalField) for d in self.fields.values())

    @property
    def record_type(self) -> str:
        """The record type in plain words: its label, or the model's own name."""
        return self.label or str(self.model._meta.verbose_name).capitalize()

    def row_in_words(self, obj: models.Model) -> str:
        """One row as a person reads it ("Booking on Working together, 25 January 2027"),
        starting with a capital; without a ``describe``, the record type alone."""
        text = self.describe(obj) if self.describe is not None else ""
        return (text[:1].upper() + text[1:]) if text else self.record_type

    @property
    def is_framework(self) -> bool:
        """A model of an app outside the project (Django's sessions, the authenticators,
        the task queue, sign-in attempts): never offered as a record to act on."""
        project = __name__.split(".")[0]
        config = apps.app_configs.get(self.model._meta.app_label)
        return config is not None and not config.name.startswith(f"{project}.")

    @property
    def offered_to_staff(self) -> bool:
        """Whether staff tools may offer this model's rows one by one (a legal hold, a
        record to correct or withhold): the project's own records, never credentials."""
        return self.shows_rows and not self.is_framework


_registry: dict[str, ModelDeclaration] = {}


def declare(
    model: str | type[models.Model],
    *,
    fields: dict[str, FieldDeclaration],
    subject: Subject | None = None,
    purpose: str | None = None,
    retention: str | None = None,
    subject_filter: SubjectFilter | None = None,
    description: str = "",
    retention_trigger: RetentionTrigger | None = None,
    anonymise: AnonymiseFields | None = None,
    keep_on_erasure: str = "",
    credentials: bool = False,
    corrections: Mapping[str, Correction] | None = None,
    label: str = "",
    describe: Callable[[Any], str] | None = None,
    related: Sequence[str] = (),
    find_by: FindBy | None = None,
    erasure_effect: Callable[[Any], str] | None = None,
    on_erasure: Callable[[list[Any]], None] | None = None,
) -> ModelDeclaration:
    model_label = model if isinstance(model, str) else model._meta.label
    app_label, _, model_name = model_label.partition(".")
    key = f"{app_label}.{model_name.lower()}"
    declaration = ModelDeclaration(
        model_label=model_label,
        subject=subject,
        purpose=purpose,
        retention=retention,
        fields=dict(fields),
        subject_filter=subject_filter,
        description=description,
        retention_trigger=retention_trigger,
        anonymise=anonymise,
        keep_on_erasure=keep_on_erasure,
        credentials=credentials,
        corrections=dict(corrections or {}),
        label=label,
        describe=describe,
        related=tuple(related),
        find_by=find_by,
        erasure_effect=erasure_effect,
        on_erasure=on_erasure,
    )
    _registry[key] = declaration
    revision.changed()
    return declaration


def declaration_for(model: type[models.Model]) -> ModelDeclaration | None:
    return _registry.get(model._meta.label_lower)


def declaration_for_label(label: str) -> ModelDeclaration | None:
    """The declaration for ``"app_label.modelname"`` (any case), if there is one."""
    app_label, _, model_name = label.partition(".")
    return _registry.get(f"{app_label}.{model_name.lower()}")


def all_declarations() -> list[ModelDeclaration]:
    return sorted(_registry.values(), key=lambda d: d.model_label.lower())


def personal_fields() -> Iterator[ResolvedField]:
    for declaration in all_declarations():
        yield from declaration.personal_fields()


def model_field_names(model: type[models.Model]) -> list[str]:
    """The fields that store something: concrete columns and many-to-many relations."""
    names = []
    for model_field in model._meta.get_fields():
        if getattr(model_field, "concrete", False) or (
            model_field.many_to_many and not model_field.auto_created
        ):
            names.append(model_field.name)
    return names


def not_personal(*names: str) -> dict[str, FieldDeclaration]:
    """Shorthand for fields that hold no personal data: ``fields={**not_personal("id"), ...}``."""
    return dict.fromkeys(names, NOT_PERSONAL)
