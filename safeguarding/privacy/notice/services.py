"""Publishing the privacy notice: recording a version of it the first time its content is
in force. It runs after every ``manage.py migrate`` (``PrivacyConfig``), which each release
runs before it serves pages, so the public page only ever reads."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from safeguarding.privacy.models import NoticeVersion
from safeguarding.privacy.notice.selectors import build_notice


def notice_publish() -> NoticeVersion:
    """The version record of the notice the code and settings now generate, made if new (the
    notice's wording is the code's, so a release is what changes it)."""
    digest = build_notice().digest()
    try:
        with transaction.atomic(durable=True):
            version, _created = NoticeVersion.objects.get_or_create(digest=digest)
    except IntegrityError:  # pragma: no cover - published by another process a moment ago
        version = NoticeVersion.objects.get(digest=digest)
    return version
