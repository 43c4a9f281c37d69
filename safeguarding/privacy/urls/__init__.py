"""The privacy engine's addresses, each module under its own prefix."""

from django.urls import include, path

from safeguarding.privacy import views_notice

urlpatterns = [
    path("staff/retention/", include("safeguarding.privacy.urls.retention_staff")),
    path("staff/callers/", include("safeguarding.privacy.urls.identity_staff")),
    path("staff/rights-requests/", include("safeguarding.privacy.urls.rights_staff")),
    path("staff/data-protection/", include("safeguarding.privacy.urls.records_staff")),
    path("your-data/security-questions/", include("safeguarding.privacy.urls.identity_public")),
    path("your-data/", include("safeguarding.privacy.urls.rights_public")),
    path("privacy/", views_notice.privacy_notice, name="privacy"),
]
