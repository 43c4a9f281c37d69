"""Rights requests: the public's pages under your-data/, the staff's under staff/."""

from django.urls import include, path

from safeguarding.privacy.rights import views_actions as actions
from safeguarding.privacy.rights import views_public, views_staff

public = [
    path("", views_public.start, name="start"),
    path("request/", views_public.make_request, name="request"),
    path("request/check-your-email/", views_public.check_email, name="check_email"),
    path("confirm/<str:token>/", views_public.confirm, name="confirm"),
    path("export/<str:token>/", views_public.export, name="export"),
]

staff = [
    path("", views_staff.queue, name="queue"),
    path("new/", views_staff.log_request, name="log"),
    path("<int:pk>/", views_staff.detail, name="detail"),
    path("<int:pk>/pause/", views_staff.pause, name="pause"),
    path("<int:pk>/resume/", views_staff.resume, name="resume"),
    path("<int:pk>/extend/", views_staff.extend, name="extend"),
    path("<int:pk>/complete/", views_staff.complete, name="complete"),
    path("<int:pk>/refuse/", views_staff.refuse, name="refuse"),
    path("<int:pk>/withdraw/", views_staff.withdraw, name="withdraw"),
    path("<int:pk>/export.zip", views_staff.export, name="export"),
    path("<int:pk>/export-links/new/", views_staff.new_link, name="new_link"),
    path(
        "<int:pk>/export-links/<int:link_pk>/cancel/", views_staff.cancel_link, name="cancel_link"
    ),
    path("<int:pk>/preview/", actions.preview, name="preview"),
    path("<int:pk>/withhold/", actions.withhold, name="withhold"),
    path("<int:pk>/withheld/<int:item_pk>/sign-off/", actions.sign_off, name="sign_off"),
    path("<int:pk>/withheld/<int:item_pk>/release/", actions.drop, name="release"),
    path("<int:pk>/hold/", actions.hold, name="hold"),
    path("<int:pk>/erase/", actions.erase, name="erase"),
    path("<int:pk>/erase/approve/", actions.erasure_approve, name="erasure_approve"),
    path("<int:pk>/erase/reject/", actions.erasure_reject, name="erasure_reject"),
    path("<int:pk>/erase/withdraw/", actions.erasure_withdraw, name="erasure_withdraw"),
    path("<int:pk>/rectify/", actions.rectify, name="rectify"),
    path("<int:pk>/restrict/", actions.restrict, name="restrict"),
    path("<int:pk>/lift-restriction/", actions.lift_restriction, name="lift_restriction"),
    path("<int:pk>/objection/", actions.objection, name="objection"),
]

urlpatterns = [
    path("your-data/", include((public, "your_data"))),
    path("staff/rights-requests/", include((staff, "rights"))),
]
