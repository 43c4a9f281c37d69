from django.contrib.auth import views as auth_views
from django.urls import path

from safeguarding.accounts import views, views_people

app_name = "accounts"

urlpatterns = [
    path("staff/", views.dashboard, name="dashboard"),
    path("staff/sign-in/", views.StaffLoginView.as_view(), name="login"),
    path("staff/sign-out/", views.logout, name="logout"),
    path("staff/two-factor/set-up/", views.mfa_setup, name="mfa_setup"),
    path("staff/two-factor/", views.mfa_verify, name="mfa_verify"),
    path(
        "staff/two-factor/recovery-codes/", views.recovery_codes_regenerate, name="recovery_codes"
    ),
    path("staff/failed-emails/", views.failed_emails, name="failed_emails"),
    # People and access (partnership administrators)
    path("staff/people/", views_people.people, name="people"),
    path("staff/people/invite/", views_people.person_invite, name="person_invite"),
    path("staff/people/invitations/", views_people.invitations_list, name="invitations"),
    path("staff/people/<int:pk>/", views_people.person, name="person"),
    path("staff/people/<int:pk>/roles/", views_people.person_roles, name="person_roles"),
    path("staff/people/<int:pk>/disable/", views_people.person_disable, name="person_disable"),
    path("staff/people/<int:pk>/enable/", views_people.person_enable, name="person_enable"),
    path(
        "staff/people/<int:pk>/reset-two-factor/",
        views_people.person_reset_mfa,
        name="person_reset_mfa",
    ),
    path(
        "staff/people/<int:pk>/invitation/resend/",
        views_people.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "staff/people/<int:pk>/invitation/withdraw/",
        views_people.invitation_withdraw,
        name="invitation_withdraw",
    ),
    # The invited person, before they have a password
    path("staff/invitation/<str:token>/", views_people.invitation_accept, name="invitation_accept"),
    path("staff/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "staff/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "staff/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "staff/password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
