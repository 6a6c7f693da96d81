from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils.translation import get_language_from_path


def is_portal_path(path: str) -> bool:
    """``/<lang>/portal/…``: the public pages, the only ones offered in every portal language."""
    parts = path.lstrip("/").split("/", 2)
    return len(parts) >= 2 and parts[1] == "portal"


class PortalLanguageMiddleware:
    """Languages only the portal speaks (Spanish) lead to the staff pages in French.

    The staff pages are translated into Arabic, French and English; a staff page asked for in
    Spanish (a link shared from the portal, a typed address) opens in ``MADINA_PORTAL_FALLBACK``
    instead of showing untranslated text.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = get_language_from_path(request.path_info)
        staff_languages = settings.MADINA_STAFF_LANGUAGES
        if language and language not in staff_languages and not is_portal_path(request.path_info):
            target = translate_url(request.get_full_path(), settings.MADINA_PORTAL_FALLBACK)
            if target != request.get_full_path():
                return HttpResponseRedirect(target)
        return self.get_response(request)
