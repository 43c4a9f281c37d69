from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "safeguarding.workspaces"
    label = "workspaces"
    verbose_name = "Restricted workspaces"
