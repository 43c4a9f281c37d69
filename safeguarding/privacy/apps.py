from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "safeguarding.privacy"
    label = "privacy"
    verbose_name = "Privacy engine"

    def ready(self) -> None:
        # Registers the daily jobs in every process (web, worker, scheduler, management
        # commands), not only where the URLs happen to be loaded.
        from safeguarding.privacy.retention import jobs  # noqa: F401
        from safeguarding.privacy.rights import services  # noqa: F401
