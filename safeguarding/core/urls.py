from django.urls import path

from safeguarding.core import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz", health.healthz, name="healthz"),
]
