from django.urls import path

from safeguarding.privacy import views_rights as views

app_name = "rights"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.log_request, name="log"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/export.zip", views.export, name="export"),
]
