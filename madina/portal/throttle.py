"""A limit on how often one client may submit a public form (feedback, answers).

The client is known only by a keyed hash of its address, kept in the cache for the length of the
window and never written to the database, a log or a record: the submissions themselves store no
address. Each scope (``feedback``, ``answer``…) has its own count, so a flood of one kind from one
client stops that client only, and only for that kind, until the window ends.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def client_key(request) -> str:
    """A keyed hash of the client's address; the address itself is never kept."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def allow(request, scope: str, *, limit: int | None = None, window: int | None = None) -> bool:
    """Count one submission of ``scope`` from this client; False once over the limit."""
    limits = settings.MADINA_PUBLIC_RATE_LIMITS
    limit = limit if limit is not None else limits.get(scope, limits["default"])[0]
    window = window if window is not None else limits.get(scope, limits["default"])[1]
    key = f"portal-rate:{scope}:{client_key(request)}"
    # add() sets the counter only when absent, so the window starts with the first submission.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
