"""Model fields that encrypt on save and decrypt on read (``crypto``), for restricted records.

A model with encrypted fields inherits ``RowKeyed``: its ``row_key`` is a random UUID given
when the instance is made, before it has a primary key, and each encrypted value's
associated data names the model, the field and that row key, so a value copied into another
row or column fails its integrity check instead of showing up there::

    class ChildDetails(RowKeyed):
        workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT)
        name = EncryptedTextField()
        date_of_birth = EncryptedDateField(null=True, blank=True)
        name_lookup = LookupHashField()  # lookup_hash("name", name), set by the service

The column holds the token only; the attribute holds the plain value, decrypted the first
time it is read (a list that never touches the field never decrypts it). An encrypted field
cannot be filtered, ordered or ``update()``d by value (there is nothing to compare: every
value has its own nonce), so a plain value given to a query is refused with a TypeError; save
the instance instead, and find exact matches through a lookup hash column.

``values()`` / ``values_list()`` give ``Sealed`` tokens, not plain values. ``dumpdata``
writes plain values: back up the database (``pg_dump``), never a fixture dump.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.core import checks
from django.db import models
from django.db.models.expressions import Combinable
from django.db.models.query_utils import DeferredAttribute

from safeguarding.core import crypto

ROW_KEY = "row_key"
QUERY_REFUSED = (
    "Encrypted fields cannot be filtered or updated by value: save the model instance, and "
    "find exact matches through a lookup hash column."
)


class Sealed:
    """A token as stored: what ``values()`` and the rotation see, never the plain value."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return f"<encrypted with key {crypto.key_id_of(self.token)!r}>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


class RowKeyed(models.Model):
    """An abstract base for models with encrypted fields: the random key each row's values
    are bound to."""

    row_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    class Meta:
        abstract = True


class _EncryptedAttribute(DeferredAttribute):
    """Holds the token as loaded and decrypts it on first read; a data descriptor, so every
    read comes through here."""

    field: EncryptedField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.Field):  # type: ignore[type-arg]
    """The common part: a text column holding ``crypto`` tokens. Subclasses say how their
    Python value becomes bytes and back."""

    def get_internal_type(self) -> str:
        return "TextField"

    encrypted = True  # read by the data inventory's check (inventory.E008)
    descriptor_class = _EncryptedAttribute

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:
        raise NotImplementedError

    def binding(self, instance: models.Model) -> str:
        return crypto.binding_for(instance._meta.label_lower, self.name, getattr(instance, ROW_KEY))

    def open(self, instance: models.Model, sealed: Sealed) -> Any:
        return self.decode(crypto.unseal(sealed.token, binding=self.binding(instance)))

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        model = getattr(self, "model", None)
        if model is not None and not model._meta.abstract:
            names = {f.name for f in model._meta.get_fields()}
            if ROW_KEY not in names:
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{self.name} is encrypted, so its model must "
                        "inherit safeguarding.core.encrypted_fields.RowKeyed (the row key each "
                        "value is bound to).",
                        obj=self,
                        id="workspaces.E001",
                    )
                )
            if self.unique or getattr(self, "db_index", False) or self.primary_key:
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{self.name} is encrypted, so it cannot be "
                        "unique or indexed: index a lookup hash column instead.",
                        obj=self,
                        id="workspaces.E002",
                    )
                )
        return errors

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Sealed | None:
        return None if value is None else Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Sealed | None:
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value
        return Sealed(crypto.seal(self.encode(value), binding=self.binding(model_instance)))

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.token
        raise TypeError(QUERY_REFUSED)

    def value_to_string(self, obj: models.Model) -> str:
        raise TypeError(f"{self.model._meta.label}.{self.name} is encrypted: it is not serialised.")


class EncryptedTextField(EncryptedField):
    """Text, encrypted. Blank allowed or not as for any TextField; None is stored as NULL
    (unencrypted: that there is no value is not hidden)."""

    _pyi_private_set_type: str | Combinable
    _pyi_private_get_type: str

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, str | Sealed):
            return value
        return str(value)

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        kwargs.setdefault("widget", forms.Textarea)
        return super().formfield(form_class=form_class or forms.CharField, **kwargs)

    def encode(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def decode(self, data: bytes) -> str:
        return data.decode("utf-8")


class EncryptedDateField(EncryptedField):
    """A date, encrypted (stored as YYYY-MM-DD inside the token). Forms show a date field."""

    _pyi_private_set_type: date | str | Combinable
    _pyi_private_get_type: date

    def encode(self, value: Any) -> bytes:
        return self.to_python(value).isoformat().encode("ascii")  # type: ignore[no-any-return]

    def decode(self, data: bytes) -> date:
        return date.fromisoformat(data.decode("ascii"))

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, date | Sealed):
            return value
        return models.DateField().to_python(value)

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        kwargs.setdefault("widget", None)
        return super().formfield(form_class=form_class or forms.DateField, **kwargs)


class EncryptedBytesField(EncryptedField):
    """Bytes, encrypted (a document's content). Never offered in a form."""

    _pyi_private_set_type: bytes | Combinable
    _pyi_private_get_type: bytes

    def encode(self, value: Any) -> bytes:
        return bytes(value)

    def decode(self, data: bytes) -> bytes:
        return data

    def to_python(self, value: Any) -> Any:
        return value

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return None


class LookupHashField(models.CharField):  # type: ignore[type-arg]
    """An indexed keyed hash (``crypto.lookup_hash``) beside an encrypted value; "" when the
    value is empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedField]:
    """The encrypted fields of ``model``, in declaration order."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
