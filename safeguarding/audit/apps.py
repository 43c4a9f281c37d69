from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safeguarding.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Registers the daily anchoring and address jobs in every process.
        from safeguarding.audit import anchors, jobs  # noqa: F401
