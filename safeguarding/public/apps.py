from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "safeguarding.public"
    label = "public"
    verbose_name = "Public site: cookies, contact, accessibility"
