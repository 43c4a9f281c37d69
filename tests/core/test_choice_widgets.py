"""Choice widgets written in Python (core.choice_widgets) give exactly the HTML their templates
give (#17): each kind is rendered both ways, with groups, selections, errors, attributes that
are true or false, and text that needs escaping."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from safeguarding.core.forms import GovukFormRenderer, HintedRadioSelect
from safeguarding.training.models import Course
from tests.training.factories import CourseFactory


class TemplatesOnly(GovukFormRenderer):
    """The renderer as it was: every widget through its templates."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        return TemplatesSetting.render(self, template_name, context, request)


CHOICES: list[Any] = [
    ("", "Choose one"),
    ("plain", "Plain"),
    ('quote"d<&>', "Needs <escaping> & 'quotes'"),
    (3, 1234567),
    ("safe", mark_safe("<em>Already safe</em>")),
    ("lazy", gettext_lazy("A lazy label")),
    ("Group <one>", [("g1", "In a group"), ("g2", "Also in it")]),
]
ATTRS = {"data-on": True, "data-off": False, "aria-describedby": 'x_helptext "y"'}

WIDGETS = {
    "select": forms.Select(choices=CHOICES),
    "select with attrs": forms.Select(choices=CHOICES, attrs=ATTRS),
    "select multiple": forms.SelectMultiple(choices=CHOICES),
    "null boolean": forms.NullBooleanSelect(),
    "radios": forms.RadioSelect(choices=CHOICES),
    "inline radios": forms.RadioSelect(choices=CHOICES, attrs={"class": "govuk-radios--inline"}),
    "radios with attrs": forms.RadioSelect(choices=CHOICES, attrs=ATTRS),
    "radios with hints": HintedRadioSelect(
        choices=CHOICES, hints={"plain": "What this <means>", "3": "Another hint"}
    ),
    "checkboxes": forms.CheckboxSelectMultiple(choices=CHOICES),
    "small checkboxes": forms.CheckboxSelectMultiple(
        choices=CHOICES, attrs={"class": "govuk-checkboxes--small", **ATTRS}
    ),
}
VALUES: list[Any] = [None, "", "plain", ['quote"d<&>', "g2"], 3, "unknown", "true"]
CASES = [
    (kind, value)
    for kind in WIDGETS
    for value in VALUES
    # A yes/no/unknown dropdown takes one value (Django itself fails on a list).
    if not (kind == "null boolean" and isinstance(value, list))
]


@pytest.mark.parametrize(("kind", "value"), CASES, ids=[f"{k}-{v!r}" for k, v in CASES])
@pytest.mark.parametrize("with_id", [True, False])
def test_each_choice_widget_is_written_as_its_templates_write_it(
    kind: str, value: Any, with_id: bool
) -> None:
    widget = WIDGETS[kind]
    attrs = {"id": "id_choice"} if with_id else None

    written = widget.render("choice", value, attrs, renderer=GovukFormRenderer())

    assert written == widget.render("choice", value, attrs, renderer=TemplatesOnly())


class EveryChoice(forms.Form):
    colour = forms.ChoiceField(choices=CHOICES[1:])
    optional_colour = forms.ChoiceField(choices=CHOICES, required=False, help_text="A hint")
    shade = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect)
    shades = forms.MultipleChoiceField(
        choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple, help_text="Any number"
    )
    many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    maybe = forms.NullBooleanField(required=False)
    course = forms.ModelChoiceField(queryset=Course.objects.order_by("pk"))
    course_radio = forms.ModelChoiceField(
        queryset=Course.objects.order_by("pk"), widget=forms.RadioSelect, required=False
    )
    courses = forms.ModelMultipleChoiceField(
        queryset=Course.objects.order_by("pk"), widget=forms.CheckboxSelectMultiple
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"colour": "plain", "shade": "g1", "shades": ["plain", "3"], "maybe": "true"},
        {"colour": "nonsense", "shade": "<script>", "shades": ["g2"], "course": "999"},
    ],
    ids=["unbound", "empty", "valid", "invalid"],
)
def test_a_whole_form_of_choices_is_the_same_both_ways(data: dict[str, Any] | None) -> None:
    courses = CourseFactory.create_batch(2, title="A <course> & more")
    if data is not None and "course" not in data and data:
        data = {**data, "course": str(courses[0].pk), "courses": [str(courses[1].pk)]}

    written = str(EveryChoice(data, renderer=GovukFormRenderer()))

    assert written == str(EveryChoice(data, renderer=TemplatesOnly()))
    assert "govuk-radios__item" in written
    assert "<option" in written


def test_a_widget_with_its_own_option_template_still_uses_its_templates() -> None:
    widget = forms.RadioSelect(choices=[("a", "A")])
    widget.option_template_name = "django/forms/widgets/input_option.html"

    written = widget.render("choice", "a", renderer=GovukFormRenderer())

    assert "govuk-radios__input" not in written
    assert written == widget.render("choice", "a", renderer=TemplatesOnly())
