"""Encrypted fields: round trips, tampering, moved values, missing keys, lookup hashes."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from safeguarding.config.env import env_keyring
from safeguarding.core import crypto
from safeguarding.core.crypto import DecryptionError, lookup_hash
from safeguarding.core.encrypted_fields import Sealed
from safeguarding.workspaces.models import Workspace
from tests.workspaces.protected_model import ChildRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("child_record_table")]

KEY_ONE = "test1:dGVzdC1rZXktb25lLWZvci13b3Jrc3BhY2VzLTMyYiE="
KEY_TWO = "test2:dGVzdC1rZXktdHdvLWZvci13b3Jrc3BhY2VzLTMyYiE="
TABLE = ChildRecord._meta.db_table


def _raw(pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {TABLE} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def _write_raw(pk: int, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


def _record(workspace: Workspace, **fields: object) -> ChildRecord:
    fields.setdefault("name", "Ada Example")
    return ChildRecord.objects.create(workspace=workspace, **fields)


def test_values_round_trip_and_the_column_holds_only_a_token(workspace: Workspace) -> None:
    record = _record(workspace, name="Zoë O'Neill — 🙂", born=date(2019, 2, 28), notes="")
    stored = _raw(record.pk, "name")
    assert stored.startswith("v1:test1:")
    assert "Zo" not in stored
    assert crypto.key_id_of(stored) == "test1"
    fresh = ChildRecord.objects.get(pk=record.pk)
    assert fresh.name == "Zoë O'Neill — 🙂"
    assert fresh.born == date(2019, 2, 28)
    assert fresh.notes == ""


def test_every_value_has_its_own_nonce(workspace: Workspace) -> None:
    first, second = _record(workspace, name="Same"), _record(workspace, name="Same")
    assert _raw(first.pk, "name") != _raw(second.pk, "name")


def test_a_null_date_stays_null_and_saving_again_keeps_the_value(workspace: Workspace) -> None:
    record = _record(workspace, born=None)
    fresh = ChildRecord.objects.get(pk=record.pk)
    assert fresh.born is None
    fresh.notes = "Seen at school"
    fresh.save()
    again = ChildRecord.objects.get(pk=record.pk)
    assert (again.name, again.notes) == ("Ada Example", "Seen at school")


def test_values_and_deferred_loading_never_give_plain_text(workspace: Workspace) -> None:
    record = _record(workspace, name="Hidden Name")
    (sealed,) = ChildRecord.objects.filter(pk=record.pk).values_list("name", flat=True)
    assert isinstance(sealed, Sealed)
    assert "Hidden" not in repr(sealed)
    assert "Hidden" not in str(sealed)
    deferred = ChildRecord.objects.defer("name").get(pk=record.pk)
    assert deferred.name == "Hidden Name"


def test_a_changed_byte_is_detected(workspace: Workspace) -> None:
    record = _record(workspace, name="Tamper Target")
    token = _raw(record.pk, "name")
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    _write_raw(record.pk, "name", flipped)
    with pytest.raises(DecryptionError, match="integrity check") as error:
        ChildRecord.objects.get(pk=record.pk).name  # noqa: B018
    assert "Tamper" not in str(error.value)
    assert flipped not in str(error.value)


def test_a_value_moved_to_another_row_is_detected(workspace: Workspace) -> None:
    source, target = _record(workspace, name="Row One Secret"), _record(workspace, name="Two")
    _write_raw(target.pk, "name", _raw(source.pk, "name"))
    with pytest.raises(DecryptionError, match="moved from another row or column"):
        ChildRecord.objects.get(pk=target.pk).name  # noqa: B018


def test_a_value_moved_to_another_column_is_detected(workspace: Workspace) -> None:
    record = _record(workspace, name="Column Secret", notes="Plain notes")
    _write_raw(record.pk, "notes", _raw(record.pk, "name"))
    fresh = ChildRecord.objects.get(pk=record.pk)
    assert fresh.name == "Column Secret"
    with pytest.raises(DecryptionError):
        fresh.notes  # noqa: B018


def test_a_value_on_a_key_no_longer_configured_names_the_key(
    workspace: Workspace, settings
) -> None:
    record = _record(workspace, name="Old Key Secret")
    settings.WORKSPACE_ENCRYPTION_KEYS = [KEY_TWO]
    with pytest.raises(DecryptionError, match="'test1', which is not in") as error:
        ChildRecord.objects.get(pk=record.pk).name  # noqa: B018
    assert "Old Key" not in str(error.value)


def test_a_missing_keyring_is_a_clear_configuration_error(workspace: Workspace, settings) -> None:
    settings.WORKSPACE_ENCRYPTION_KEYS = []
    record = ChildRecord(workspace=workspace, name="Never stored")
    with pytest.raises(ImproperlyConfigured, match="WORKSPACE_ENCRYPTION_KEYS is not set"):
        record.save()
    assert record.pk is None


def test_a_missing_lookup_key_is_a_clear_configuration_error(settings) -> None:
    settings.WORKSPACE_LOOKUP_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="WORKSPACE_LOOKUP_KEY is not set"):
        lookup_hash("name", "Ada")


def test_an_encrypted_field_cannot_be_filtered_or_updated_by_value(workspace: Workspace) -> None:
    _record(workspace, name="Ada")
    with pytest.raises(TypeError, match="lookup hash"):
        list(ChildRecord.objects.filter(name="Ada"))
    with pytest.raises(TypeError, match="lookup hash"):
        ChildRecord.objects.update(name="Someone else")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "must be set"),
        ("nokey", "key_id:base64key"),
        ("a b:" + KEY_ONE.split(":")[1], "key_id:base64key"),
        ("short:c2hvcnQ=", "32 random bytes"),
        (f"{KEY_ONE},{KEY_ONE}", "twice"),
    ],
)
def test_the_keyring_setting_is_checked_at_start_up(monkeypatch, value: str, problem: str) -> None:
    monkeypatch.setenv("SOME_KEYS", value)
    with pytest.raises(ImproperlyConfigured, match=problem) as error:
        env_keyring("SOME_KEYS")
    assert "dGVzdC" not in str(error.value)


def test_the_keyring_accepts_several_keys_and_url_safe_base64(monkeypatch) -> None:
    monkeypatch.setenv("SOME_KEYS", f"{KEY_TWO}, local:{'A' * 43}")
    assert env_keyring("SOME_KEYS") == [KEY_TWO, f"local:{'A' * 43}"]


def test_the_first_key_encrypts_and_every_key_decrypts(workspace: Workspace, settings) -> None:
    old = _record(workspace, name="Sealed with one")
    settings.WORKSPACE_ENCRYPTION_KEYS = [KEY_TWO, KEY_ONE]
    new = _record(workspace, name="Sealed with two")
    assert crypto.key_id_of(_raw(new.pk, "name")) == "test2"
    assert ChildRecord.objects.get(pk=old.pk).name == "Sealed with one"
    assert ChildRecord.objects.get(pk=new.pk).name == "Sealed with two"
    assert "dGVzdC" not in repr(crypto.keyring())


# --- Lookup hashes ---------------------------------------------------------------------------


def test_members_find_an_exact_match_by_lookup_hash(workspace: Workspace) -> None:
    wanted = _record(
        workspace,
        name="Ada  Lovelace",
        nhs_number="9434765919",
        nhs_lookup=lookup_hash("nhs_number", "9434765919"),
        name_lookup=lookup_hash("name", "Ada  Lovelace"),
    )
    _record(workspace, name="Someone Else", nhs_lookup=lookup_hash("nhs_number", "4010232137"))
    by_nhs = ChildRecord.objects.filter(nhs_lookup=lookup_hash("nhs_number", "943 476 5919"))
    by_name = ChildRecord.objects.filter(name_lookup=lookup_hash("name", " ADA lovelace "))
    assert list(by_nhs) == [wanted]
    assert list(by_name) == [wanted]


def test_lookup_hashes_are_keyed_and_kind_separated(settings) -> None:
    digest = lookup_hash("text", "2019-02-28")
    assert len(digest) == 64
    assert "2019" not in digest
    assert lookup_hash("date", "2019-02-28") != digest
    assert lookup_hash("name", "Ada") == lookup_hash("name", "ada")
    assert lookup_hash("name", "Ada") != lookup_hash("name", "Ada B")
    assert lookup_hash("nhs_number", "   ") == ""
    settings.WORKSPACE_LOOKUP_KEY = "another-lookup-key-0123456789-abcdef"
    assert lookup_hash("text", "2019-02-28") != digest
    with pytest.raises(ValueError, match="No lookup hash kind"):
        lookup_hash("postcode", "NE1 1AA")
