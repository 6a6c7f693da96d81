"""The public portal's own pages: the first screen (choose a language), home, the service finder,
the recommendation tracker and open data. Nothing here needs an account, and nothing here shows
or keeps a person's data."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info
from django.views.decorators.http import require_GET

from madina.portal import selectors
from madina.portal.views_public_data import open_data
from madina.portal.views_services import (
    recommendation_detail,
    recommendations,
    service_detail,
    services,
)

__all__ = [
    "choose_language",
    "home",
    "open_data",
    "recommendation_detail",
    "recommendations",
    "service_detail",
    "services",
]


@require_GET
def choose_language(request):
    """``/``: each language named in itself, large; then the portal in that language.

    Someone who has already chosen (the language cookie) goes straight on: to the portal when
    the language is one only the portal speaks, to the staff home page otherwise, as before.
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    codes = [code for code, _name in settings.LANGUAGES]
    if chosen in codes:
        with translation.override(chosen):
            if chosen in settings.MADINA_STAFF_LANGUAGES:
                return HttpResponseRedirect(reverse("core:home"))
            return HttpResponseRedirect(reverse("portal:home"))
    languages = []
    for code in codes:
        with translation.override(code):
            languages.append(
                {
                    "code": code,
                    "name": get_language_info(code)["name_local"],
                    "bidi": get_language_info(code)["bidi"],
                    "url": reverse("portal:home"),
                }
            )
    with translation.override(settings.LANGUAGE_CODE):
        return render(request, "portal/choose_language.html", {"languages": languages})


@require_GET
def home(request):
    return render(
        request,
        "portal/home.html",
        {"figures": selectors.key_figures(), "points": selectors.service_map()},
    )
