from django.urls import path

from safeguarding.privacy import views_identity as views

app_name = "identity"

urlpatterns = [
    path("", views.find, name="find"),
    path("verify/", views.verify, name="verify"),
    path("verify/use/", views.verify_use, name="verify_use"),
    path("verify/one-off/", views.one_off, name="one_off"),
    path("verify/end/", views.end_call, name="end_call"),
    path("authorisations/", views.authorisations, name="authorisations"),
    path("authorisations/written/", views.authorisation_written, name="authorisation_written"),
    path(
        "authorisations/awaiting-approval/",
        views.authorisations_awaiting,
        name="authorisations_awaiting",
    ),
    # Authorisations and disclosures are addressed by their random public id, never their
    # database id, so that one cannot be found by counting.
    path(
        "authorisations/<uuid:public_id>/revoke/",
        views.authorisation_revoke,
        name="authorisation_revoke",
    ),
    path(
        "authorisations/<uuid:public_id>/approve/",
        views.authorisation_approve,
        name="authorisation_approve",
    ),
    path(
        "authorisations/<uuid:public_id>/reject/",
        views.authorisation_reject,
        name="authorisation_reject",
    ),
    path("disclosures/", views.disclosures, name="disclosures"),
    path("disclosures/new/", views.disclosure_new, name="disclosure_new"),
    path("disclosures/<uuid:public_id>/", views.disclosure, name="disclosure"),
]
