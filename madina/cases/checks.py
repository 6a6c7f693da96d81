"""System check: the case keys must be usable before anything is encrypted with them."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security)
def case_keys(app_configs, **kwargs):
    from madina.cases.crypto import fernet

    try:
        fernet.cache_clear()
        fernet()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="madina.cases.E001")]
    if not settings.MADINA_CASE_KEYS and not settings.DEBUG:
        return [
            Warning(
                "MADINA_CASE_KEYS is not set: case data is encrypted with a key derived from "
                "SECRET_KEY. Set MADINA_CASE_KEYS before storing real cases.",
                id="madina.cases.W001",
            )
        ]
    return []
