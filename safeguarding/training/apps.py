from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "safeguarding.training"
    label = "training"
    verbose_name = "Learning and development"

    def ready(self) -> None:
        # Registers the periodic jobs (offers, reminders, pruning) in every process.
        from safeguarding.training import checks, jobs  # noqa: F401
