"""The words on every page and in every email: British spelling, and no stray space before
punctuation."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

AMERICAN = re.compile(
    r"\b(organiz\w*|color|colors|center|centers|canceled|canceling|favorite\w*|"
    r"behavior\w*|analyz\w*|recogniz\w*|authoriz\w*|customiz\w*|enroll|enrollment|catalog|"
    r"license|licenses|defense|labeled|labeling|traveled|fulfill|program|programs|"
    r"apologiz\w*|prioritiz\w*|summariz\w*|realiz\w*|finaliz\w*|utiliz\w*|judgment)\b",
    re.IGNORECASE,
)
# Markup, template tags and comments are not words people read; a variable stands for a word.
_NOT_WORDS = re.compile(
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|{%.*?%}|"
    r"<style.*?</style>|<script.*?</script>|<[^>]*>|&\w+;",
    re.S,
)
_VARIABLE = re.compile(r"{{.*?}}", re.S)


def _words(path: Path) -> str:
    return _NOT_WORDS.sub("", _VARIABLE.sub("X", path.read_text()))


def _pages() -> list[Path]:
    return [p for p in sorted(TEMPLATES.rglob("*")) if p.suffix in (".html", ".txt")]


def test_the_copy_uses_british_spelling() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in _pages()
        for match in AMERICAN.finditer(_words(path))
    ]

    assert not found, found


def test_no_stray_space_before_punctuation() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)!r}"
        for path in _pages()
        for match in re.finditer(r"\w +[.,;:!?](?!\w)", _words(path))
    ]

    assert not found, found
