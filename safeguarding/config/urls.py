"""Every installed app of the project that has a ``urls`` module is served from the root; each
app's urls.py holds its own full paths, so adding an app touches no other app's files."""

from django.apps import apps
from django.urls import URLPattern, URLResolver, include, path
from django.utils.module_loading import module_has_submodule


def _project_urls() -> list[URLPattern | URLResolver]:
    return [
        path("", include(f"{config.name}.urls"))
        for config in apps.get_app_configs()
        if config.name.startswith("safeguarding.") and module_has_submodule(config.module, "urls")
    ]


urlpatterns = _project_urls()

handler400 = "safeguarding.core.views.bad_request"
handler403 = "safeguarding.core.views.permission_denied"
handler404 = "safeguarding.core.views.page_not_found"
handler500 = "safeguarding.core.views.server_error"
