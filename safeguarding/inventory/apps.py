from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class InventoryConfig(AppConfig):
    name = "safeguarding.inventory"
    label = "inventory"
    verbose_name = "Data inventory"

    def ready(self) -> None:
        # Registers the system checks in every process, not only where URLs are loaded.
        from safeguarding.inventory import checks  # noqa: F401

        # Every app declares its models' personal data in a data_inventory module.
        autodiscover_modules("data_inventory")
