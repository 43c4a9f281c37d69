from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "safeguarding.newsletter"
    label = "newsletter"
    verbose_name = "Newsletters and mailing lists"

    def ready(self) -> None:
        # Registers the daily campaign safety net and the bounce webhook receiver in
        # every process.
        from safeguarding.newsletter import bounces, tasks  # noqa: F401
