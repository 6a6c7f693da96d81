"""Two-factor authentication made mandatory for the roles named in MADINA_2FA_REQUIRED_ROLES."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils.http import urlencode

# Views a user who still owes a second factor may open.
_ALLOWED = {
    "accounts:login",
    "accounts:logout",
    "accounts:otp_verify",
    "accounts:otp_setup",
    "accounts:otp_recovery_codes",
    "healthz",
    "set_language",
    "javascript-catalog",
}


# Whoever may see case data signs in with a second factor, whatever the settings say.
ALWAYS_REQUIRED = {"case_worker", "case_supervisor", "referral_receiver"}


def two_factor_required(user) -> bool:
    required = set(settings.MADINA_2FA_REQUIRED_ROLES) | ALWAYS_REQUIRED
    return bool(user.role_names() & required)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path_info.startswith(settings.STATIC_URL)
            and self._view_name(request) not in _ALLOWED
            and two_factor_required(user)
        ):
            from django_otp import user_has_device

            if not user_has_device(user):
                return redirect("accounts:otp_setup")
            url = reverse("accounts:otp_verify")
            if request.method == "GET":
                # Come back to the page asked for once the code is given.
                url = f"{url}?{urlencode({'next': request.get_full_path()})}"
            return redirect(url)
        return self.get_response(request)

    @staticmethod
    def _view_name(request) -> str:
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return ""
