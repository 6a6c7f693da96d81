"""The second factor: verify a code, enrol an authenticator, recovery codes, switch off."""

from __future__ import annotations

import base64
import re

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from madina.accounts import selectors, services
from madina.accounts.forms import OTPTokenForm
from madina.accounts.middleware import two_factor_required
from madina.accounts.views._helpers import landing_url, safe_next
from madina.accounts.views.auth import (
    pending_login,
    pending_login_failed,
    pending_login_finish,
)
from madina.core.forms import add_service_errors


def _verify_url(request) -> str:
    return f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.get_full_path()})}"


def qr_code_svg(data: str, label: str) -> str:
    """``data`` as an inline SVG QR code, drawn on the server (no script, no outside service)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(
        r'<svg width="[^"]*" height="[^"]*"',
        f'<svg class="qr-code w-100 h-auto" role="img" aria-label="{escape(label)}"',
        svg,
        count=1,
    )
    return mark_safe(svg)  # noqa: S308 — generated here from a fixed template, label escaped


def _secret_for_humans(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _recovery_used_message(request, user) -> None:
    left = selectors.recovery_codes_remaining(user)
    messages.warning(
        request,
        ngettext(
            "You signed in with a recovery code. You have %(count)d recovery code left.",
            "You signed in with a recovery code. You have %(count)d recovery codes left.",
            left,
        )
        % {"count": left},
    )


@never_cache
@sensitive_post_parameters("token")
def otp_verify(request):
    """Second step of signing in; also where the 2FA middleware sends an unverified session."""
    state = None
    if request.user.is_authenticated:
        user = request.user
        next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
        if user.is_verified():
            return redirect(next_url or landing_url(user))
        if not user_has_device(user):
            return redirect("accounts:otp_setup")
    else:
        found = pending_login(request)
        if found is None:
            messages.info(request, _("Please sign in again."))
            return redirect("accounts:login")
        user, state = found
        next_url = state["next"]
    form = OTPTokenForm(request.POST or None, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        device = services.otp_token_check(user=user, token=form.cleaned_data["token"])
        if device is not None:
            if state is not None:
                pending_login_finish(request, user, state)
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                _recovery_used_message(request, user)
            return redirect(next_url or landing_url(user))
        if state is not None and pending_login_failed(request):
            messages.error(request, _("Too many wrong codes. Please sign in again."))
            return redirect("accounts:login")
        form.add_error(
            "token",
            _(
                "This code is not valid. Check that the time on your phone is right, "
                "wait for the next code, or use a recovery code."
            ),
        )
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": next_url if state is None else ""},
    )


@login_required
@never_cache
@sensitive_post_parameters("token")
def otp_setup(request):
    if selectors.totp_device_for_user(request.user) is not None:
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect("accounts:profile")
    device = services.totp_device_start(actor=request.user)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(
                actor=request.user, device=device, token=form.cleaned_data["token"]
            )
        except ValidationError as error:
            add_service_errors(form, ValidationError({"token": error.messages}))
        else:
            otp_login(request, device)
            return render(
                request, "accounts/otp_recovery_codes_new.html", {"codes": codes, "enrolled": True}
            )
    context = {
        "form": form,
        "qr_svg": qr_code_svg(device.config_url, _("QR code to scan with your authenticator app")),
        "secret": _secret_for_humans(device),
        "mandatory": two_factor_required(request.user),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
@never_cache
@sensitive_post_parameters("token")
def otp_recovery_codes(request):
    if selectors.totp_device_for_user(request.user) is None:
        return redirect("accounts:otp_setup")
    if not request.user.is_verified():
        return redirect(_verify_url(request))
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.recovery_codes_regenerate(
                actor=request.user, token=form.cleaned_data["token"]
            )
        except ValidationError as error:
            add_service_errors(form, ValidationError({"token": error.messages}))
        else:
            return render(
                request, "accounts/otp_recovery_codes_new.html", {"codes": codes, "enrolled": False}
            )
    return render(
        request,
        "accounts/otp_recovery_codes.html",
        {"form": form, "remaining": selectors.recovery_codes_remaining(request.user)},
    )


@login_required
@never_cache
@sensitive_post_parameters("token")
def otp_disable(request):
    if not user_has_device(request.user):
        return redirect("accounts:profile")
    if not request.user.is_verified():
        return redirect(_verify_url(request))
    mandatory = two_factor_required(request.user)
    if mandatory and request.method == "POST":
        raise PermissionDenied
    form = OTPTokenForm(request.POST or None, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_disable(actor=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            add_service_errors(form, ValidationError({"token": error.messages}))
        else:
            messages.success(request, _("Two-factor authentication is now off."))
            return redirect("accounts:profile")
    return render(request, "accounts/otp_disable.html", {"form": form, "mandatory": mandatory})
