"""Fetch-and-authorise: the one way a view or API endpoint loads a protected object.

The outsider gets 404 (the object's existence is not confirmed); someone who may see the object
but not do what they asked gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404


def require(user, perm: str, obj=None, *, visible: bool = True) -> None:
    """Raise 404 when ``visible`` is false, else 403, unless ``user`` has ``perm`` on ``obj``."""
    if user.has_perm(perm, obj):
        return
    if not visible:
        raise Http404
    raise PermissionDenied
