from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "safeguarding.privacy"
    label = "privacy"
    verbose_name = "Privacy engine"

    def ready(self) -> None:
        # Registers the system checks and the daily jobs, in every process (web, worker,
        # scheduler, management commands), not only where the URLs happen to be loaded.
        from safeguarding.privacy import (  # noqa: F401
            checks,
            retention_jobs,
            rights_services,
        )

        # Every app declares its models' personal data in a data_inventory module.
        autodiscover_modules("data_inventory")
