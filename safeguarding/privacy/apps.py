from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class PrivacyConfig(AppConfig):
    name = "safeguarding.privacy"
    label = "privacy"
    verbose_name = "Privacy engine"

    def ready(self) -> None:
        post_migrate.connect(_publish_notice, sender=self)


def _publish_notice(*, using: str, **kwargs: Any) -> None:
    """Every release runs ``migrate`` before it serves pages: the notice it generates is
    published then, so the public page only reads (``privacy.notice.services``)."""
    from safeguarding.privacy.models import NoticeVersion
    from safeguarding.privacy.notice.services import notice_publish

    if NoticeVersion._meta.db_table in connections[using].introspection.table_names():
        notice_publish()
