from django.urls import URLPattern, URLResolver, path

from safeguarding.cdop import urls_forms, urls_public, urls_reports, views_staff

app_name = "cdop"

HOME = "staff/child-deaths/"
CASE = f"{HOME}<int:pk>/"
MEETING = f"{HOME}meetings/<int:pk>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(HOME, views_staff.dashboard, name="dashboard"),
    path(f"{HOME}notify/", views_staff.notify, name="staff_notify"),
    path(f"{HOME}notifications/", views_staff.inbox, name="inbox"),
    path(f"{HOME}notifications/<int:pk>/", views_staff.notification, name="notification"),
    path(
        f"{HOME}notifications/<int:pk>/remove/",
        views_staff.notification_discard,
        name="notification_discard",
    ),
    path(CASE, views_staff.case_detail, name="case"),
    path(
        f"{CASE}joint-agency-response/",
        views_staff.joint_agency_response,
        name="joint_agency_response",
    ),
    path(f"{CASE}review-meeting/", views_staff.review_meeting, name="review_meeting"),
    path(f"{CASE}ready/", views_staff.mark_ready, name="ready"),
    path(f"{CASE}analysis/", views_staff.analysis, name="analysis"),
    path(f"{CASE}analysis/reopen/", views_staff.analysis_reopen, name="analysis_reopen"),
    path(f"{CASE}actions/add/", views_staff.action_add, name="action_add"),
    path(f"{CASE}close/", views_staff.close, name="close"),
    path(f"{CASE}ncmd/", views_staff.ncmd_sent, name="ncmd_sent"),
    path(f"{CASE}refer/", views_staff.refer, name="refer"),
    path(f"{CASE}family/key-worker/", views_staff.key_worker, name="key_worker"),
    path(f"{CASE}family/add/", views_staff.family_add, name="family_add"),
    path(f"{CASE}family/questions/add/", views_staff.question_add, name="question_add"),
    path(
        f"{CASE}family/questions/<int:item>/answer/",
        views_staff.question_answer,
        name="question_answer",
    ),
    path(f"{HOME}meetings/", views_staff.meetings, name="meetings"),
    path(f"{HOME}meetings/new/", views_staff.meeting_new, name="meeting_new"),
    path(MEETING, views_staff.meeting, name="meeting"),
    path(f"{MEETING}agenda/", views_staff.meeting_agenda, name="meeting_agenda"),
    path(f"{MEETING}attendance/", views_staff.meeting_attendance, name="meeting_attendance"),
    path(
        f"{MEETING}agenda/<int:item>/decision/",
        views_staff.agenda_decide,
        name="agenda_decide",
    ),
    # The reporting forms (the secretariat's pages and the agency's link), the public
    # notification form, and the downloads (NCMD export, yearly statistics, papers).
    *urls_forms.urlpatterns,
    *urls_public.urlpatterns,
    *urls_reports.urlpatterns,
]
