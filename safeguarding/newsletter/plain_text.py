"""A campaign's Markdown as plain text for the text/plain part of the email: it reads as a
letter, not as Markdown. Headings are underlined, emphasis marks go, a link becomes its text
followed by its address, list items keep a dash or their number."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
_UNDERLINE = {"h1": "=", "h2": "-"}


def _inline(children: Sequence[Token] | None) -> str:
    parts: list[str] = []
    link_start = 0
    href = ""
    for child in children or ():
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content or str(child.attrGet("alt") or ""))
        elif child.type == "link_open":
            link_start, href = len(parts), str(child.attrGet("href") or "")
        elif child.type == "link_close":
            text = "".join(parts[link_start:]).strip()
            if href and href not in (text, f"mailto:{text}"):
                parts.append(f" ({href.removeprefix('mailto:')})")
    return "".join(parts)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.lists: list[int | None] = []  # a number for an ordered list, None for bullets
        self.marker = ""  # for the first line of a list item
        self.quote = 0
        self.row: list[str] = []  # the cells of a table row
        self.in_table = False
        self.underline = ""  # for the heading being written

    def indent(self) -> str:
        return "> " * self.quote + "   " * max(len(self.lists) - 1, 0)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def write(self, text: str, *, underline: str = "") -> None:
        prefix = self.indent()
        first, continuation = prefix + self.marker, prefix + " " * len(self.marker)
        self.marker = ""
        for n, line in enumerate(text.split("\n")):
            self.lines.append((first if n == 0 else continuation) + line.rstrip())
        if underline:
            self.lines.append(prefix + underline * max(len(text.split("\n")[-1]), 3))

    def token(self, token: Token) -> None:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            if not self.lists:
                self.blank()
            start = token.attrGet("start")
            self.lists.append(int(start or 1) if kind == "ordered_list_open" else None)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            if not self.lists:
                self.blank()
        elif kind == "list_item_open":
            number = self.lists[-1]
            self.marker = "- " if number is None else f"{number}. "
            if number is not None:
                self.lists[-1] = number + 1
        elif kind == "blockquote_open":
            self.quote += 1
        elif kind == "blockquote_close":
            self.quote -= 1
            self.blank()
        elif kind == "inline" and self.in_table:
            self.row.append(_inline(token.children).strip())
        elif kind == "inline":
            self.write(_inline(token.children), underline=self.underline)
        elif kind == "heading_open":
            self.blank()
            self.underline = _UNDERLINE.get(token.tag, "")
        elif kind == "heading_close":
            self.underline = ""
            self.blank()
        elif kind == "paragraph_close" and not token.hidden:
            self.blank()
        elif kind in ("fence", "code_block"):
            self.write(textwrap.indent(token.content.rstrip("\n"), "    "))
            self.blank()
        elif kind == "hr":
            self.write("-" * 20)
            self.blank()
        elif kind == "table_open":
            self.in_table = True
        elif kind == "table_close":
            self.in_table = False
            self.blank()
        elif kind == "tr_open":
            self.row = []
        elif kind == "tr_close":
            self.write(" | ".join(self.row))
            self.row = []


def markdown_to_text(source: str) -> str:
    writer = _Writer()
    for token in MARKDOWN.parse(source):
        writer.token(token)
    return "\n".join(writer.lines).strip() + "\n"
