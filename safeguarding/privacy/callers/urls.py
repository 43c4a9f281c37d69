"""Caller checks and authorisations (staff/callers/), and the public's security questions
(your-data/security-questions/)."""

from django.urls import include, path

from safeguarding.privacy.callers import views_public, views_staff

public = [
    path("", views_public.questions_request, name="request"),
    path("sent/", views_public.questions_sent, name="sent"),
    path("set/<str:token>/", views_public.questions_set, name="set"),
    path("done/", views_public.questions_done, name="done"),
]

staff = [
    path("", views_staff.find, name="find"),
    path("verify/", views_staff.verify, name="verify"),
    path("verify/use/", views_staff.verify_use, name="verify_use"),
    path("verify/one-off/", views_staff.one_off, name="one_off"),
    path("verify/end/", views_staff.end_call, name="end_call"),
    path("authorisations/", views_staff.authorisations, name="authorisations"),
    path(
        "authorisations/written/", views_staff.authorisation_written, name="authorisation_written"
    ),
    path(
        "authorisations/awaiting-approval/",
        views_staff.authorisations_awaiting,
        name="authorisations_awaiting",
    ),
    # Authorisations are addressed by their random public id, never their database id, so
    # that one cannot be found by counting.
    path(
        "authorisations/<uuid:public_id>/revoke/",
        views_staff.authorisation_revoke,
        name="authorisation_revoke",
    ),
    path(
        "authorisations/<uuid:public_id>/approve/",
        views_staff.authorisation_approve,
        name="authorisation_approve",
    ),
    path(
        "authorisations/<uuid:public_id>/reject/",
        views_staff.authorisation_reject,
        name="authorisation_reject",
    ),
]

urlpatterns = [
    path("your-data/security-questions/", include((public, "security_questions"))),
    path("staff/callers/", include((staff, "identity"))),
]
