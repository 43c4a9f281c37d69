from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "safeguarding.newsletter"
    label = "newsletter"
    verbose_name = "Newsletters and mailing lists"
