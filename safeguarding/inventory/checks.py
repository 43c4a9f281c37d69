"""System checks that keep the data inventory complete and lawful (P01, P02, P03, P06)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model

from safeguarding.inventory import purposes, retention_rules
from safeguarding.inventory.declarations import (
    ModelDeclaration,
    PersonalField,
    all_declarations,
    declaration_for,
    model_field_names,
)
from safeguarding.inventory.taxonomy import (
    data_categories,
    data_uses,
    is_forbidden_use,
)


@checks.register("inventory")
def check_inventory(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    errors += check_purposes()
    errors += check_models(apps.get_models())
    return errors


def check_purposes() -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for purpose in purposes.all_purposes():
        if purpose.data_use not in data_uses():
            errors.append(
                checks.Error(
                    f"Purpose {purpose.key!r} names data use {purpose.data_use!r}, "
                    "which is not a fideslang data use.",
                    id="inventory.E010",
                )
            )
        if is_forbidden_use(purpose.data_use):
            errors.append(
                checks.Error(
                    f"Purpose {purpose.key!r} uses {purpose.data_use!r}: the partnership never "
                    "uses personal data for advertising or shares it for third-party marketing "
                    "(promise P06). Only third_party_sharing.legal_obligation is allowed.",
                    id="inventory.E011",
                )
            )
    return errors


def check_models(models: Iterable[type[Model]]) -> list[checks.CheckMessage]:
    """The inventory errors for these models (all installed models in the system check)."""
    errors: list[checks.CheckMessage] = []
    for model in models:
        if model._meta.proxy:
            continue
        declaration = declaration_for(model)
        fields = model_field_names(model)
        if declaration is None:
            errors.append(
                checks.Error(
                    f"{model._meta.label} is not in the data inventory: declare each of its "
                    f"fields ({', '.join(fields)}) in its app's data_inventory module.",
                    obj=model,
                    id="inventory.E001",
                )
            )
            continue
        for name in fields:
            if name not in declaration.fields:
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{name} is not declared in the data inventory: "
                        "say what personal data it holds, or declare it NOT_PERSONAL.",
                        obj=model,
                        id="inventory.E002",
                    )
                )
        for name in declaration.fields:
            if name not in fields:
                errors.append(
                    checks.Error(
                        f"The data inventory declares {model._meta.label}.{name}, "
                        "which is not a field of that model.",
                        obj=model,
                        id="inventory.E003",
                    )
                )
        errors += _check_personal_fields(model, declaration)
        errors += _check_encrypted_fields(model, declaration)
    return errors


def _check_encrypted_fields(model: Any, declaration: ModelDeclaration) -> list[checks.CheckMessage]:
    """An encrypted model field is declared ``encrypted=True``, and only such a field is."""
    errors: list[checks.CheckMessage] = []
    for name, declared in declaration.fields.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:  # E003 reports it
            continue
        stored_encrypted = bool(getattr(model_field, "encrypted", False))
        declared_encrypted = isinstance(declared, PersonalField) and declared.encrypted
        if stored_encrypted != declared_encrypted:
            errors.append(
                checks.Error(
                    f"{model._meta.label}.{name} is "
                    + (
                        "stored encrypted but not declared personal(..., encrypted=True)"
                        if stored_encrypted
                        else "declared encrypted but is not an encrypted field"
                    )
                    + " in the data inventory.",
                    obj=model,
                    id="inventory.E008",
                )
            )
    return errors


def _check_personal_fields(model: Any, declaration: ModelDeclaration) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for resolved in declaration.personal_fields():
        where = f"{model._meta.label}.{resolved.name}"
        if resolved.category not in data_categories():
            errors.append(
                checks.Error(
                    f"{where} names data category {resolved.category!r}, "
                    "which is not a fideslang data category.",
                    obj=model,
                    id="inventory.E004",
                )
            )
        purpose = purposes.get(resolved.purpose)
        if purpose is None:
            errors.append(
                checks.Error(
                    f"{where} has no registered purpose (got {resolved.purpose!r}).",
                    obj=model,
                    id="inventory.E005",
                )
            )
        elif resolved.special_category and purpose.special_condition is None:
            errors.append(
                checks.Error(
                    f"{where} holds special category data ({resolved.category}) but purpose "
                    f"{purpose.key!r} declares no Article 9 / DPA 2018 Schedule 1 condition.",
                    obj=model,
                    id="inventory.E006",
                )
            )
        if retention_rules.get(resolved.retention) is None:
            errors.append(
                checks.Error(
                    f"{where} has no registered retention rule (got {resolved.retention!r}).",
                    obj=model,
                    id="inventory.E007",
                )
            )
    return errors


def undeclared_models() -> list[str]:
    """For check_promises: models missing from the inventory."""
    return [
        model._meta.label
        for model in apps.get_models()
        if not model._meta.proxy and declaration_for(model) is None
    ]


__all__ = ["PersonalField", "all_declarations", "check_inventory", "undeclared_models"]
