"""Documents: kinds detected from content, size limit, nothing stored on refusal, and
downloads for members only, as attachments, never cached, each read logged."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.workspaces.documents import document_download, document_upload, documents_in
from safeguarding.workspaces.forms import DocumentUploadForm
from safeguarding.workspaces.models import (
    Document,
    DocumentKind,
    MembershipRole,
    ReadLog,
    Workspace,
)

pytestmark = pytest.mark.django_db

WRONG_TYPE = "The file must be a PDF, Word (DOCX), OpenDocument text (ODT) or plain text file"


class FileLike(io.BytesIO):
    """An upload as a view passes it: a file object (name and browser type are ignored)."""

    name = "upload.pdf"
    content_type = "application/pdf"


def tiny_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def tiny_docx(main: str = "wordprocessingml.document.main+xml") -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Override PartName="/word/document.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.{main}"/></Types>'
    )
    return _zip([("[Content_Types].xml", types.encode()), ("word/document.xml", b"<w:document/>")])


def tiny_odt() -> bytes:
    return _zip(
        [("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")],
        stored_first=True,
    )


@pytest.fixture
def member(make_user: Callable[..., User], grant: Callable[..., object]) -> User:
    user = make_user()
    grant(user, MembershipRole.MEMBER)
    return user


def _upload(workspace: Workspace, actor: User, data: bytes, title: str = "Chronology") -> Document:
    return document_upload(workspace=workspace, title=title, upload=FileLike(data), actor=actor)


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (tiny_pdf, DocumentKind.PDF),
        (tiny_docx, DocumentKind.DOCX),
        (tiny_odt, DocumentKind.ODT),
        (
            lambda: "Notes from the panel: 3 \u00d7 visits — all seen.\n\tEnd.".encode(),
            DocumentKind.TEXT,
        ),
    ],
)
def test_each_allowed_kind_is_accepted_by_its_content(
    workspace: Workspace, member: User, make: Callable[[], bytes], kind: DocumentKind
) -> None:
    data = make()
    document = _upload(workspace, member, data)
    fresh = Document.objects.get(pk=document.pk)
    assert fresh.kind == kind
    assert (fresh.size, fresh.content, fresh.title) == (len(data), data, "Chronology")
    entry = AuditEntry.objects.get(action="workspaces.document.uploaded")
    assert entry.details == {"workspace": workspace.pk, "kind": str(kind), "size": len(data)}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50, id="windows executable"),
        pytest.param(b"\x7fELF\x02\x01\x01" + b"\x00" * 50, id="linux executable"),
        pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"  <svg xmlns='http://www.w3.org/2000/svg'/>", id="svg"),
        pytest.param(b"Dear panel,\n<script src=x></script>", id="text hiding a script"),
        pytest.param(_zip([("notes.txt", b"hello")]), id="plain zip"),
        pytest.param(tiny_docx("macroEnabled.main+xml"), id="macro-enabled word"),
        pytest.param(
            _zip([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")]), id="ods"
        ),
        pytest.param(b"%PDF-1.4 truncated with no end", id="broken pdf"),
        pytest.param(b"PK\x03\x04 not really a zip", id="broken zip"),
        pytest.param("caf\u00e9".encode("latin-1"), id="not utf-8"),
        pytest.param(b"text with a \x00 nul", id="nul"),
        pytest.param(b"text with an escape \x1b[31m", id="control character"),
    ],
)
def test_anything_else_is_refused_and_nothing_is_stored(
    workspace: Workspace, member: User, data: bytes
) -> None:
    with pytest.raises(ValidationError) as error:
        _upload(workspace, member, data)
    assert error.value.messages == [WRONG_TYPE]
    assert not Document.objects.exists()
    assert not AuditEntry.objects.filter(action="workspaces.document.uploaded").exists()


def test_over_size_and_empty_files_are_refused(
    workspace: Workspace, member: User, settings
) -> None:
    settings.WORKSPACE_DOCUMENT_MAX_BYTES = 2048
    with pytest.raises(ValidationError, match="The file must be smaller than 2 KB"):
        _upload(workspace, member, b"a" * 2049)
    big = SimpleUploadedFile("big.txt", b"a" * 4096, content_type="text/plain")
    with pytest.raises(ValidationError, match="smaller than 2 KB"):
        document_upload(workspace=workspace, title="Big", upload=big, actor=member)
    with pytest.raises(ValidationError, match="The selected file is empty"):
        _upload(workspace, member, b"")
    assert _upload(workspace, member, b"a" * 2048).size == 2048
    assert Document.objects.count() == 1


def test_a_reviewer_or_outsider_cannot_upload(
    workspace: Workspace, make_user: Callable[..., User], grant: Callable[..., object]
) -> None:
    reviewer = make_user()
    grant(reviewer, MembershipRole.REVIEWER)
    with pytest.raises(PermissionDenied):
        _upload(workspace, reviewer, tiny_pdf())
    with pytest.raises(Http404):
        _upload(workspace, make_user(), tiny_pdf())
    with pytest.raises(ValidationError, match="Enter a title"):
        _upload(workspace, workspace.memberships.get(role="lead").user, tiny_pdf(), title="  ")
    assert not Document.objects.exists()


def test_the_upload_form_checks_the_content_not_the_name(workspace: Workspace) -> None:
    disguised = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 20, "application/pdf")
    form = DocumentUploadForm(data={"title": "Report"}, files={"file": disguised})
    assert not form.is_valid()
    assert form.errors["file"] == [WRONG_TYPE]
    honest = SimpleUploadedFile("notes.exe", b"Plain notes", "application/octet-stream")
    assert DocumentUploadForm(data={"title": "Notes"}, files={"file": honest}).is_valid()


def test_an_outsider_gets_404_and_no_read_is_logged(
    workspace: Workspace, member: User, make_user: Callable[..., User]
) -> None:
    document = _upload(workspace, member, tiny_pdf())
    for outsider in (make_user(), make_user(is_active=False)):
        with pytest.raises(Http404):
            document_download(outsider, pk=document.pk)
    with pytest.raises(Http404):
        document_download(member, pk=document.pk + 1000)
    assert not ReadLog.objects.exists()


def test_a_member_downloads_an_attachment_never_cached_and_the_read_is_logged(
    workspace: Workspace, member: User
) -> None:
    document = _upload(workspace, member, tiny_docx(), title="Zoë's health / chronology: v2")

    response = document_download(member, pk=document.pk, purpose="download for panel")

    assert response.content == tiny_docx()
    assert response["Content-Disposition"] == (
        'attachment; filename="zoes-health-chronology-v2.docx"'
    )
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    read = ReadLog.objects.get()
    assert (read.user, read.workspace, read.target_type, read.target_id, read.purpose) == (
        member,
        workspace,
        "workspaces.document",
        str(document.pk),
        "download for panel",
    )


def test_a_membership_that_ended_ends_downloads(
    workspace: Workspace, member: User, lead: User
) -> None:
    from safeguarding.workspaces.services import membership_revoke

    document = _upload(workspace, member, tiny_pdf())
    membership_revoke(membership=member.workspace_memberships.get(), reason="Left", actor=lead)
    with pytest.raises(Http404):
        document_download(member, pk=document.pk)


def test_listing_documents_leaves_their_content_encrypted(
    workspace: Workspace, member: User
) -> None:
    _upload(workspace, member, tiny_pdf(), title="First")
    (listed,) = documents_in(workspace, user=member)
    assert "content" in listed.get_deferred_fields()
    assert listed.title == "First"
