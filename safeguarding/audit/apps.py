from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safeguarding.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Registers the check that every audit action written is registered (the daily
        # jobs are found by ``core``).
        from safeguarding.audit import checks  # noqa: F401
