from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "safeguarding.workspaces"
    label = "workspaces"
    verbose_name = "Restricted workspaces"

    def ready(self) -> None:
        # Registers the daily sealing of the read log in every process.
        from safeguarding.workspaces import jobs  # noqa: F401
