from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safeguarding.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Registers the daily anchoring and address jobs, and the check that every audit
        # action written is registered, in every process.
        from safeguarding.audit import anchors, checks, jobs  # noqa: F401
