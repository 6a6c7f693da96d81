from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from madina.actors.selectors import organisation_counts


def home(request):
    return render(request, "core/home.html", {"counts": organisation_counts()})


@never_cache
@require_GET
def healthz(request):
    """200 when the application answers and its database does; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (a JSON answer, a file)."""
    return HttpResponsePermanentRedirect(static("madina/favicon.svg"))
