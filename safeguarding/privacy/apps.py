from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "safeguarding.privacy"
    label = "privacy"
    verbose_name = "Privacy engine"
