"""The signed-in user's own page: name, language, organisations and roles, security."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils.translation import gettext as _
from django.utils.translation import override

from madina.accounts import selectors, services
from madina.accounts.forms import ProfileForm
from madina.accounts.middleware import two_factor_required
from madina.core.forms import add_service_errors


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"full_name": user.full_name, "preferred_language": user.preferred_language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_profile_update(actor=user, user=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            language = form.cleaned_data["preferred_language"]
            url = reverse("accounts:profile")
            if language:
                url = translate_url(url, language)
                with override(language):
                    messages.success(request, _("Your profile has been saved."))
            else:
                messages.success(request, _("Your profile has been saved."))
            return redirect(url)
    context = {
        "form": form,
        "memberships": selectors.user_memberships(user),
        "totp_device": selectors.totp_device_for_user(user),
        "recovery_remaining": selectors.recovery_codes_remaining(user),
        "two_factor_mandatory": two_factor_required(user),
    }
    return render(request, "accounts/profile.html", context)
