"""What every case page shares: a signed-in session verified with a second factor."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from madina.cases import access, selectors


def case_view(view):
    """Login, then a second factor (set it up first if the user has none); never cached.

    Case pages are ``Cache-Control: no-store`` (via never_cache) so that a shared phone's browser
    keeps no copy of them.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.is_verified(request.user):
            from django_otp import user_has_device

            if not user_has_device(request.user):
                return redirect("accounts:otp_setup")
            url = reverse("accounts:otp_verify")
            if request.method == "GET":
                url = f"{url}?{urlencode({'next': request.get_full_path()})}"
            return redirect(url)
        try:
            response = view(request, *args, **kwargs)
        finally:
            # Refusals raised inside a transaction were kept aside: write them now.
            selectors.flush_refusals()
        response["Cache-Control"] = "no-store"
        return response

    return login_required(never_cache(wrapper))
