"""Every installed app of the project that has a ``urls`` module is served from the root; each
app's urls.py holds its own full paths, so adding an app touches no other app's files."""

from django.apps import apps
from django.urls import URLPattern, URLResolver, include, path
from django.utils.module_loading import module_has_submodule

from safeguarding.cdop import urls_forms, urls_public


def _project_urls() -> list[URLPattern | URLResolver]:
    return [
        path("", include(f"{config.name}.urls"))
        for config in apps.get_app_configs()
        if config.name.startswith("safeguarding.") and module_has_submodule(config.module, "urls")
    ]


def _cdop_pages_until_cdop_urls() -> list[URLPattern | URLResolver]:
    """Child death reviews' reporting-form and public notification pages (#15), in the
    ``cdop`` namespace, while ``cdop`` has no urls.py of its own. Once it has one, that file
    includes ``urls_forms`` and ``urls_public`` itself, and this adds nothing."""
    if module_has_submodule(apps.get_app_config("cdop").module, "urls"):
        return []
    return [path("", include(([*urls_forms.urlpatterns, *urls_public.urlpatterns], "cdop")))]


urlpatterns = [*_project_urls(), *_cdop_pages_until_cdop_urls()]

handler400 = "safeguarding.core.views.bad_request"
handler403 = "safeguarding.core.views.permission_denied"
handler404 = "safeguarding.core.views.page_not_found"
handler500 = "safeguarding.core.views.server_error"
