from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_bidi, get_language_info


def layout(request):
    """What base.html needs on every page: direction, language switcher, map settings."""
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    switcher = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"].capitalize(),
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code in settings.MADINA_STAFF_LANGUAGES
    ]
    return {
        "LANGUAGE_DIR": "rtl" if get_language_bidi() else "ltr",
        "language_switcher": switcher,
        "MAP_TILE_URL": settings.MADINA_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MADINA_TILE_ATTRIBUTION,
    }
