from django.apps import AppConfig


class CdopConfig(AppConfig):
    name = "safeguarding.cdop"
    label = "cdop"
    verbose_name = "Child death reviews"

    def ready(self) -> None:
        # The child death review's kind of workspace, with the case page as its home.
        from safeguarding.cdop import registration

        registration.register()
