"""What kind of document a file is, judged from its bytes alone: never from its name or the
content type the browser sent.

PDF: begins ``%PDF-`` and has an ``%%EOF`` marker near its end. DOCX: a zip whose
``[Content_Types].xml`` declares the WordprocessingML main document (a macro-enabled DOCM
declares another type, and is refused). ODT: a zip whose first entry, ``mimetype``, holds
``application/vnd.oasis.opendocument.text``. Plain text: UTF-8 with no NUL or control
character other than white space, and not a markup document (HTML, XML, SVG). Anything else,
an executable, a web page or a plain zip among them, is refused.

Zip entries are inspected by their directory and one small entry each, never unpacked in
full, so a zip bomb costs nothing.
"""

from __future__ import annotations

import io
import re
import zipfile

from safeguarding.workspaces.models import DocumentKind

WRONG_TYPE = "The file must be a PDF, Word (DOCX), OpenDocument text (ODT) or plain text file"

MIME_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentKind.ODT: "application/vnd.oasis.opendocument.text",
    DocumentKind.TEXT: "text/plain; charset=utf-8",
}
EXTENSIONS = {
    DocumentKind.PDF: "pdf",
    DocumentKind.DOCX: "docx",
    DocumentKind.ODT: "odt",
    DocumentKind.TEXT: "txt",
}

_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_SMALL_ENTRY = 1024 * 1024  # the most read from one zip entry
_ZIP_MAGIC = b"PK\x03\x04"
# Control characters other than tab, line feed, vertical tab, form feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_MARKUP = re.compile(r"<\s*(!doctype|html|head|body|script|iframe|svg|\?xml|object|embed)\b", re.I)


def detect_kind(data: bytes) -> DocumentKind | None:
    """The kind of document ``data`` is, or None if it is none of the kinds accepted."""
    if data.startswith(b"%PDF-"):
        return DocumentKind.PDF if b"%%EOF" in data[-2048:] else None
    if data.startswith(_ZIP_MAGIC):
        return _zip_kind(data)
    return DocumentKind.TEXT if _is_plain_text(data) else None


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    if info.file_size > _SMALL_ENTRY:
        return None
    with archive.open(info) as entry:
        return entry.read(_SMALL_ENTRY + 1)


def _zip_kind(data: bytes) -> DocumentKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if not entries:
                return None
            first = entries[0]
            if first.filename == "mimetype":
                mimetype = _read_small(archive, first)
                if mimetype is not None and mimetype.strip() == _ODT_MIMETYPE:
                    return DocumentKind.ODT
                return None
            by_name = {info.filename: info for info in entries}
            types = by_name.get("[Content_Types].xml")
            if types is None:
                return None
            declared = _read_small(archive, types)
            if declared is not None and _DOCX_MAIN in declared:
                return DocumentKind.DOCX
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError):
        return None


def _is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    text = text.removeprefix("\ufeff")
    if not text.strip() or _CONTROL.search(text):
        return False
    head = text.lstrip()
    return not head.startswith("<") and _MARKUP.search(text) is None
