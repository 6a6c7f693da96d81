"""Keys for the REST API, each acting for its owner within one organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from madina.accounts import services
from madina.accounts.forms import ApiTokenForm
from madina.accounts.models import ApiToken
from madina.core.forms import add_service_errors


@login_required
@require_http_methods(["GET", "POST"])
def api_token_list(request):
    form = ApiTokenForm(request.POST or None, user=request.user)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The key is shown once, in this response only: never in a message or a redirect.
            form = ApiTokenForm(user=request.user)
    tokens = ApiToken.objects.filter(user=request.user).select_related("organisation")
    response = render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
    )
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The key has been revoked: it no longer opens the API."))
    return redirect("accounts:api_tokens")
