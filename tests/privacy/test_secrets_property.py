"""Secrets never leave the server: properties over the whole data inventory.

A secret is a value that lets someone act as a person: a password hash, an authenticator's
key, a recovery code, a session's key or data, a security answer's hash. The inventory
declares them (``secret(...)``, and ``credentials=True`` for models whose rows are
credentials); these tests walk every installed model, so a new app's secret is covered the
day it is declared, and an undeclared one fails here.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from safeguarding.audit.services import audit_log
from safeguarding.inventory.declarations import (
    ModelDeclaration,
    PersonalField,
    all_declarations,
    declaration_for,
)
from safeguarding.privacy.rights.actions import correction_for
from safeguarding.privacy.rights.export import WITHHELD, _export_field, subject_declarations

SENTINEL = "sentinel-secret-0f8e2c"
LOOKS_SECRET = re.compile(
    r"password|token|secret(?!ary)|session_key|session_data|session_hash|^key$"
)
# Fields whose names look like secrets but are not, and why.
NOT_SECRETS = {
    ("audit.AuditEntry", "prev_hash"): "the chain's digests are public by design",
    ("audit.AuditEntry", "entry_hash"): "the chain's digests are public by design",
    ("audit.AuditChainHead", "last_hash"): "the chain's digests are public by design",
}


def _declarations_with_secrets() -> list[ModelDeclaration]:
    return [d for d in all_declarations() if d.secret_fields()]


def test_the_inventory_declares_secrets() -> None:
    labels = {d.model_label for d in _declarations_with_secrets()}
    assert {"accounts.User", "accounts.StaffSession", "otp_totp.TOTPDevice"} <= labels


@pytest.mark.parametrize(
    ("label", "field_name"),
    [
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if LOOKS_SECRET.search(field.name)
    ],
)
def test_every_field_that_looks_like_a_secret_is_declared_one(label: str, field_name: str) -> None:
    if (label, field_name) in NOT_SECRETS:
        return
    declaration = declaration_for(apps.get_model(label))
    assert declaration is not None
    assert field_name in declaration.secret_fields(), (
        f"{label}.{field_name} looks like a secret: declare it with secret(...), or say in "
        "NOT_SECRETS why it is not one"
    )


@pytest.mark.parametrize("declaration", all_declarations(), ids=lambda d: d.model_label)
def test_a_row_whose_id_is_a_secret_is_never_offered_or_named(
    declaration: ModelDeclaration,
) -> None:
    if declaration.model._meta.pk.name in declaration.secret_fields() or declaration.credentials:
        assert not declaration.shows_rows


@pytest.mark.parametrize(
    "declaration",
    [d for d in subject_declarations() if d.secret_fields()],
    ids=lambda d: d.model_label,
)
def test_the_access_export_never_copies_a_secret_out(declaration: ModelDeclaration) -> None:
    model = declaration.model
    obj = model()
    for name in declaration.secret_fields():
        field = model._meta.get_field(name)
        assert not field.many_to_many
        setattr(obj, field.attname, SENTINEL)
    for resolved in declaration.personal_fields():
        if resolved.secret:
            exported = _export_field(obj, resolved, {}, withheld=False)
            assert (exported.value, exported.display) == (WITHHELD, WITHHELD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "declaration",
    [d for d in all_declarations() if not d.shows_rows],
    ids=lambda d: d.model_label,
)
def test_the_audit_trail_refuses_to_name_a_credential(declaration: ModelDeclaration) -> None:
    with pytest.raises(ValueError, match="credentials"):
        audit_log(
            action="accounts.user.signed_out",
            actor=None,
            target_type=declaration.model._meta.label_lower,
            target_id=SENTINEL,
        )


@pytest.mark.parametrize(
    ("declaration", "field_name"),
    [(d, name) for d in all_declarations() for name in sorted(d.secret_fields())],
    ids=lambda value: value if isinstance(value, str) else value.model_label,
)
def test_no_correction_may_write_a_secret(declaration: ModelDeclaration, field_name: str) -> None:
    with pytest.raises(ValidationError, match="can be corrected"):
        correction_for(declaration.model, field_name)


@pytest.mark.parametrize(
    "declaration",
    [d for d in all_declarations() if not d.shows_rows],
    ids=lambda d: d.model_label,
)
def test_no_correction_may_write_any_field_of_a_credential(declaration: ModelDeclaration) -> None:
    for name in declaration.fields:
        with pytest.raises(ValidationError, match="can be corrected"):
            correction_for(declaration.model, name)


@pytest.mark.parametrize("declaration", all_declarations(), ids=lambda d: d.model_label)
def test_a_correction_is_registered_only_for_a_declared_field_that_staff_may_see(
    declaration: ModelDeclaration,
) -> None:
    for name in declaration.corrections:
        assert isinstance(declaration.fields.get(name), PersonalField)
        assert name not in declaration.secret_fields()
        assert declaration.shows_rows
        assert correction_for(declaration.model, name) is declaration.corrections[name]
