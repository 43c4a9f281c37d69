"""The public pages of published reviews: a list, and each report's PDF. They are public
records, kept permanently; nothing about a case behind them is shown."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from safeguarding.casereviews.models import PublishedListVersion, PublishedReport
from safeguarding.core.content_versions import version_of
from safeguarding.core.fragment_cache import cached_page


def published_list_version() -> int:
    return version_of(PublishedListVersion)


@require_safe
@cached_page(version=published_list_version)
def reviews(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "casereviews/public/reviews.html",
        {"reports": PublishedReport.objects.defer("pdf").order_by("-published_on", "-id")},
    )


@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(PublishedReport, pk=pk)
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="review-{report.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
