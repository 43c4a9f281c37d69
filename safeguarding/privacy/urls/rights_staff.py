from django.urls import path

from safeguarding.privacy import views_rights as views
from safeguarding.privacy import views_rights_actions as actions

app_name = "rights"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.log_request, name="log"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/export.zip", views.export, name="export"),
    path("<int:pk>/withhold/", actions.withhold, name="withhold"),
    path("<int:pk>/withheld/<int:item_pk>/sign-off/", actions.sign_off, name="sign_off"),
    path("<int:pk>/withheld/<int:item_pk>/release/", actions.drop, name="release"),
    path("<int:pk>/erase/", actions.erase, name="erase"),
    path("<int:pk>/erase/approve/", actions.erasure_approve, name="erasure_approve"),
    path("<int:pk>/erase/reject/", actions.erasure_reject, name="erasure_reject"),
    path("<int:pk>/erase/withdraw/", actions.erasure_withdraw, name="erasure_withdraw"),
    path("<int:pk>/rectify/", actions.rectify, name="rectify"),
    path("<int:pk>/restrict/", actions.restrict, name="restrict"),
    path("<int:pk>/lift-restriction/", actions.lift_restriction, name="lift_restriction"),
    path("<int:pk>/objection/", actions.objection, name="objection"),
]
