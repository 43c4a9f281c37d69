"""The privacy notice, generated from the data inventory."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from safeguarding.privacy.notice import selectors as notice


@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The public privacy notice, generated from the data inventory (P01-P17)."""
    generated = notice.build_notice()
    number, version = notice.current_version(generated)
    return render(
        request,
        "privacy/notice.html",
        {"notice": generated, "version_number": number, "version": version},
    )
