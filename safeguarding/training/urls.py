from django.urls import URLPattern, URLResolver, path

from safeguarding.training import views_learner, views_public, views_staff

app_name = "training"

urlpatterns: list[URLPattern | URLResolver] = [
    path("courses/", views_public.catalogue, name="catalogue"),
    path("courses/<int:pk>/", views_public.course, name="course"),
    path("courses/sessions/<int:pk>/book/", views_public.book, name="book"),
    path("courses/sessions/<int:pk>/<slug:outcome>/", views_public.booked, name="booked"),
    path("courses/approval/<str:token>/", views_public.approval, name="approval"),
    path("courses/offer/<str:token>/", views_public.offer, name="offer"),
    path("courses/my-training/", views_learner.ask_for_link, name="ask_for_link"),
    path("courses/my-training/sent/", views_learner.link_sent, name="link_sent"),
    path("courses/my-training/transferred/", views_learner.transferred, name="transferred"),
    path("courses/my-training/<str:token>/", views_learner.my_training, name="my_training"),
    path(
        "courses/my-training/<str:token>/bookings/<int:pk>/cancel/",
        views_learner.cancel,
        name="cancel",
    ),
    path(
        "courses/my-training/<str:token>/bookings/<int:pk>/transfer/",
        views_learner.transfer,
        name="transfer",
    ),
    path(
        "courses/my-training/<str:token>/bookings/<int:pk>/certificate.pdf",
        views_learner.certificate,
        name="certificate",
    ),
    path(
        "courses/my-training/<str:token>/bookings/<int:pk>/evaluation/<slug:kind>/",
        views_learner.evaluation,
        name="evaluation",
    ),
    path(
        "courses/my-training/<str:token>/waiting/<int:pk>/leave/",
        views_learner.leave,
        name="leave",
    ),
    path("certificates/verify/<str:code>/", views_learner.verify, name="verify"),
    path("staff/training/", views_staff.home, name="staff_home"),
    path("staff/training/no-shows/", views_staff.no_shows, name="staff_no_shows"),
    path("staff/training/courses/new/", views_staff.course_new, name="staff_course_new"),
    path("staff/training/courses/<int:pk>/", views_staff.course_detail, name="staff_course"),
    path(
        "staff/training/courses/<int:pk>/sessions/new/",
        views_staff.session_new,
        name="staff_session_new",
    ),
    path("staff/training/sessions/<int:pk>/", views_staff.session_detail, name="staff_session"),
    path(
        "staff/training/sessions/<int:pk>/attendance/",
        views_staff.attendance,
        name="staff_attendance",
    ),
    path(
        "staff/training/sessions/<int:pk>/sign-in-sheet/",
        views_staff.sign_in_sheet,
        name="staff_sign_in_sheet",
    ),
    path(
        "staff/training/sessions/<int:pk>/attendance.csv",
        views_staff.attendance_export,
        name="staff_attendance_csv",
    ),
    path("staff/training/sessions/<int:pk>/close/", views_staff.close, name="staff_close"),
    path("staff/training/bookings/<int:pk>/approve/", views_staff.approve, name="staff_approve"),
    path("staff/training/bookings/<int:pk>/move/", views_staff.move, name="staff_move"),
    path(
        "staff/training/courses/<int:pk>/edit/", views_staff.course_edit, name="staff_course_edit"
    ),
    path(
        "staff/training/courses/<int:pk>/publish/",
        views_staff.course_publish,
        name="staff_course_publish",
    ),
    path(
        "staff/training/sessions/<int:pk>/edit/",
        views_staff.session_edit,
        name="staff_session_edit",
    ),
    path(
        "staff/training/sessions/<int:pk>/cancel/",
        views_staff.session_cancel_view,
        name="staff_session_cancel",
    ),
    path(
        "staff/training/sessions/<int:pk>/message/",
        views_staff.session_message_view,
        name="staff_session_message",
    ),
    path("staff/training/sessions/<int:pk>/book/", views_staff.book_on_behalf, name="staff_book"),
    path(
        "staff/training/waiting/<int:pk>/remove/",
        views_staff.waiting_remove_view,
        name="staff_waiting_remove",
    ),
    path(
        "staff/training/bookings/<int:pk>/certificate/",
        views_staff.certificate_issue,
        name="staff_certificate",
    ),
    path("staff/training/charges/", views_staff.charges, name="staff_charges"),
    path("staff/training/charges.csv", views_staff.charges_export, name="staff_charges_csv"),
    path("staff/training/charges/<int:pk>/", views_staff.charge_detail, name="staff_charge"),
    path("staff/training/reports/records/", views_staff.records, name="staff_records"),
    path(
        "staff/training/reports/records.csv",
        views_staff.records_export,
        name="staff_records_csv",
    ),
    path("staff/training/reports/refreshers/", views_staff.refreshers, name="staff_refreshers"),
    path(
        "staff/training/reports/refreshers.csv",
        views_staff.refreshers_export,
        name="staff_refreshers_csv",
    ),
]
