from django.contrib.auth import views as auth_views
from django.urls import path

from madina.accounts.views import auth, members, otp, profile, tokens

app_name = "accounts"

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", profile.profile, name="profile"),
    path("api-keys/", tokens.api_token_list, name="api_tokens"),
    path("api-keys/<int:pk>/revoke/", tokens.api_token_revoke, name="api_token_revoke"),
    path("password/change/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/complete/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("two-factor/verify/", otp.otp_verify, name="otp_verify"),
    path("two-factor/setup/", otp.otp_setup, name="otp_setup"),
    path("two-factor/recovery-codes/", otp.otp_recovery_codes, name="otp_recovery_codes"),
    path("two-factor/disable/", otp.otp_disable, name="otp_disable"),
    path("organisations/<int:org>/members/", members.member_list, name="member_list"),
    path("organisations/<int:org>/members/invite/", members.invite, name="invite"),
    path("organisations/<int:org>/members/<int:pk>/", members.member_change, name="member_change"),
    path(
        "organisations/<int:org>/invitations/<int:pk>/revoke/",
        members.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", members.invitation_accept, name="invitation_accept"),
]
