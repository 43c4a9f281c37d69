from django.urls import path

from safeguarding.privacy import views_retention as views

app_name = "retention"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rules/<slug:key>/", views.rule_change, name="rule_change"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/approve/", views.proposal_approve, name="proposal_approve"),
    path("proposals/<int:pk>/reject/", views.proposal_reject, name="proposal_reject"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("holds/", views.holds, name="holds"),
    path("holds/new/", views.hold_place, name="hold_place"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("holds/releases/", views.releases, name="releases"),
    path("holds/releases/<int:pk>/approve/", views.release_approve, name="release_approve"),
    path("holds/releases/<int:pk>/reject/", views.release_reject, name="release_reject"),
    path("holds/releases/<int:pk>/withdraw/", views.release_withdraw, name="release_withdraw"),
]
