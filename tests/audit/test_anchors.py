"""Anchors copy the chain head outside the database each day, so that cutting entries off the
end of the trail and winding the head back (which leaves a valid chain) is still found."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from safeguarding.audit.anchors import (
    AnchorFileError,
    anchor_head,
    check_anchors,
    read_anchor_file,
)
from safeguarding.audit.models import HEAD_PK, AuditChainHead, AuditEntry
from safeguarding.audit.verify import verify_chain
from tests.audit.helpers import tamper, tampering
from tests.smtp import Mailbox, text_body

pytestmark = pytest.mark.django_db

Writer = Callable[[int], list[AuditEntry]]


@pytest.fixture
def anchor_file(settings: Settings, tmp_path: Path) -> Path:
    path = tmp_path / "anchors" / "audit-anchors.txt"
    settings.AUDIT_ANCHOR_FILE = str(path)
    settings.AUDIT_ANCHOR_EMAIL = ""
    return path


def cut_the_tail(keep: int) -> None:
    """What a database superuser could do: delete the last entries and wind the head back."""
    last = AuditEntry.objects.get(sequence=keep)
    with tampering():
        AuditEntry.objects.filter(sequence__gt=keep).delete()
        AuditChainHead.objects.filter(pk=HEAD_PK).update(
            last_sequence=keep, last_hash=last.entry_hash
        )


def test_an_anchor_line_is_appended_to_the_file_each_time(
    write_entries: Writer, anchor_file: Path
) -> None:
    write_entries(3)
    first = anchor_head()
    write_entries(2)
    second = anchor_head()

    assert first is not None
    assert second is not None
    lines = anchor_file.read_text().splitlines()
    assert lines == [first.line(), second.line()]
    assert [a.sequence for a in read_anchor_file(anchor_file)] == [3, 5]


def test_cutting_the_tail_passes_the_chain_check_but_not_the_anchors(
    write_entries: Writer, anchor_file: Path
) -> None:
    write_entries(6)
    anchor_head()
    cut_the_tail(keep=4)

    assert verify_chain().ok  # the chain alone cannot see it
    problems = check_anchors(read_anchor_file(anchor_file))

    assert len(problems) == 1
    assert "entry 6" in problems[0]
    assert "missing" in problems[0]


def test_rewriting_an_anchored_entry_is_found(write_entries: Writer, anchor_file: Path) -> None:
    write_entries(3)
    anchor_head()
    tamper(3, entry_hash="0" * 64)

    [problem] = check_anchors(read_anchor_file(anchor_file))
    assert "entry 3" in problem
    assert "does not match" in problem


def test_an_intact_trail_matches_every_anchor(write_entries: Writer, anchor_file: Path) -> None:
    for _ in range(3):
        write_entries(2)
        anchor_head()
    assert check_anchors(read_anchor_file(anchor_file)) == []


def test_audit_verify_checks_the_anchors_and_exits_non_zero(
    write_entries: Writer, anchor_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_entries(5)
    anchor_head()
    call_command("audit_verify", "--anchors", str(anchor_file))
    assert "1 anchor" in capsys.readouterr().out

    cut_the_tail(keep=2)
    with pytest.raises(CommandError, match="entry 5"):
        call_command("audit_verify", "--anchors", str(anchor_file))


def test_a_malformed_anchor_file_is_refused_with_the_line_number(tmp_path: Path) -> None:
    bad = tmp_path / "anchors.txt"
    bad.write_text("3 " + "a" * 64 + " 2026-11-29T02:00:00+00:00\nnot an anchor\n")
    with pytest.raises(AnchorFileError, match="line 2"):
        read_anchor_file(bad)
    with pytest.raises(CommandError, match="line 2"):
        call_command("audit_verify", "--anchors", str(bad))


def test_a_missing_anchor_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        call_command("audit_verify", "--anchors", str(tmp_path / "nowhere.txt"))


def test_an_empty_trail_has_nothing_to_anchor(anchor_file: Path) -> None:
    assert anchor_head() is None
    assert not anchor_file.exists()


@pytest.mark.django_db(transaction=True)
def test_the_anchor_can_be_emailed_outside_the_platform(
    write_entries: Writer,
    settings: Settings,
    smtp_server: Mailbox,
    run_tasks: Callable[[], None],
) -> None:
    settings.AUDIT_ANCHOR_FILE = ""
    settings.AUDIT_ANCHOR_EMAIL = "audit-anchors@external.example.org"
    write_entries(2)

    anchor = anchor_head()
    run_tasks()

    assert anchor is not None
    [message] = smtp_server.to("audit-anchors@external.example.org")
    assert anchor.line() in text_body(message)
