"""Forms render as GOV.UK Design System markup through Django's form-rendering API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.template.loader import render_to_string

from safeguarding.core.forms import GovukBoundField


class BookingQuestionsForm(forms.Form):
    """A small form with one of each widget the GOV.UK templates handle."""

    full_name = forms.CharField(
        label="Full name",
        help_text="As it should appear on your certificate.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
        error_messages={"required": "Enter your full name"},
    )
    email = forms.EmailField(
        label="Email address", error_messages={"invalid": "Enter a real email address"}
    )
    organisation = forms.CharField(label="Organisation", required=False)
    access_needs = forms.CharField(label="Access needs", widget=forms.Textarea, required=False)
    sector = forms.ChoiceField(
        label="Sector",
        choices=[("", "Choose a sector"), ("health", "Health"), ("police", "Police")],
    )
    attendance = forms.ChoiceField(
        label="How will you attend?",
        choices=[("room", "In the room"), ("online", "Online")],
        widget=forms.RadioSelect,
        help_text="Choose one.",
        error_messages={"required": "Select how you will attend"},
    )
    topics = forms.MultipleChoiceField(
        label="Topics",
        choices=[("neglect", "Neglect"), ("online-safety", "Online safety")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agree = forms.BooleanField(
        label="I have read the booking terms",
        error_messages={"required": "Confirm you have read the booking terms"},
    )
    session = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("organisation") == "closed":
            raise forms.ValidationError("Bookings from this organisation are closed")
        return cleaned


VALID = {
    "full_name": "Alex Example",
    "email": "alex@example.org",
    "sector": "health",
    "attendance": "room",
    "agree": "on",
}


def tag(html: str, element: str, name: str) -> str:
    """The opening tag of the <element> whose name attribute is ``name`` (the first one)."""
    match = re.search(rf'<{element}\b[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert match, f"no <{element} name={name!r}>"
    return match.group(0)


def classes(opening_tag: str) -> list[str]:
    match = re.search(r'\bclass="([^"]*)"', opening_tag)
    return match.group(1).split() if match else []


def attribute(opening_tag: str, name: str) -> str | None:
    match = re.search(rf'\b{name}="([^"]*)"', opening_tag)
    return match.group(1) if match else None


def form_groups(html: str) -> list[str]:
    return re.findall(r'<div class="(govuk-form-group[^"]*)"', html)


def render_error_summary(form: forms.Form) -> str:
    return render_to_string("includes/error_summary.html", {"form": form})


def test_every_form_gets_the_govuk_bound_field() -> None:
    assert isinstance(BookingQuestionsForm()["full_name"], GovukBoundField)


def test_each_visible_field_is_a_govuk_form_group_without_errors() -> None:
    html = str(BookingQuestionsForm())

    assert form_groups(html) == ["govuk-form-group"] * 8
    assert '<label class="govuk-label" for="id_full_name">Full name</label>' in html
    assert (
        '<label class="govuk-label" for="id_organisation">Organisation (optional)</label>' in html
    )
    assert "govuk-error-message" not in html
    assert "aria-invalid" not in html


def test_inputs_get_the_govuk_class_for_their_widget() -> None:
    html = str(BookingQuestionsForm())

    assert classes(tag(html, "input", "full_name")) == ["govuk-input", "govuk-input--width-20"]
    assert classes(tag(html, "input", "email")) == ["govuk-input"]
    assert classes(tag(html, "textarea", "access_needs")) == ["govuk-textarea"]
    assert classes(tag(html, "select", "sector")) == ["govuk-select"]
    assert classes(tag(html, "input", "agree")) == ["govuk-checkboxes__input"]
    assert classes(tag(html, "input", "session")) == []


def test_hint_is_linked_to_its_input() -> None:
    html = str(BookingQuestionsForm())

    assert '<div class="govuk-hint" id="id_full_name_helptext">' in html
    assert attribute(tag(html, "input", "full_name"), "aria-describedby") == "id_full_name_helptext"
    assert attribute(tag(html, "input", "email"), "aria-describedby") is None


def test_radios_and_checkboxes_use_govuk_markup_inside_a_fieldset_with_a_legend() -> None:
    html = str(BookingQuestionsForm())

    assert re.search(
        r'<fieldset class="govuk-fieldset" aria-describedby="id_attendance_helptext">\s*'
        r'<legend class="govuk-fieldset__legend">How will you attend\?</legend>',
        html,
    )
    assert '<div class="govuk-radios" data-module="govuk-radios" id="id_attendance">' in html
    assert classes(tag(html, "input", "attendance")) == ["govuk-radios__input"]
    assert (
        '<label class="govuk-label govuk-radios__label" for="id_attendance_0">In the room</label>'
        in html
    )
    assert '<legend class="govuk-fieldset__legend">Topics (optional)</legend>' in html
    assert '<div class="govuk-checkboxes" data-module="govuk-checkboxes" id="id_topics">' in html
    assert classes(tag(html, "input", "topics")) == ["govuk-checkboxes__input"]
    assert html.count('class="govuk-checkboxes__item"') == 3  # two topics, one agreement


def test_a_class_on_a_radio_widget_modifies_the_group() -> None:
    class InlineForm(forms.Form):
        answer = forms.ChoiceField(
            choices=[("yes", "Yes"), ("no", "No")],
            widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        )

    html = str(InlineForm())

    assert '<div class="govuk-radios govuk-radios--inline" data-module="govuk-radios"' in html
    assert classes(tag(html, "input", "answer")) == ["govuk-radios__input"]


def test_form_with_errors_marks_each_field_and_links_its_message() -> None:
    form = BookingQuestionsForm(data={"email": "not an address", "organisation": "Acme"})
    assert not form.is_valid()

    html = str(form)

    assert form_groups(html).count("govuk-form-group govuk-form-group--error") == 5
    full_name = tag(html, "input", "full_name")
    assert classes(full_name) == ["govuk-input", "govuk-input--error", "govuk-input--width-20"]
    assert attribute(full_name, "aria-invalid") == "true"
    assert attribute(full_name, "aria-describedby") == "id_full_name_helptext id_full_name_error"
    assert (
        '<p class="govuk-error-message" id="id_full_name_error">'
        '<span class="govuk-visually-hidden">Error:</span> Enter your full name</p>'
    ) in html
    assert attribute(tag(html, "input", "email"), "aria-describedby") == "id_email_error"
    assert "govuk-select--error" in classes(tag(html, "select", "sector"))
    assert 'aria-describedby="id_attendance_helptext id_attendance_error"' in html
    assert attribute(tag(html, "input", "agree"), "aria-describedby") == "id_agree_error"
    # A field without errors is untouched.
    assert classes(tag(html, "input", "organisation")) == ["govuk-input"]


def test_form_template_leaves_the_error_summary_to_the_page() -> None:
    form = BookingQuestionsForm(data={**VALID, "organisation": "closed"})
    assert not form.is_valid()

    html = str(form)

    assert "govuk-error-summary" not in html
    assert "Bookings from this organisation are closed" not in html


def test_error_summary_links_each_error_to_its_field() -> None:
    form = BookingQuestionsForm(data={"email": "not an address"})
    assert not form.is_valid()

    html = render_error_summary(form)

    assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in html
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', html)
    assert links == [
        ("id_full_name", "Enter your full name"),
        ("id_email", "Enter a real email address"),
        ("id_sector", "This field is required."),
        ("id_attendance_0", "Select how you will attend"),
        ("id_agree", "Confirm you have read the booking terms"),
    ]


def test_error_summary_links_an_error_about_the_whole_form_to_the_first_field() -> None:
    form = BookingQuestionsForm(data={**VALID, "organisation": "closed"})
    assert not form.is_valid()

    html = render_error_summary(form)

    assert '<a href="#id_full_name">Bookings from this organisation are closed</a>' in html


def test_error_summary_is_empty_for_a_valid_or_unbound_form() -> None:
    valid = BookingQuestionsForm(data=VALID)
    assert valid.is_valid()

    assert render_error_summary(valid).strip() == ""
    assert render_error_summary(BookingQuestionsForm()).strip() == ""


@pytest.mark.django_db
def test_a_page_shows_the_error_summary_before_its_heading(client) -> None:
    response = client.post("/staff/sign-in/", {"username": "", "password": ""})

    content = response.content.decode()
    assert content.index("govuk-error-summary") < content.index("<h1")
    assert content.count("govuk-error-summary__list") == 1
    assert '<a href="#id_username">' in content


@pytest.mark.django_db
@pytest.mark.parametrize("value", [["9" * 40], "9" * 40, ["-" + "9" * 40]])
def test_an_id_no_database_can_hold_is_an_invalid_choice_not_a_server_error(
    value: object,
) -> None:
    from django.core.exceptions import ValidationError

    from safeguarding.accounts.models import User
    from safeguarding.core.forms import RecordChoiceField, RecordsChoiceField
    from safeguarding.newsletter.models import Topic

    several = RecordsChoiceField(queryset=Topic.objects.all())
    one = RecordChoiceField(queryset=User.objects.all())
    field = several if isinstance(value, list) else one

    with pytest.raises(ValidationError) as refused:
        field.clean(value)

    assert refused.value.code == "invalid_choice"


# Found by the form fuzzer (tests/core/test_forms_fuzz.py): characters that str.isdigit()
# calls digits but int() cannot read ("²"), and numbers too large for a C long, gave a server
# error instead of the form's message.
@pytest.mark.parametrize("day", ["²", "9999999999999999999999999999999999999999", "٣٣", "0", "31"])
def test_a_date_no_calendar_has_is_a_real_date_message(day: str) -> None:
    from safeguarding.core.date_input import GovukDateField, GovukDateTimeField

    date_only = GovukDateField(label="Date of birth")
    with pytest.raises(forms.ValidationError) as error:
        date_only.clean([day, "2", "2027"])
    assert error.value.messages == ["Date of birth must be a real date"]

    moment = GovukDateTimeField(label="Starts", what="the session's start")
    with pytest.raises(forms.ValidationError) as error:
        moment.clean([day, "2", "2027", "09:30"])
    assert error.value.messages == ["The session's start date must be a real date"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "-²", "99999999999999999999999"])
def test_a_record_choice_that_is_no_id_is_an_invalid_choice(value: str) -> None:
    from safeguarding.accounts.models import User
    from safeguarding.core.forms import ModelMultipleChoiceField, RecordChoiceField

    with pytest.raises(forms.ValidationError) as error:
        RecordChoiceField(queryset=User.objects.all()).clean(value)
    assert error.value.code == "invalid_choice"
    with pytest.raises(forms.ValidationError) as error:
        ModelMultipleChoiceField(queryset=User.objects.all()).clean([value])
    assert error.value.code in {"invalid_choice", "invalid_pk_value"}
