"""The privacy engine's addresses: each sub-package's urls module holds its full paths."""

from django.urls import include, path

urlpatterns = [
    path("", include(f"safeguarding.privacy.{part}.urls"))
    for part in ("notice", "rights", "callers", "disclosures", "retention", "people")
]
