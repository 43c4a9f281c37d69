"""The privacy notice (privacy/) and the Article 30 record (staff/data-protection/)."""

from django.urls import include, path

from safeguarding.privacy.notice import views_public, views_staff

staff = [
    path("article-30/", views_staff.article_30, name="article_30"),
    path("article-30.csv", views_staff.article_30_csv, name="article_30_csv"),
]

urlpatterns = [
    path("privacy/", views_public.privacy_notice, name="privacy"),
    path("staff/data-protection/", include((staff, "records"))),
]
