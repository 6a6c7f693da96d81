from django.conf import settings


def staff_languages() -> list[tuple[str, str]]:
    """(code, name) of the languages the staff pages speak; the portal speaks all of LANGUAGES."""
    return [
        (code, name) for code, name in settings.LANGUAGES if code in settings.MADINA_STAFF_LANGUAGES
    ]


# For the API schema's enum names (SPECTACULAR_SETTINGS): the staff languages keep the name the
# language fields had before Spanish came; all the platform's languages get their own.
STAFF_LANGUAGE_CHOICES = [(code, str(name)) for code, name in staff_languages()]
ALL_LANGUAGE_CHOICES = [(code, str(name)) for code, name in settings.LANGUAGES]
