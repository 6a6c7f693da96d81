"""Sign-in (password, then the second factor when the user has one), sign-out, passwords."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from madina.accounts.forms import LoginForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from madina.accounts.models import User
from madina.accounts.views._helpers import landing_url

PENDING_KEY = "madina_pending_login"
PENDING_SECONDS = 300
PENDING_MAX_TRIES = 5


def pending_login_start(request, user: User, next_url: str) -> None:
    """Remember that ``user`` gave the right password and still owes a second factor."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "at": time.time(),
        "next": next_url,
        "tries": 0,
    }


def pending_login(request) -> tuple[User, dict] | None:
    """The user half-way through signing in, and the state kept for them; ``None`` if none."""
    state = request.session.get(PENDING_KEY)
    if not state:
        return None
    if (
        time.time() - state["at"] > PENDING_SECONDS
        or state["tries"] >= PENDING_MAX_TRIES
        or state["backend"] not in settings.AUTHENTICATION_BACKENDS
    ):
        pending_login_clear(request)
        return None
    user = User.objects.filter(pk=state["user"], is_active=True).first()
    if user is None:
        pending_login_clear(request)
        return None
    return user, state


def pending_login_failed(request) -> bool:
    """Count a wrong code; ``True`` when no try is left and the sign-in starts again."""
    state = request.session[PENDING_KEY]
    state["tries"] += 1
    request.session[PENDING_KEY] = state
    if state["tries"] >= PENDING_MAX_TRIES:
        pending_login_clear(request)
        return True
    return False


def pending_login_finish(request, user: User, state: dict) -> None:
    pending_login_clear(request)
    auth_login(request, user, backend=state["backend"])


def pending_login_clear(request) -> None:
    request.session.pop(PENDING_KEY, None)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if user_has_device(user):
            pending_login_start(self.request, user, self.get_redirect_url())
            return HttpResponseRedirect(reverse("accounts:otp_verify"))
        return super().form_valid(form)

    def get_default_redirect_url(self):
        user = self.request.user
        return landing_url(user) if user.is_authenticated else super().get_default_redirect_url()


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
