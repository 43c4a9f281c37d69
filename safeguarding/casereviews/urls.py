from django.urls import URLPattern, URLResolver, path

from safeguarding.casereviews import views_public, views_publication, views_staff

app_name = "casereviews"

CASE = "staff/case-reviews/<int:pk>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("case-reviews/", views_public.reviews, name="reviews"),
    path("case-reviews/<int:pk>/report.pdf", views_public.report_pdf, name="report_pdf"),
    path("staff/case-reviews/", views_staff.home, name="staff_home"),
    path("staff/case-reviews/open/", views_staff.open_case, name="staff_open"),
    path("staff/case-reviews/figures/", views_staff.figures, name="staff_figures"),
    path("staff/case-reviews/figures.csv", views_staff.figures_download, name="staff_figures_csv"),
    path(CASE, views_staff.case_detail, name="staff_case"),
    path(f"{CASE}close/", views_staff.close, name="staff_close"),
    path(f"{CASE}notification/", views_staff.notification, name="staff_notification"),
    path(
        f"{CASE}rapid-review/start/",
        views_staff.rapid_review_start,
        name="staff_rapid_review_start",
    ),
    path(f"{CASE}rapid-review/", views_staff.rapid_review, name="staff_rapid_review"),
    path(
        f"{CASE}rapid-review/decision/",
        views_staff.rapid_review_decision,
        name="staff_rapid_review_decision",
    ),
    path(
        f"{CASE}practice-review/start/",
        views_staff.practice_review_start,
        name="staff_practice_review_start",
    ),
    path(f"{CASE}practice-review/", views_staff.practice_review, name="staff_practice_review"),
    path(f"{CASE}key-list/add/", views_staff.subject_add, name="staff_subject_add"),
    path(f"{CASE}key-list/<int:item>/", views_staff.subject_edit, name="staff_subject_edit"),
    path(f"{CASE}records/<slug:kind>/", views_staff.record_list, name="staff_records"),
    path(f"{CASE}records/<slug:kind>/add/", views_staff.record_add, name="staff_record_add"),
    path(
        f"{CASE}records/<slug:kind>/<int:item>/",
        views_staff.record_edit,
        name="staff_record_edit",
    ),
    path(f"{CASE}publication/", views_publication.overview, name="staff_publication"),
    path(
        f"{CASE}publication/check/",
        views_publication.check_draft,
        name="staff_publication_check",
    ),
    path(
        f"{CASE}publication/found/<int:item>/accept/",
        views_publication.accept,
        name="staff_publication_accept",
    ),
    path(f"{CASE}publication/publish/", views_publication.publish, name="staff_publish"),
    path(
        f"{CASE}publication/not-published/",
        views_publication.not_published,
        name="staff_not_published",
    ),
]
