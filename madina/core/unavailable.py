"""A clean answer while the database is unavailable: 503, Retry-After, no stack trace.

When PostgreSQL restarts, is unreachable or refuses connections, Django raises
``OperationalError`` or ``InterfaceError``. ``DatabaseUnavailableMiddleware`` turns them into a
translated 503 page (JSON under ``/api/``) with ``Retry-After``, rendered without the database
(``503.html`` does not extend ``base.html`` and is rendered without context processors). Nothing
is kept between requests: once the database answers again, so does the platform.

Where the exception is raised decides how it reaches us:

- in a view, Django hands it to ``process_exception``;
- in a middleware inside this one (the session, ``request.user`` read by the two-factor
  middleware, axes), Django's own wrapper around that middleware turns it into a 500 response
  before it could reach a ``try`` around ``get_response``. The wrapper first sends
  ``got_request_exception``: our receiver re-raises a database-unavailable error there, while
  the request is inside this middleware, so that it travels up to ``__call__`` instead of being
  logged with its traceback and rendered as a 500 page.

One line is logged per refused request: the exception's class and the path without its query
string, never the user or the request's data.
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait: a PostgreSQL restart takes a few seconds.
RETRY_AFTER = 30
_INSIDE = "_madina_database_guard"


def is_database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, (OperationalError, InterfaceError))


def _reraise_when_unavailable(sender, request=None, **kwargs) -> None:
    """Let a database-unavailable error raised inside the middleware reach it (see above)."""
    error = sys.exc_info()[1]
    if request is not None and getattr(request, _INSIDE, False) and is_database_unavailable(error):
        raise error


got_request_exception.connect(_reraise_when_unavailable, dispatch_uid="madina-db-unavailable")


def unavailable_response(request, error: BaseException) -> HttpResponse:
    """The 503 answer, in the language of the address (or the one already chosen)."""
    path = request.path_info
    logger.warning("Database unavailable (%s) on %s", type(error).__name__, path)
    language = get_language_from_path(path) or translation.get_language()
    with translation.override(language):
        if path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {
                    "detail": _(
                        "The service is temporarily unavailable. Please try again in a moment."
                    ),
                    "code": "service_unavailable",
                },
                status=503,
            )
        else:
            response = HttpResponse(
                render_to_string("503.html", {"retry_after": RETRY_AFTER}), status=503
            )
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    # Our line above is the record: django.request would add a second one at ERROR.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 instead of an error page when the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        setattr(request, _INSIDE, True)
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as error:
            return unavailable_response(request, error)
        finally:
            setattr(request, _INSIDE, False)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return unavailable_response(request, exception)
        return None
