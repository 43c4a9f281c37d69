"""Documents in a workspace: uploaded by members, stored encrypted in the database, read by
members only, each read logged.

The database rather than files: a document is then inside every backup and every
transaction with the record that points at it (an upload that fails leaves nothing behind,
and a restore never has rows without their files or files without their rows), and one
encryption scheme and one key rotation cover fields and documents alike. At the partnership's
scale (tens of reviews a year, a few documents each, a size limit of
``WORKSPACE_DOCUMENT_MAX_BYTES``) that costs little.

Views call ``document_upload`` with the form's file and ``document_download`` to answer a
download request::

    document = document_upload(workspace=w, title=form.cleaned_data["title"],
                               upload=request.FILES["file"], actor=request.user)
    return document_download(request.user, pk=pk, purpose="download")
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpResponse
from django.utils.text import slugify

from safeguarding.audit.services import audit_log
from safeguarding.workspaces.content_types import EXTENSIONS, MIME_TYPES, WRONG_TYPE, detect_kind
from safeguarding.workspaces.models import Document, DocumentKind, MembershipRole, Workspace
from safeguarding.workspaces.selectors import get_restricted_or_404, require_role

if TYPE_CHECKING:
    from safeguarding.accounts.models import User
    from safeguarding.workspaces.selectors import Person

EMPTY = "The selected file is empty"
NEED_A_TITLE = "Enter a title for the document"


def too_large_message() -> str:
    limit = settings.WORKSPACE_DOCUMENT_MAX_BYTES
    if limit >= 1024 * 1024:
        return f"The file must be smaller than {limit / (1024 * 1024):g} MB"
    return f"The file must be smaller than {limit / 1024:g} KB"


def read_upload(upload: Any) -> bytes:
    """All of an uploaded file's bytes, reading at most one byte past the size limit
    (ValidationError when it is over the limit or empty)."""
    limit: int = settings.WORKSPACE_DOCUMENT_MAX_BYTES
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise ValidationError(too_large_message(), code="too_large")
    if hasattr(upload, "seek"):
        upload.seek(0)
    chunks: list[bytes] = []
    total = 0
    pieces = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    for chunk in pieces:
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise ValidationError(too_large_message(), code="too_large")
    if total == 0:
        raise ValidationError(EMPTY, code="empty")
    return b"".join(chunks)


def check_document(data: bytes) -> DocumentKind:
    """The kind of an accepted document; ValidationError for anything else."""
    kind = detect_kind(data)
    if kind is None:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    return kind


def document_upload(*, workspace: Workspace, title: str, upload: Any, actor: User) -> Document:
    """Store a document in a workspace, for a lead or member. Everything is checked (role,
    title, size, kind) before anything is written, and the write is one transaction with its
    audit entry, so a refused or failed upload stores nothing."""
    require_role(actor, workspace, MembershipRole.LEAD, MembershipRole.MEMBER)
    if workspace.is_closed:
        raise ValidationError("This workspace is closed, so no documents can be added to it.")
    title = " ".join(title.split())
    if not title:
        raise ValidationError(NEED_A_TITLE, code="title")
    if len(title) > 200:
        raise ValidationError("The title must be 200 characters or fewer", code="title")
    data = read_upload(upload)
    kind = check_document(data)
    return _store(workspace=workspace, title=title, data=data, kind=kind, actor=actor)


@transaction.atomic
def _store(
    *, workspace: Workspace, title: str, data: bytes, kind: DocumentKind, actor: User
) -> Document:
    document = Document(
        workspace=workspace,
        title=title,
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by=actor,
    )
    document.save()
    audit_log(
        action="workspaces.document.uploaded",
        actor=actor,
        target=document,
        details={"workspace": workspace.pk, "kind": str(kind), "size": len(data)},
    )
    return document


def documents_in(workspace: Workspace, *, user: Person) -> models.QuerySet[Document]:
    """A workspace's documents for a member (Http404 for anyone else), without their
    content: list them with ``log_reads(user, documents, purpose="list documents")``."""
    require_role(user, workspace)
    return Document.objects.filter(workspace=workspace).defer("content")


def download_filename(document: Document) -> str:
    """A safe ASCII file name from the title: letters, digits and hyphens, and the
    extension of the detected kind."""
    stem = slugify(document.title)[:80].strip("-") or "document"
    return f"{stem}.{EXTENSIONS[DocumentKind(document.kind)]}"


def document_download(
    user: Person, *, pk: Any, purpose: str = "download", workspace: Workspace | None = None
) -> HttpResponse:
    """The document as an attachment, for a live member of its workspace (Http404 for
    anyone else, and for a document of another workspace than ``workspace`` when given),
    logged to the read log with ``purpose``; never cached."""
    documents = Document.objects.all()
    if workspace is not None:
        documents = documents.filter(workspace=workspace)
    document = get_restricted_or_404(documents, user=user, pk=pk, purpose=purpose)
    content: bytes = document.content
    if hashlib.sha256(content).hexdigest() != document.sha256 or len(content) != document.size:
        raise ValueError(f"Document {document.pk} does not match its recorded size and hash.")
    kind = DocumentKind(document.kind)
    response = HttpResponse(content, content_type=MIME_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{download_filename(document)}"'
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
