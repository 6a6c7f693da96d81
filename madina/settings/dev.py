"""Local development: the embedded SQLite database, DEBUG on, console e-mail."""

from madina.settings.base import *  # noqa: F403
from madina.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)

# Serve static files straight from the apps and build/vendor, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
