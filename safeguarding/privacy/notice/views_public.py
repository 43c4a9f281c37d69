"""The privacy notice, generated from the data inventory."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from safeguarding.core.fragment_cache import cached_page, holds_until
from safeguarding.inventory import revision
from safeguarding.privacy.models import NoticeVersion
from safeguarding.privacy.notice import selectors as notice

logger = logging.getLogger(__name__)


@require_safe
@cached_page(version=revision.current)
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The public privacy notice, generated from the data inventory (P01-P17). Its content
    is the code's and the settings' (the page cache's generation) and the inventory's
    (``version``); its version record never changes once published."""
    generated = notice.build_notice()
    published = notice.published_version(generated)
    if published is None:
        # Not yet published (the release's migrate does it): the version it will be, shown
        # until then and never kept, and nothing written by a visitor's request.
        logger.warning("The privacy notice in force is not published: run manage.py migrate")
        holds_until(timezone.now())
        published = (
            NoticeVersion.objects.count() + 1,
            NoticeVersion(digest=generated.digest(), published_at=timezone.now()),
        )
    number, version = published
    return render(
        request,
        "privacy/notice.html",
        {"notice": generated, "version_number": number, "version": version},
    )
