"""Reads of the actors registry: fetch-and-authorise helpers used by views and the API."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from madina.actors.models import Organisation
from madina.core.permissions import require


def organisation_counts() -> dict[str, int]:
    """Public headline figures for the home page."""
    return Organisation.objects.filter(is_active=True).aggregate(
        organisations=Count("id"),
        communes=Count("communes_covered", distinct=True),
        cso=Count("id", filter=Q(type__in=["cso", "migrant_led"]), distinct=True),
    )


def organisation_get_for_user(user, pk: int, *, perm: str = "actors.view_organisation") -> Organisation:
    """The organisation ``pk`` if ``user`` may do ``perm`` on it.

    404 when it does not exist or the user is outside it and the page is private to it;
    403 when the user belongs to it (or is a coordinator) but their role does not allow ``perm``.
    """
    organisation = get_object_or_404(Organisation, pk=pk)
    visible = user.has_perm("actors.view_organisation_private", organisation) or (
        perm in {"actors.view_organisation", "actors.add_organisation"}
    )
    require(user, perm, organisation, visible=visible)
    return organisation


def organisation_list(*, user) -> QuerySet[Organisation]:
    require(user, "actors.view_organisation", visible=False)
    return Organisation.objects.all()
