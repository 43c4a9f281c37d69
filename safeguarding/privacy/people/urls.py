"""The data protection lead's person search and a person's page (staff/data-protection/people/).

No address here holds personal data: the search is posted, and a person's page is named by
a random key that means something only in the searching member of staff's session."""

from django.urls import include, path

from safeguarding.privacy.people import views_staff

staff = [
    path("", views_staff.search, name="search"),
    path("<slug:key>/", views_staff.person, name="person"),
    path("<slug:key>/hold/", views_staff.hold, name="hold"),
]

urlpatterns = [path("staff/data-protection/people/", include((staff, "subjects")))]
