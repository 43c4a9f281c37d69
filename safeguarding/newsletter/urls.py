from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, include, path

from safeguarding.newsletter import views_public, views_staff, views_subscribers

app_name = "newsletter"


def provider_webhooks() -> list[URLPattern | URLResolver]:
    """The configured mail provider's tracking webhook (bounces and complaints), and no other:
    a provider that is not configured would answer every request with a server error."""
    provider = settings.NEWSLETTER_WEBHOOK_PROVIDER
    if not provider:
        return []
    # Here, not at the top: anymail's URLs import every provider's webhook (and requests),
    # ~15 MB in each process, for a setting that is off by default.
    from anymail import urls as anymail_urls

    routed: list[URLPattern | URLResolver] = [
        pattern
        for pattern in anymail_urls.urlpatterns
        if isinstance(pattern, URLPattern) and pattern.name == f"{provider}_tracking_webhook"
    ]
    if not routed:
        known = sorted(
            str(pattern.name).removesuffix("_tracking_webhook")
            for pattern in anymail_urls.urlpatterns
            if isinstance(pattern, URLPattern) and str(pattern.name).endswith("_tracking_webhook")
        )
        raise ImproperlyConfigured(
            f"NEWSLETTER_WEBHOOK_PROVIDER={provider!r} is not one of: {', '.join(known)}"
        )
    return routed


urlpatterns: list[URLPattern | URLResolver] = [
    path("newsletter/", views_public.sign_up, name="sign_up"),
    path("newsletter/check-your-email/", views_public.check_email, name="check_email"),
    path("newsletter/confirm/<str:token>/", views_public.confirm, name="confirm"),
    path("newsletter/manage/<str:token>/", views_public.manage, name="manage"),
    path(
        "newsletter/manage/<str:token>/your-data/",
        views_public.manage_your_data,
        name="manage_your_data",
    ),
    path("newsletter/unsubscribe/<str:token>/", views_public.unsubscribe, name="unsubscribe"),
    # The mail provider's bounce and complaint webhooks (django-anymail, basic auth).
    path("newsletter/provider/", include((provider_webhooks(), "anymail"))),
    path("staff/newsletter/", views_staff.campaign_list, name="campaigns"),
    path("staff/newsletter/new/", views_staff.campaign_edit, name="campaign_new"),
    path("staff/newsletter/import/", views_staff.subscriber_import, name="import"),
    path("staff/newsletter/paper-form/", views_staff.consent_entry, name="consent_entry"),
    path("staff/newsletter/wording/", views_staff.wording, name="wording"),
    path("staff/newsletter/subscribers/", views_subscribers.subscriber_search, name="subscribers"),
    path("staff/newsletter/subscribers/<int:pk>/", views_subscribers.subscriber, name="subscriber"),
    path(
        "staff/newsletter/subscribers/<int:pk>/topics/",
        views_subscribers.subscriber_topics,
        name="subscriber_topics",
    ),
    path(
        "staff/newsletter/subscribers/<int:pk>/unsubscribe/",
        views_subscribers.subscriber_unsubscribe,
        name="subscriber_unsubscribe",
    ),
    path(
        "staff/newsletter/subscribers/<int:pk>/your-data/",
        views_subscribers.subscriber_your_data,
        name="subscriber_your_data",
    ),
    path("staff/newsletter/topics/", views_staff.topic_list, name="topics"),
    path("staff/newsletter/topics/new/", views_staff.topic_add, name="topic_add"),
    path("staff/newsletter/topics/<int:pk>/", views_staff.topic_edit, name="topic_edit"),
    path("staff/newsletter/topics/<int:pk>/retire/", views_staff.topic_retire, name="topic_retire"),
    path(
        "staff/newsletter/topics/<int:pk>/reinstate/",
        views_staff.topic_reinstate,
        name="topic_reinstate",
    ),
    path("staff/newsletter/<int:pk>/", views_staff.campaign_detail, name="campaign"),
    path("staff/newsletter/<int:pk>/edit/", views_staff.campaign_edit, name="campaign_edit"),
    path("staff/newsletter/<int:pk>/test/", views_staff.campaign_test, name="campaign_test"),
    path("staff/newsletter/<int:pk>/send/", views_staff.campaign_send, name="campaign_send"),
    path("staff/newsletter/<int:pk>/pause/", views_staff.campaign_pause, name="campaign_pause"),
    path("staff/newsletter/<int:pk>/resume/", views_staff.campaign_resume, name="campaign_resume"),
]
