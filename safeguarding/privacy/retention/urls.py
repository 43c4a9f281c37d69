"""Retention rules, proposals, legal holds and their releases (staff/retention/)."""

from django.urls import include, path

from safeguarding.privacy.retention import views_staff

staff = [
    path("", views_staff.overview, name="overview"),
    path("rules/<slug:key>/", views_staff.rule_change, name="rule_change"),
    path("proposals/", views_staff.proposals, name="proposals"),
    path("proposals/<int:pk>/approve/", views_staff.proposal_approve, name="proposal_approve"),
    path("proposals/<int:pk>/reject/", views_staff.proposal_reject, name="proposal_reject"),
    path("proposals/<int:pk>/withdraw/", views_staff.proposal_withdraw, name="proposal_withdraw"),
    path("holds/", views_staff.holds, name="holds"),
    path("holds/new/", views_staff.hold_place, name="hold_place"),
    path("holds/<int:pk>/release/", views_staff.hold_release, name="hold_release"),
    path("holds/matters/<slug:key>/", views_staff.matter, name="matter"),
    path("holds/matters/<slug:key>/release/", views_staff.matter_release, name="matter_release"),
    path("holds/matters/<slug:key>/approve/", views_staff.matter_approve, name="matter_approve"),
    path("holds/matters/<slug:key>/reject/", views_staff.matter_reject, name="matter_reject"),
    path("holds/releases/", views_staff.releases, name="releases"),
    path("holds/releases/<int:pk>/approve/", views_staff.release_approve, name="release_approve"),
    path("holds/releases/<int:pk>/reject/", views_staff.release_reject, name="release_reject"),
    path(
        "holds/releases/<int:pk>/withdraw/", views_staff.release_withdraw, name="release_withdraw"
    ),
]

urlpatterns = [path("staff/retention/", include((staff, "retention")))]
