"""System checks: every audit action the code writes is registered, and every registered one
is written somewhere (``safeguarding.audit.actions``).

The check reads the source of the project's apps (their migrations aside) for calls to
``audit_log(action=...)`` and ``audit_read(what=...)``. An action may be a string, a
conditional between strings, a module-level constant or an f-string; an f-string needs at
least one registered action that fits its pattern.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import checks

from safeguarding.audit import actions

WRITERS = {"audit_log": "action", "audit_read": "what"}


@dataclass(frozen=True)
class Written:
    """One action the source writes: an exact name, or a pattern from an f-string."""

    path: Path
    line: int
    name: str = ""
    pattern: re.Pattern[str] | None = None

    def matches(self, registered: str) -> bool:
        if self.pattern is not None:
            return self.pattern.fullmatch(registered) is not None
        return self.name == registered

    @property
    def shown(self) -> str:
        return self.name or (self.pattern.pattern if self.pattern else "")


def _project_sources() -> Iterator[Path]:
    for config in apps.get_app_configs():
        if not config.name.startswith("safeguarding."):
            continue
        for path in sorted(Path(config.path).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _names(node: ast.expr, constants: dict[str, str]) -> Iterator[str | re.Pattern[str]]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.Name) and node.id in constants:
        yield constants[node.id]
    elif isinstance(node, ast.IfExp):
        yield from _names(node.body, constants)
        yield from _names(node.orelse, constants)
    elif isinstance(node, ast.JoinedStr):
        parts = [
            re.escape(str(value.value)) if isinstance(value, ast.Constant) else "[a-z0-9_.]+"
            for value in node.values
        ]
        yield re.compile("".join(parts))


def _parsed_sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in _project_sources():
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _prefixes(trees: list[tuple[Path, ast.Module]]) -> set[str]:
    """Dotted strings in the source that a name may be built from at run time
    (``TwoPersonKind(audit="privacy.retention.proposal")`` writes ``..._approved``)."""
    found = set()
    for _, tree in trees:
        for node in ast.walk(tree):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and actions.NAME.match(value):
                found.add(value)
    return found


def written_actions(trees: list[tuple[Path, ast.Module]] | None = None) -> Iterator[Written]:
    for path, tree in trees if trees is not None else _parsed_sources():
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            function = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            keyword = WRITERS.get(str(function))
            for argument in node.keywords:
                if keyword is None or argument.arg != keyword:
                    continue
                for name in _names(argument.value, constants):
                    if function == "audit_read":
                        name = (
                            f"{name}.read"
                            if isinstance(name, str)
                            else re.compile(name.pattern + re.escape(".read"))
                        )
                    if isinstance(name, str):
                        yield Written(path, node.lineno, name=name)
                    else:
                        yield Written(path, node.lineno, pattern=name)


@checks.register("audit")
def check_audit_actions(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    registered = actions.registered()
    trees = list(_parsed_sources())  # each file parsed once, for both questions
    written = list(written_actions(trees))
    messages: list[checks.CheckMessage] = []
    for use in written:
        if not any(use.matches(name) for name in registered):
            messages.append(
                checks.Error(
                    f"{use.path.name}:{use.line} writes the audit action {use.shown!r}, which no "
                    "app registers.",
                    hint="Register it, with what it means, in its app's audit_actions.py.",
                    id="audit.E001",
                )
            )
    prefixes = _prefixes(trees)
    for name in registered:
        owner = actions.owner(name)
        if owner not in {config.label for config in apps.get_app_configs()}:
            continue  # registered by a test, not by an installed app
        built = name in prefixes or any(name.startswith(prefix + "_") for prefix in prefixes)
        if not built and not any(use.matches(name) for use in written):
            messages.append(
                checks.Warning(
                    f"The audit action {name!r} is registered but nothing writes it.",
                    hint="Remove it from its app's audit_actions.py, or write it.",
                    id="audit.W001",
                )
            )
    return messages
