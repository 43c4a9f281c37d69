"""The Article 30 record for data protection staff, as a page and as CSV."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from safeguarding.accounts.roles import DATA_PROTECTION_ROLES
from safeguarding.accounts.selectors import staff_user, user_has_role
from safeguarding.core.spreadsheets import SafeWriter
from safeguarding.core.views import permission_denied
from safeguarding.privacy.notice import selectors as notice


def _data_protection_staff(request: HttpRequest) -> bool:
    return user_has_role(staff_user(request), *DATA_PROTECTION_ROLES)


@require_safe
def article_30(request: HttpRequest) -> HttpResponse:
    if not _data_protection_staff(request):
        return permission_denied(request)
    return render(
        request,
        "privacy/article_30.html",
        {
            "records": [
                list(zip(notice.ART30_COLUMNS, row, strict=True))
                for row in notice.article_30_rows()
            ],
            "security_measures": notice.SECURITY_MEASURES,
            "partnership": settings.PARTNERSHIP,
        },
    )


@require_safe
def article_30_csv(request: HttpRequest) -> HttpResponse:
    if not _data_protection_staff(request):
        return permission_denied(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="article-30-record.csv"'
    writer = SafeWriter(response)
    writer.writerow(notice.ART30_COLUMNS)
    writer.writerows(notice.article_30_rows())
    return response
