from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "safeguarding.newsletter"
    label = "newsletter"
    verbose_name = "Newsletters and mailing lists"

    def ready(self) -> None:
        # Registers the bounce webhook receiver and the worker's stalled-campaign check in
        # every process (the daily jobs are found by ``core``).
        from safeguarding.newsletter import bounces, tasks  # noqa: F401
