"""Key rotation: older values re-encrypted with the newest key, resumably and idempotently."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from safeguarding.audit.models import AuditEntry
from safeguarding.core import crypto
from safeguarding.workspaces import rotation
from safeguarding.workspaces.models import Workspace
from tests.workspaces.protected_model import ChildRecord
from tests.workspaces.test_encryption import KEY_ONE, KEY_TWO, _raw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("child_record_table")]


def _records(workspace: Workspace, count: int) -> list[ChildRecord]:
    return [
        ChildRecord.objects.create(
            workspace=workspace, name=f"Child {n}", notes=f"Notes {n}" if n % 2 else ""
        )
        for n in range(count)
    ]


def _key_ids(column: str) -> set[str | None]:
    return {
        crypto.key_id_of(_raw(pk, column))
        for pk in ChildRecord.objects.values_list("pk", flat=True)
    }


def test_rotation_re_encrypts_old_values_with_the_newest_key(
    workspace: Workspace, settings
) -> None:
    records = _records(workspace, 5)
    ChildRecord.objects.filter(pk=records[0].pk).update(born=None)
    settings.WORKSPACE_ENCRYPTION_KEYS = [KEY_TWO, KEY_ONE]
    before = {r.pk: _raw(r.pk, "name") for r in records}

    (result,) = rotation.rotate_keys(models_to_rotate=[ChildRecord], batch_size=2)

    assert result.rows_to_do == 5
    assert result.values_rotated == 15  # name, notes and NHS number ("") of each row
    assert _key_ids("name") == {"test2"}
    assert _key_ids("notes") == {"test2"}
    assert all(_raw(pk, "name") != token for pk, token in before.items())
    settings.WORKSPACE_ENCRYPTION_KEYS = [KEY_TWO]  # the old key can go
    assert sorted(r.name for r in ChildRecord.objects.all()) == [f"Child {n}" for n in range(5)]
    entry = AuditEntry.objects.filter(action="workspaces.keys.rotated").get()
    assert entry.details["key"] == "test2"


def test_rotation_is_idempotent(workspace: Workspace, settings) -> None:
    _records(workspace, 3)
    settings.WORKSPACE_ENCRYPTION_KEYS = [KEY_TWO, KEY_ONE]
    rotation.rotate_keys(models_to_rotate=[ChildRecord])
    tokens = {pk: _raw(pk, "name") for pk in ChildRecord.objects.values_list("pk", flat=True)}

    (again,) = rotation.rotate_keys(models_to_rotate=[ChildRecord])

    assert (again.rows_to_do, again.values_rotated) == (0, 0)
    assert tokens == {pk: _raw(pk, "name") for pk in tokens}
    assert AuditEntry.objects.filter(action="workspaces.keys.rotated").count() == 1


def test_rotation_interrupted_mid_run_carries_on_when_run_again(
    workspace: Workspace, settings, monkeypatch
) -> None:
    _records(workspace, 6)
    settings.WORKSPACE_ENCRYPTION_KEYS = [KEY_TWO, KEY_ONE]
    real_seal = crypto.seal
    calls = {"n": 0}

    def seal_then_die(plaintext: bytes, *, binding: str) -> str:
        calls["n"] += 1
        if calls["n"] > 7:  # killed in the second batch of two rows (six values a batch)
            raise KeyboardInterrupt
        return real_seal(plaintext, binding=binding)

    monkeypatch.setattr(crypto, "seal", seal_then_die)
    with pytest.raises(KeyboardInterrupt):
        rotation.rotate_keys(models_to_rotate=[ChildRecord], batch_size=2)
    monkeypatch.setattr(crypto, "seal", real_seal)
    # The finished batch stayed done; the interrupted one rolled back whole.
    assert rotation.stale_count(ChildRecord) == 4
    assert sorted(_key_ids("name") - {None}) == ["test1", "test2"]

    (resumed,) = rotation.rotate_keys(models_to_rotate=[ChildRecord], batch_size=2)

    assert resumed.rows_to_do == 4
    assert rotation.stale_count(ChildRecord) == 0
    assert sorted(r.name for r in ChildRecord.objects.all()) == [f"Child {n}" for n in range(6)]


def test_rotation_never_overwrites_a_value_saved_meanwhile(workspace: Workspace, settings) -> None:
    (record,) = _records(workspace, 1)
    settings.WORKSPACE_ENCRYPTION_KEYS = [KEY_TWO, KEY_ONE]
    real_seal = crypto.seal
    saved = []

    def member_saves_first(plaintext: bytes, *, binding: str) -> str:
        if saved:
            return real_seal(plaintext, binding=binding)
        saved.append(True)
        fresh = ChildRecord.objects.get(pk=record.pk)
        fresh.name = "Changed by a member"
        fresh.save()
        return real_seal(plaintext, binding=binding)

    crypto.seal = member_saves_first  # type: ignore[assignment]
    try:
        rotation.rotate_model(ChildRecord)
    finally:
        crypto.seal = real_seal
    assert ChildRecord.objects.get(pk=record.pk).name == "Changed by a member"


def test_the_command_reports_progress_and_checks(workspace: Workspace, settings, make_user) -> None:
    from safeguarding.workspaces.documents import document_upload
    from tests.workspaces.test_documents import FileLike, tiny_pdf

    lead = workspace.memberships.get().user
    document = document_upload(
        workspace=workspace, title="Report", upload=FileLike(tiny_pdf()), actor=lead
    )
    settings.WORKSPACE_ENCRYPTION_KEYS = [KEY_TWO, KEY_ONE]
    with pytest.raises(CommandError, match=r"workspaces\.document 1"):
        call_command("rotate_keys", "--check")

    out = StringIO()
    call_command("rotate_keys", "--batch-size", "1", stdout=out)

    assert "workspaces.document: 1 of 1 row(s)" in out.getvalue()
    assert "Re-encrypted 2 value(s) with key 'test2'" in out.getvalue()
    call_command("rotate_keys", "--check", stdout=StringIO())
    settings.WORKSPACE_ENCRYPTION_KEYS = [KEY_TWO]
    document.refresh_from_db()
    assert document.title == "Report"
    assert document.content == tiny_pdf()
