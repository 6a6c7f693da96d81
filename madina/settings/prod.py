"""Production: every secret and host from the environment; HTTPS only."""

from madina.settings.base import *  # noqa: F403
from madina.settings.env import env_bool, env_int, env_list, env_secret

DEBUG = False
SECRET_KEY = env_secret("SECRET_KEY")
# Case data is never encrypted with a key derived from SECRET_KEY in production.
MADINA_CASE_KEYS = [k.strip() for k in env_secret("MADINA_CASE_KEYS").split(",") if k.strip()]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
