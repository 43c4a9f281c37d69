"""Pages for people without an account (``views_public``): the online notification of a
child's death, and the reporting form behind an agency's emailed link. No namespace of their
own: ``cdop/urls.py`` adds them to the ``cdop`` namespace."""

from django.urls import URLPattern, URLResolver, path

from safeguarding.cdop import views_public

urlpatterns: list[URLPattern | URLResolver] = [
    path("child-death-notification/", views_public.notify, name="notify"),
    path(
        "child-death-notification/sent/",
        views_public.notification_sent,
        name="notification_sent",
    ),
    path(
        "child-death-review/reporting-form/sent/",
        views_public.reporting_form_sent,
        name="reporting_form_sent",
    ),
    path(
        "child-death-review/reporting-form/<str:token>/",
        views_public.reporting_form_answer,
        name="reporting_form_answer",
    ),
]
