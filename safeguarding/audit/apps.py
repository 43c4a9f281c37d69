from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safeguarding.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Registers the daily anchoring job in every process.
        from safeguarding.audit import anchors  # noqa: F401
