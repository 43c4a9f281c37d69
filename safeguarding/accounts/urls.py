from django.contrib.auth import views as auth_views
from django.urls import path

from safeguarding.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-in/", views.StaffLoginView.as_view(), name="login"),
    path("sign-out/", views.logout, name="logout"),
    path("two-factor/set-up/", views.mfa_setup, name="mfa_setup"),
    path("two-factor/", views.mfa_verify, name="mfa_verify"),
    path("two-factor/recovery-codes/", views.recovery_codes_regenerate, name="recovery_codes"),
    path("people/", views.people, name="people"),
    path("failed-emails/", views.failed_emails, name="failed_emails"),
    path("people/<int:pk>/disable/", views.person_disable, name="person_disable"),
    path("people/<int:pk>/reset-two-factor/", views.person_reset_mfa, name="person_reset_mfa"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
