"""The NHS number form field: 10 digits with a modulus 11 check digit."""

from __future__ import annotations

import pytest
from django import forms

from safeguarding.workspaces.forms import NHSNumberField, nhs_check_digit_ok


class NHSForm(forms.Form):
    nhs_number = NHSNumberField()


@pytest.mark.parametrize("written", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_a_valid_nhs_number_is_cleaned_to_its_digits(written: str) -> None:
    form = NHSForm(data={"nhs_number": written})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nhs_number"] == written.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("", "Enter the NHS number"),
        ("943476591", "NHS number must be 10 digits, like 943 476 5919"),
        ("94347659190", "NHS number must be 10 digits, like 943 476 5919"),
        ("94347659l9", "NHS number must be 10 digits, like 943 476 5919"),
        ("٩٤٣٤٧٦٥٩١٩", "NHS number must be 10 digits, like 943 476 5919"),
        ("9434765918", "Enter a valid NHS number: check each digit against the record"),
        ("9434765910", "Enter a valid NHS number: check each digit against the record"),
    ],
)
def test_an_invalid_nhs_number_gets_a_plain_message(written: str, message: str) -> None:
    form = NHSForm(data={"nhs_number": written})
    assert not form.is_valid()
    assert form.errors["nhs_number"] == [message]


def test_the_check_digit_edge_cases() -> None:
    # 100000006: 10*1 + 2*6 = 22, remainder 0, so 11 - 0 = 11, which means a check digit of 0.
    assert nhs_check_digit_ok("1000000060")
    assert not nhs_check_digit_ok("1000000061")
    # 000000006: 2*6 = 12, remainder 1, so 11 - 1 = 10: no check digit makes it valid.
    assert not any(nhs_check_digit_ok(f"000000006{digit}") for digit in range(10))
