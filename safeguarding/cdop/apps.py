from django.apps import AppConfig


class CdopConfig(AppConfig):
    name = "safeguarding.cdop"
    label = "cdop"
    verbose_name = "Child death reviews"

    def ready(self) -> None:
        # The child death review's kind of workspace (safeguarding.workspaces.kinds).
        from safeguarding.cdop.models import KIND
        from safeguarding.workspaces.kinds import register_kind

        register_kind(KIND, "Child death review")
