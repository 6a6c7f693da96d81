"""Production settings for app servers that tests reach over plain HTTP on 127.0.0.1.

Everything is ``madina.settings.prod`` except what only makes sense behind TLS (the cookies that
browsers send over HTTPS only, the redirect to HTTPS, HSTS) and one thing that only costs time:
static files keep their hashed names and manifest but are not also gzip- and brotli-compressed
(15 to 50 seconds of collectstatic on each run). Nothing here changes how sessions, the cache,
the queue, the database or the uploaded files work.
"""

from madina.settings.prod import *  # noqa: F403
from madina.settings.prod import STORAGES

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
