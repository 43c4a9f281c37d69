from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "safeguarding.privacy"
    label = "privacy"
    verbose_name = "Privacy engine"

    def ready(self) -> None:
        from safeguarding.privacy import checks  # noqa: F401  (registers the system checks)

        # Every app declares its models' personal data in a data_inventory module.
        autodiscover_modules("data_inventory")
