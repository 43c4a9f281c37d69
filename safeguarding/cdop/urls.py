"""Child death review addresses. (When the staff pages land, their patterns join these.)"""

from django.urls import URLPattern, URLResolver

from safeguarding.cdop import urls_reports

app_name = "cdop"

urlpatterns: list[URLPattern | URLResolver] = [*urls_reports.urlpatterns]
