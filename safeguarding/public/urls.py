from django.urls import URLPattern, URLResolver, path

from safeguarding.public import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("cookies/", views.cookies_page, name="cookies"),
    path("cookies/choice/", views.cookie_banner_choice, name="cookie_banner_choice"),
    path("cookies/hide/", views.cookie_banner_hide, name="cookie_banner_hide"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact_sent"),
]
