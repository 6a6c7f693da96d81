"""Local development: the embedded SQLite database, DEBUG on, console e-mail."""

from madina.settings.base import *  # noqa: F403
from madina.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)
