"""The disclosure register (staff/disclosures/), addressed by random public ids."""

from django.urls import include, path

from safeguarding.privacy.disclosures import views_staff

staff = [
    # Disclosures are addressed by their random public id, never their database id.
    path("", views_staff.disclosures, name="disclosures"),
    path("new/", views_staff.disclosure_new, name="disclosure_new"),
    path("<uuid:public_id>/", views_staff.disclosure, name="disclosure"),
]

urlpatterns = [path("staff/disclosures/", include((staff, "disclosures")))]
