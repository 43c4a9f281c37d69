"""The data inventory: every field declared with real categories, purposes, rules (P01-P03, P06)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import models
from django.test.utils import isolate_apps

from safeguarding.inventory import declarations as inventory
from safeguarding.inventory import purposes
from safeguarding.inventory.checks import check_inventory, check_models, check_purposes
from safeguarding.inventory.declarations import NOT_PERSONAL, declare, personal
from safeguarding.inventory.purposes import Purpose
from safeguarding.inventory.taxonomy import LawfulBasis, Subject, data_categories, data_uses


@pytest.fixture
def throwaway_model() -> Iterator[type[models.Model]]:
    with isolate_apps("safeguarding.privacy"):

        class Throwaway(models.Model):
            email = models.EmailField()
            notes = models.TextField()

            class Meta:
                app_label = "privacy"

            def __str__(self) -> str:
                return "throwaway"

        yield Throwaway
    inventory._registry.pop("privacy.throwaway", None)


def ids(errors: list) -> list[str]:
    return [error.id for error in errors]


def test_the_project_inventory_is_complete() -> None:
    assert check_inventory() == []


def test_an_undeclared_model_fails_the_check(throwaway_model) -> None:
    assert ids(check_models([throwaway_model])) == ["inventory.E001"]


def test_an_undeclared_field_fails_the_check(throwaway_model) -> None:
    declare(
        throwaway_model,
        subject=Subject.PRACTITIONER,
        purpose="rights_requests",
        retention="person",
        fields={"id": NOT_PERSONAL, "email": personal("user.contact.email")},
    )

    errors = check_models([throwaway_model])

    assert ids(errors) == ["inventory.E002"]
    assert "Throwaway.notes is not declared" in errors[0].msg


def test_an_unknown_category_fails_the_check(throwaway_model) -> None:
    declare(
        throwaway_model,
        subject=Subject.PRACTITIONER,
        purpose="rights_requests",
        retention="person",
        fields={
            "id": NOT_PERSONAL,
            "email": personal("user.contact.emial"),
            "notes": personal("user.content.private"),
        },
    )

    assert ids(check_models([throwaway_model])) == ["inventory.E004"]


def test_an_unknown_purpose_or_retention_rule_fails_the_check(throwaway_model) -> None:
    declare(
        throwaway_model,
        subject=Subject.PRACTITIONER,
        purpose="fun",
        retention="forever",
        fields={
            "id": NOT_PERSONAL,
            "email": personal("user.contact.email"),
            "notes": NOT_PERSONAL,
        },
    )

    assert sorted(ids(check_models([throwaway_model]))) == ["inventory.E005", "inventory.E007"]


def test_special_category_data_needs_an_article_9_condition(throwaway_model) -> None:
    declare(
        throwaway_model,
        subject=Subject.PRACTITIONER,
        purpose="rights_requests",
        retention="person",
        fields={
            "id": NOT_PERSONAL,
            "email": personal("user.contact.email"),
            "notes": personal("user.health_and_medical"),
        },
    )

    assert ids(check_models([throwaway_model])) == ["inventory.E006"]


def test_declaring_a_field_that_does_not_exist_fails(throwaway_model) -> None:
    declare(
        throwaway_model,
        subject=Subject.PRACTITIONER,
        purpose="rights_requests",
        retention="person",
        fields={
            "id": NOT_PERSONAL,
            "email": NOT_PERSONAL,
            "notes": NOT_PERSONAL,
            "ghost": NOT_PERSONAL,
        },
    )

    assert ids(check_models([throwaway_model])) == ["inventory.E003"]


@pytest.mark.parametrize(
    "use",
    [
        "marketing.advertising.third_party.targeted",
        "third_party_sharing",
        "sales",
        "marketing.advertising",
    ],
)
def test_a_purpose_for_advertising_or_sharing_fails_the_check(use: str) -> None:
    purposes.register(
        Purpose(
            key="forbidden",
            name="x",
            description="x",
            data_use=use,
            lawful_basis=LawfulBasis.CONSENT,
        )
    )
    try:
        assert "inventory.E011" in ids(check_purposes())
    finally:
        purposes._registry.pop("forbidden")


def test_disclosures_required_by_law_are_the_one_permitted_sharing() -> None:
    assert purposes.get("legal_disclosures").data_use == "third_party_sharing.legal_obligation"
    assert "inventory.E011" not in ids(check_purposes())


def test_every_purpose_uses_a_real_fideslang_data_use() -> None:
    assert all(purpose.data_use in data_uses() for purpose in purposes.all_purposes())


def test_every_declared_category_is_a_real_fideslang_category() -> None:
    assert all(field.category in data_categories() for field in inventory.personal_fields())
