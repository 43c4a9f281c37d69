from django.apps import AppConfig


class CaseReviewsConfig(AppConfig):
    name = "safeguarding.casereviews"
    label = "casereviews"
    verbose_name = "Case reviews"

    def ready(self) -> None:
        # The workspace kind and the referral target (a child death review that suspects abuse
        # or neglect opens a serious incident notification here).
        from safeguarding.casereviews import registration

        registration.register()
