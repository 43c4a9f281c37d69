from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "safeguarding.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Every app's periodic jobs (``jobs.py``, ``@daily``) are registered in every
        # process (web, worker, scheduler, management commands), so adding an app with jobs
        # touches no other file.
        autodiscover_modules("jobs")
