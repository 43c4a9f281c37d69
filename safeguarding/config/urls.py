from django.urls import include, path

from safeguarding.privacy import views_notice

urlpatterns = [
    # Each app's urls.py holds its own full paths (public and staff/).
    path("", include("safeguarding.training.urls")),
    path("", include("safeguarding.newsletter.urls")),
    path("", include("safeguarding.public.urls")),
    path("staff/retention/", include("safeguarding.privacy.urls.retention_staff")),
    path("staff/callers/", include("safeguarding.privacy.urls.identity_staff")),
    path("staff/rights-requests/", include("safeguarding.privacy.urls.rights_staff")),
    path("staff/data-protection/", include("safeguarding.privacy.urls.records_staff")),
    path("your-data/security-questions/", include("safeguarding.privacy.urls.identity_public")),
    path("your-data/", include("safeguarding.privacy.urls.rights_public")),
    path("staff/", include("safeguarding.accounts.urls")),
    path("privacy/", views_notice.privacy_notice, name="privacy"),
    path("", include("safeguarding.core.urls")),
]

handler400 = "safeguarding.core.views.bad_request"
handler403 = "safeguarding.core.views.permission_denied"
handler404 = "safeguarding.core.views.page_not_found"
handler500 = "safeguarding.core.views.server_error"
