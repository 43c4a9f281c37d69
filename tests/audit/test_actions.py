"""Every audit action is registered by its app, in one naming scheme, and the system check
finds any action the code writes that nobody registered."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from safeguarding.audit import actions, checks


def test_every_action_the_project_writes_is_registered_and_every_registered_one_written() -> None:
    assert checks.check_audit_actions() == []


def test_every_registered_action_says_what_happened_in_plain_words() -> None:
    for name, description in actions.registered().items():
        assert description[0].isupper(), name
        assert not description.endswith("."), name
        assert name not in description


@pytest.mark.parametrize(
    ("app_label", "name"),
    [
        ("training", "training.booking"),  # two parts
        ("training", "training.Booking.made"),  # capitals
        ("training", "newsletter.booking.made"),  # another app's prefix
        ("training", "training.booking.made.twice"),  # four parts
    ],
)
def test_a_name_outside_the_scheme_cannot_be_registered(app_label: str, name: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="does not follow"):
        actions.register(app_label, {name: "Something"})


def test_an_action_without_a_description_cannot_be_registered() -> None:
    with pytest.raises(ImproperlyConfigured, match="description"):
        actions.register("tests", {"tests.thing.described": " "})


def _written(source: str) -> list[str]:
    tree = ast.parse(source)
    constants = checks._constants(tree)
    call = next(node for node in ast.walk(tree) if isinstance(node, ast.Call))
    return [
        name if isinstance(name, str) else name.pattern
        for keyword in call.keywords
        for name in checks._names(keyword.value, constants)
    ]


def test_the_check_reads_strings_conditionals_constants_and_f_strings() -> None:
    assert _written('audit_log(action="a.b.c")') == ["a.b.c"]
    assert _written('audit_log(action="a.b.c" if ok else "a.b.d")') == ["a.b.c", "a.b.d"]
    assert _written('NAME = "a.b.e"\naudit_log(action=NAME)') == ["a.b.e"]
    assert _written('audit_log(action=f"a.b.{verb}")') == [r"a\.b\.[a-z0-9_.]+"]


def test_the_check_finds_an_action_nobody_registered(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = tmp_path / "services.py"
    source.write_text('audit_log(action="training.booking.hugged", actor=None)\n')
    monkeypatch.setattr(checks, "_project_sources", lambda: iter([source]))

    errors = [message for message in checks.check_audit_actions() if message.id == "audit.E001"]

    assert len(errors) == 1
    assert "training.booking.hugged" in errors[0].msg
