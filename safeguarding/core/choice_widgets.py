"""Choice widgets (select, radios, checkboxes) written in Python, with the HTML their templates
would give, character for character (#17).

A dropdown rendered through templates costs two small template renders per option (the option
and its attributes), which made the catalogue's filter form a third of the page's time.
``GovukFormRenderer.render`` calls ``render_choice_widget`` first; it answers only for the
widget templates named in ``TEMPLATES`` with their usual option templates, so anything else
(a widget given its own option template, say) still goes through the templates.
``tests/core/test_choice_widgets.py`` renders every kind both ways and compares them, so a
change to one of the templates below without this module fails there.

Each function mirrors a template: ``{{ x }}`` is ``_text(x)``, ``{{ x|stringformat:'s' }}``
is ``_formatted(x)``, and ``django/forms/widgets/attrs.html`` is ``_attrs(attrs)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # missing from the stubs

Widget = Mapping[str, Any]


def _text(value: Any) -> str:
    """``{{ value }}`` with autoescaping, as Django's template engine renders it."""
    value = localize(template_localtime(value))
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe, else it is escaped."""
    try:
        # The filter's own formatting (a tuple would be taken as several arguments).
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (TypeError, ValueError):
        text = ""
    return text if isinstance(value, SafeData) else str(conditional_escape(text))


def _attrs(attrs: Mapping[str, Any], *, skip: str = "") -> str:
    """``django/forms/widgets/attrs.html`` (and its copy in choice_option.html, without
    ``skip``): ``True`` is a bare attribute, ``False`` is left out."""
    parts = []
    for name, value in attrs.items():
        if value is False or name == skip:
            continue
        shown = "" if value is True else f'="{_formatted(value)}"'
        parts.append(f" {_text(name)}{shown}")
    return "".join(parts)


def _select(widget: Widget) -> str:
    """``django/forms/widgets/select.html`` with ``select_option.html`` for each option."""
    html = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            html.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>\n")
    return "".join(html)


def _choices(kind: str) -> Callable[[Widget], str]:
    """``forms/govuk/choices.html`` (radios or checkboxes) with ``choice_option.html``."""

    def render(widget: Widget) -> str:
        attrs = widget["attrs"]
        modifier = f" {_text(attrs['class'])}" if attrs.get("class") else ""
        group_id = f' id="{_text(attrs["id"])}"' if attrs.get("id") else ""
        html = [f'\n<div class="govuk-{kind}{modifier}" data-module="govuk-{kind}"{group_id}>\n']
        for group, options, _index in widget["optgroups"]:
            if group:
                html.append(
                    '\n  <p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-2">'
                    f"{_text(group)}</p>"
                )
            for option in options:
                # The option template (radio_option.html) adds a line after choice_option.html.
                html.append(
                    f'\n  <div class="govuk-{kind}__item">\n    {_option(kind, option)}\n\n  </div>'
                )
        html.append("\n</div>\n\n")
        return "".join(html)

    return render


def _option(kind: str, option: Widget) -> str:
    """``forms/govuk/choice_option.html``: one radio or checkbox and its label."""
    value = option["value"]
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711  # the template's own test
    attrs = option["attrs"]
    label_for = f' for="{_text(attrs["id"])}"' if attrs.get("id") else ""
    return (
        f'\n<input class="govuk-{kind}__input" type="{_text(option["type"])}" '
        f'name="{_text(option["name"])}"{shown}{_attrs(attrs, skip="class")}>\n'
        f'<label class="govuk-label govuk-{kind}__label"{label_for}>'
        f"{_text(option['label'])}</label>{_hint(kind, option)}\n"
    )


def _hint(kind: str, option: Widget) -> str:
    """An option's hint (``HintedRadioSelect``), as choice_option.html writes it."""
    if not option.get("hint"):
        return ""
    attrs = option["attrs"]
    hint_id = f' id="{_text(attrs["id"])}-hint"' if attrs.get("id") else ""
    return f'\n<div class="govuk-hint govuk-{kind}__hint"{hint_id}>{_text(option["hint"])}</div>'


# Widget template -> (the option template it expects, the function writing both).
TEMPLATES: dict[str, tuple[str, Callable[[Widget], str]]] = {
    "django/forms/widgets/select.html": ("django/forms/widgets/select_option.html", _select),
    "django/forms/widgets/radio.html": (
        "django/forms/widgets/radio_option.html",
        _choices("radios"),
    ),
    "django/forms/widgets/checkbox_select.html": (
        "django/forms/widgets/checkbox_option.html",
        _choices("checkboxes"),
    ),
}


def render_choice_widget(template_name: str, context: Mapping[str, Any]) -> SafeString | None:
    """The widget's HTML, or None when templates must render it (not a choice widget, or one
    with its own option template)."""
    known = TEMPLATES.get(template_name)
    widget = context.get("widget")
    if known is None or widget is None:
        return None
    option_template, render = known
    for _group, options, _index in widget["optgroups"]:
        if any(option.get("template_name") != option_template for option in options):
            return None
    # Django's renderer strips what a widget's template gives (but not what it includes).
    return mark_safe(render(widget).strip())  # noqa: S308  # every value in it is escaped above
