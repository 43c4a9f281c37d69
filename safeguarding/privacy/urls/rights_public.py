from django.urls import path

from safeguarding.privacy import views_rights as views

app_name = "your_data"

urlpatterns = [
    path("", views.start, name="start"),
    path("request/", views.make_request, name="request"),
    path("request/check-your-email/", views.check_email, name="check_email"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
