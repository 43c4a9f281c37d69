"""``manage.py audit_verify``: zero when intact; non-zero naming the entry, never its content."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safeguarding.audit.models import AuditEntry
from tests.audit.helpers import tamper
from tests.processes import manage, project_env

Writer = Callable[[int], list[AuditEntry]]


@pytest.mark.django_db
def test_it_reports_an_intact_chain(write_entries: Writer) -> None:
    write_entries(3)
    out = StringIO()

    call_command("audit_verify", stdout=out)

    assert "Audit chain intact: 3 entries" in out.getvalue()
    assert "cannot tell whether entries were cut off the end" in out.getvalue()


@pytest.mark.django_db
def test_it_fails_naming_the_entry_and_the_problem_but_not_the_details(
    write_entries: Writer,
) -> None:
    write_entries(3)
    tamper(2, details={"secret": "Jane Example"})

    with pytest.raises(CommandError) as raised:
        call_command("audit_verify", stdout=StringIO())

    message = str(raised.value)
    assert "entry 2" in message
    assert "details altered" in message
    assert "Jane Example" not in message


@pytest.mark.processes
def test_the_exit_code_is_zero_when_intact_and_non_zero_when_broken(tmp_path: Path) -> None:
    env = project_env(tmp_path)
    manage("migrate", "--no-input", env=env)
    write = (
        "from safeguarding.audit.services import audit_log\n"
        "for n in range(3):\n"
        "    audit_log(action='accounts.user.signed_out', actor=None, details={'n': n})"
    )
    manage("shell", "-c", write, env=env)

    intact = manage("audit_verify", env=env, check=False)
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        db.execute(
            "UPDATE audit_auditentry SET action = 'accounts.user.created' WHERE sequence = 2"
        )
    broken = manage("audit_verify", env=env, check=False)

    assert intact.returncode == 0
    assert intact.stdout.startswith("Audit chain intact: 3 entries.")
    assert broken.returncode != 0
    assert "entry 2" in broken.stderr
