from django.urls import path

from safeguarding.privacy import views_retention as views

app_name = "retention"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rules/<slug:key>/", views.rule_change, name="rule_change"),
    path("holds/", views.holds, name="holds"),
    path("holds/new/", views.hold_place, name="hold_place"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
]
