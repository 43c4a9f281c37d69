"""The secretariat's pages for a case's reporting forms (``views_forms``). The patterns carry
no namespace of their own: ``cdop/urls.py`` adds them to the ``cdop`` namespace."""

from django.urls import URLPattern, URLResolver, path

from safeguarding.cdop import views_forms

FORMS = "staff/child-deaths/<int:pk>/reporting-forms/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(FORMS, views_forms.reporting_forms, name="reporting_forms"),
    path(f"{FORMS}ask/", views_forms.reporting_form_request, name="reporting_form_request"),
    path(f"{FORMS}<int:form>/", views_forms.reporting_form_answers, name="reporting_form_answers"),
    path(
        f"{FORMS}<int:form>/send-again/",
        views_forms.reporting_form_resend,
        name="reporting_form_resend",
    ),
    path(
        f"{FORMS}<int:form>/withdraw/",
        views_forms.reporting_form_withdraw,
        name="reporting_form_withdraw",
    ),
]
