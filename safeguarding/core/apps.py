from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeguarding.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from safeguarding.core import jobs  # noqa: F401  (registers the periodic jobs)
