from django.urls import include, path

urlpatterns = [
    path("staff/", include("safeguarding.accounts.urls")),
    path("", include("safeguarding.core.urls")),
]

handler400 = "safeguarding.core.views.bad_request"
handler403 = "safeguarding.core.views.permission_denied"
handler404 = "safeguarding.core.views.page_not_found"
handler500 = "safeguarding.core.views.server_error"
