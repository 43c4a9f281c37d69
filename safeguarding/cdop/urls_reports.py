"""The addresses of child death review downloads (``views_reports``), added to the app's
``urls.py`` (namespace ``cdop``)."""

from django.urls import URLPattern, path

from safeguarding.cdop import views_reports

CASE = "staff/child-deaths/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path(f"{CASE}ncmd-export/", views_reports.ncmd_page, name="staff_ncmd"),
    path(f"{CASE}ncmd-export.json", views_reports.ncmd_json, name="staff_ncmd_json"),
    path(f"{CASE}ncmd-statistics.csv", views_reports.ncmd_csv, name="staff_ncmd_csv"),
    path(
        "staff/child-deaths/annual-report/",
        views_reports.report_page,
        name="staff_annual_report",
    ),
    path(
        "staff/child-deaths/annual-report.csv",
        views_reports.report_csv,
        name="staff_annual_report_csv",
    ),
    path(
        "staff/child-deaths/annual-report.pdf",
        views_reports.report_pdf,
        name="staff_annual_report_pdf",
    ),
    path(
        "staff/child-deaths/meetings/<int:pk>/papers.pdf",
        views_reports.papers_pdf,
        name="staff_meeting_papers",
    ),
]
