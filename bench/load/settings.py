"""Settings of the load test: production's, served over plain HTTP on 127.0.0.1.

Everything else is ``madina.settings.prod`` (DEBUG off, WhiteNoise's manifest, persistent
database connections, cache and sessions in Redis when ``REDIS_URL`` is set). ``bench/load/run.py``
sets the environment these need (SECRET_KEY, MADINA_CASE_KEYS, ALLOWED_HOSTS, DATABASE_URL,
REDIS_URL, MADINA_VAR_DIR); the generator uses the same module so that the case keys match.
"""

from madina.settings.prod import *  # noqa: F403

# Plain HTTP on the loopback: no redirect to HTTPS, and cookies the load client sends back.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
