from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "safeguarding.training"
    label = "training"
    verbose_name = "Learning and development"

    def ready(self) -> None:
        # Registers the system checks (the periodic jobs are found by ``core``).
        from safeguarding.training import checks  # noqa: F401
