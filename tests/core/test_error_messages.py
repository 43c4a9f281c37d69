"""The error walk: every form on the public and staff sides, posted empty and then with an
invalid answer in every field, answers the GOV.UK way: an error summary at the top of a page
that shows errors, a specific message for each field that says what to do, never one of
Django's generic messages ("This field is required.") and never a database constraint's name.

The forms are the fuzzer's (tests/fuzzing.py: every URL that accepts a POST, who may post to
it, and the fields of the form behind it), so a new form is walked without being listed here.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core import validators
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils.functional import Promise

from safeguarding.core.date_input import GovukDateField
from safeguarding.core.form_views import form_status
from tests.conftest import rolled_back
from tests.fuzzing import discover, sign_in_as, targets

pytestmark = pytest.mark.django_db

TARGETS = targets()

_TWICE_OPTIONAL = re.compile(r"\(optional\)[^<]{0,60}\(optional\)")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|\{\w*\}")


def _fixed_parts(message: str) -> str:
    """The longest stretch of a message template without a placeholder: what any rendering
    of it contains."""
    return max(_PLACEHOLDER.split(str(message)), key=len).strip()


def _error_messages_of(classes: list[type]) -> set[str]:
    found: set[str] = set()
    for cls in classes:
        for klass in cls.__mro__:
            for message in getattr(klass, "default_error_messages", {}).values():
                found.add(_fixed_parts(message))
            message = getattr(klass, "message", None)
            if isinstance(message, str | Promise):
                found.add(_fixed_parts(str(message)))
    return found


def _subclasses(base: type) -> list[type]:
    seen: list[type] = []
    todo = [base]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen and sub.__module__.startswith("django."):
                seen.append(sub)
                todo.append(sub)
    return [base, *seen]


@cache
def generic_messages() -> frozenset[str]:
    """Django's own error messages, for form fields, model fields and validators (the fixed
    part of each, long enough to be recognised)."""
    validator_classes = [
        value
        for value in vars(validators).values()
        if isinstance(value, type) and hasattr(value, "message")
    ]
    found = (
        _error_messages_of(_subclasses(forms.Field))
        | _error_messages_of(_subclasses(models.Field))
        | _error_messages_of(validator_classes)
    )
    # Messages made with ngettext (a number decides the wording), which the loop misses.
    found |= {"Ensure this value has at most", "Ensure this value has at least"}
    # Too short to tell apart from our own wording once the placeholders are gone.
    found -= {"Enter a valid", "Ensure this value is", "already exists."}
    return frozenset(message for message in found if len(message) >= 10)


@cache
def constraint_names() -> frozenset[str]:
    names = set()
    for model in apps.get_models():
        names.update(constraint.name for constraint in model._meta.constraints)
        names.update(index.name for index in model._meta.indexes if index.name)
    return frozenset(name for name in names if name)


def _invalid(field: forms.Field) -> Any:
    """One answer the field must refuse, as a person might type it."""
    if isinstance(field, forms.FileField):
        return SimpleUploadedFile("empty.csv", b"", "text/csv")
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ["999999999"]
    if isinstance(field, forms.ModelChoiceField):
        return "999999999"
    if isinstance(field, forms.MultipleChoiceField):
        return ["not one of the choices"]
    if isinstance(field, forms.ChoiceField):
        return "not one of the choices"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "twelve"
    if isinstance(field, forms.EmailField):
        return "not an address"
    if isinstance(field, forms.DateTimeField):
        return "30/02/2027 25:00"
    if isinstance(field, forms.DateField):
        return "31/02/2027"
    if isinstance(field, forms.TimeField):
        return "25:61"
    if isinstance(field, forms.URLField):
        return "not a web address"
    if isinstance(field, forms.CharField) and field.max_length:
        return "x" * (field.max_length + 1)
    return None


def invalid_data(fields: dict[str, forms.Field]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in fields.items():
        if isinstance(field, GovukDateField):
            data.update({f"{name}_0": "31", f"{name}_1": "2", f"{name}_2": "2027"})
            continue
        value = _invalid(field)
        if value is not None:
            data[name] = value
    return data


def _text(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        return ""
    if "html" not in response.get("Content-Type", "") and "text" not in response.get(
        "Content-Type", ""
    ):
        return ""
    return html.unescape(response.content.decode(errors="replace"))


def problems(response: HttpResponse) -> list[str]:
    """What is wrong with how a page shows errors."""
    page = _text(response)
    found = [f"Django's generic message {m!r}" for m in generic_messages() if m in page]
    found += [f"the constraint name {n!r}" for n in constraint_names() if n in page]
    found += [f"a label saying {m.group(0)!r}" for m in _TWICE_OPTIONAL.finditer(page)]
    shows_errors = "govuk-error-message" in page or response.status_code == 400
    if shows_errors and "<form" in page and "govuk-error-summary" not in page:
        found.append("errors shown without an error summary")
    return found


def refused_with_200(response: HttpResponse) -> bool:
    """A POST answered with its form shown again with errors, yet with status 200: a refused
    submission answers 400, so a client (and a test) can tell it from a page shown afresh."""
    page = _text(response)
    return response.status_code == 200 and "<form" in page and "govuk-error-summary" in page


def _post(client: Client, url: str, data: dict[str, Any]) -> list[str]:
    with rolled_back():
        response = client.post(url, data)
        found = problems(response)
        if refused_with_200(response):
            found.append("a refused form answered 200, not 400")
        if response.status_code in (301, 302, 303) and response["Location"].startswith("/"):
            after = problems(client.get(response["Location"]))
            found += [f"after the redirect: {problem}" for problem in after]
    return found


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_a_form_posted_empty_or_invalid_explains_itself_in_plain_words(name: str) -> None:
    target = TARGETS[name]
    client = Client()
    sign_in_as(client, target.identity)
    url = reverse(name, kwargs=target.kwargs(client))
    found = discover(client, target, url)

    empty = _post(client, url, {})
    invalid = _post(client, url, {**target.data, **invalid_data(found.fields)})

    assert not empty + invalid, f"{name}: empty: {empty or 'fine'}; invalid: {invalid or 'fine'}"


def test_the_walk_fails_a_form_shown_again_with_errors_that_answers_200() -> None:
    refused = '<div class="govuk-error-summary">There is a problem</div><form></form>'

    assert refused_with_200(HttpResponse(refused))
    assert not refused_with_200(HttpResponse(refused, status=400))
    assert not refused_with_200(HttpResponse("<form></form>"))


def test_form_status_is_400_only_for_a_form_shown_again_with_errors() -> None:
    assert form_status(_Sample()) == 200
    assert form_status(_Sample({"why": "x", "places": "1", "colour": "red"})) == 200
    assert form_status(None, _Sample({})) == 400


def test_the_walk_recognises_djangos_messages_and_constraint_names() -> None:
    assert "This field is required." in generic_messages()
    assert "Enter a valid date." in generic_messages()
    assert "Enter a valid email address." in generic_messages()
    assert "newsletter_one_live_consent_per_topic" in constraint_names()


class _Sample(forms.Form):
    name = forms.CharField(label="Name (optional)", max_length=5, required=False)
    why = forms.CharField(label="Why do you ask?", max_length=5)
    places = forms.IntegerField(label="Places", error_messages={"invalid": "Enter the places"})
    colour = forms.ChoiceField(label="Colour", choices=[("red", "Red")])


def test_djangos_own_messages_are_shown_in_govuk_words_and_a_forms_own_are_kept() -> None:
    form = _Sample({"name": "x" * 6, "why": "x" * 6, "places": "many", "colour": "blue"})

    assert form["name"].errors == ["Name must be 5 characters or fewer"]
    assert form["why"].errors == ["The answer must be 5 characters or fewer"]
    assert form["places"].errors == ["Enter the places"]
    assert form["colour"].errors == ["Choose from the list"]
