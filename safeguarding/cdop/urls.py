"""Child death review addresses, in the ``cdop`` namespace: the agencies' reporting forms
(``urls_forms``), the public notification form (``urls_public``) and the downloads
(``urls_reports``). The staff pages add their own patterns here."""

from django.urls import URLPattern, URLResolver

from safeguarding.cdop import urls_forms, urls_public, urls_reports

app_name = "cdop"

urlpatterns: list[URLPattern | URLResolver] = [
    *urls_forms.urlpatterns,
    *urls_public.urlpatterns,
    *urls_reports.urlpatterns,
]
