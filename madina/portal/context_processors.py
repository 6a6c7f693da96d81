from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from madina.portal.middleware import is_portal_path


def portal(request):
    """The portal's language links (each language named in itself) and its exit address."""
    if not is_portal_path(request.path_info):
        return {}
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    return {
        "portal_languages": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(path, code),
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ],
        "LEAVE_URL": settings.MADINA_LEAVE_URL,
    }
