"""Canaries: strings written through every encrypted path must appear nowhere in a dump of
the database, while a control string written in plain text must (so the dump is real)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from safeguarding.accounts.models import User
from safeguarding.workspaces.documents import document_upload
from safeguarding.workspaces.models import LawfulBasis, Workspace
from safeguarding.workspaces.sharing import ThirdParty, sharing_decision_record
from tests.workspaces.protected_model import ChildRecord
from tests.workspaces.test_documents import FileLike, tiny_docx

# transaction=True: the rows are committed, so a dump taken outside the test sees them.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("child_record_table"),
]

CANARIES = {
    "field": "CANARY-FIELD-7f3a9c",
    "date": "1907-03-09",
    "title": "CANARY-TITLE-2b8e11",
    "text document": "CANARY-TEXT-DOCUMENT-5d0c44",
    "docx document": "CANARY-DOCX-9a1f27",
    "sharing": "CANARY-SHARING-c6e302",
    "third party": "CANARY-THIRD-PARTY-41bd9e",
}
CONTROL = "CONTROL-PLAIN-TITLE-e0d7aa"


def _dump() -> bytes:
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if connection.is_in_memory_db():
            # The whole database image, byte for byte, as a file copy would hold it.
            connection.ensure_connection()
            return bytes(connection.connection.serialize())  # type: ignore[union-attr]
        path = Path(name)
        wal = path.with_name(path.name + "-wal")
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed, so the PostgreSQL dump cannot be checked")
    settings = connection.settings_dict
    command = [pg_dump, "-h", settings["HOST"] or "127.0.0.1", "-U", settings["USER"] or "postgres"]
    if settings.get("PORT"):
        command += ["-p", str(settings["PORT"])]
    result = subprocess.run(  # noqa: S603 - fixed arguments from the test settings
        [*command, settings["NAME"]], capture_output=True, check=True, timeout=120
    )
    return result.stdout


@pytest.fixture(autouse=True)
def _remove_child_records() -> Iterator[None]:
    """The test-only table is not flushed between tests, and its rows point at workspaces."""
    yield
    ChildRecord.objects.all().delete()


def test_no_canary_reaches_a_dump_of_the_database(make_workspace, make_user, grant) -> None:
    workspace: Workspace = make_workspace(title=CONTROL)
    lead: User = workspace.memberships.get().user
    manager: User = make_user()
    ChildRecord.objects.create(
        workspace=workspace,
        name=CANARIES["field"],
        notes=CANARIES["field"] + " notes",
        born=CANARIES["date"],
    )
    document_upload(
        workspace=workspace,
        title=CANARIES["title"],
        upload=FileLike(f"Panel notes {CANARIES['text document']}\n".encode()),
        actor=lead,
    )
    docx = tiny_docx()
    document_upload(
        workspace=workspace,
        title="Report",
        upload=FileLike(_docx_with(CANARIES["docx document"], docx)),
        actor=lead,
    )
    sharing_decision_record(
        workspace=workspace,
        shared=True,
        information=CANARIES["sharing"],
        recipient_organisation="Police",
        purpose=CANARIES["sharing"] + " purpose",
        means="Secure email",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        consent_sought=False,
        consent_not_sought_reason=CANARIES["sharing"] + " reason",
        rationale=CANARIES["sharing"] + " rationale",
        authorised_by=manager,
        third_parties=[ThirdParty(CANARIES["third party"], True, CANARIES["third party"])],
        actor=lead,
    )
    connection.close()  # SQLite: checkpoint the write-ahead log into the file

    dump = _dump()

    assert CONTROL.encode() in dump, "the dump does not hold the plain control string"
    leaked = [where for where, canary in CANARIES.items() if canary.encode() in dump]
    assert leaked == []


def _docx_with(text: str, base: bytes) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = f"<w:document><w:t>{text}</w:t></w:document>".encode()
            target.writestr(info, data, compress_type=zipfile.ZIP_STORED)  # uncompressed
    return out.getvalue()
