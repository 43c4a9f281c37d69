from django.urls import path

from safeguarding.privacy import views_identity as views

app_name = "security_questions"

urlpatterns = [
    path("", views.questions_request, name="request"),
    path("sent/", views.questions_sent, name="sent"),
    path("set/<str:token>/", views.questions_set, name="set"),
    path("done/", views.questions_done, name="done"),
]
