"""Reads of the services directory: fetch-and-authorise helpers used by views and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from madina.accounts.models import Membership
from madina.accounts.rules import is_coordinator, organisation_ids
from madina.actors.models import FocalPerson, Organisation
from madina.core.permissions import require
from madina.core.text import search_q
from madina.directory.models import Service


def _visible(user) -> Q:
    """Active services, and the inactive ones of the user's organisations (all for coordinators)."""
    if is_coordinator(user):
        return Q()
    return Q(is_active=True) | Q(organisation_id__in=organisation_ids(user))


def service_get_for_user(
    user, pk: int, *, perm: str = "directory.view_service", for_display: bool = False
) -> Service:
    """The service ``pk`` if ``user`` may do ``perm`` on it.

    404 when it does not exist or is inactive and not the user's; 403 when the user sees it but
    may not do ``perm`` (a read-only member, or another organisation's people asking to edit).
    """
    require(user, "directory.view_service", visible=False)
    queryset = Service.objects.filter(_visible(user))
    if for_display:
        queryset = queryset.select_related(
            "organisation", "sector", "commune__parent", "referral_focal_point"
        ).prefetch_related("communes_served__parent")
    service = get_object_or_404(queryset, pk=pk)
    require(user, perm, service.organisation)
    return service


def service_list(
    *,
    user,
    q: str = "",
    type: str = "",
    commune=None,
    language: str = "",
    free: bool = False,
    accepts_referrals: bool = False,
    cells_only: bool = False,
    organisation: Organisation | None = None,
) -> QuerySet[Service]:
    """The directory, filtered; prefetched so that listing it costs the same for 3 or 300 rows.

    ``q`` is forgiving (any script, any transliteration) and matches the service's names and its
    organisation's names and acronym. ``commune`` matches a service that serves the commune or
    has its address there.
    """
    require(user, "directory.view_service", visible=False)
    queryset = Service.objects.filter(_visible(user))
    if q.strip():
        queryset = queryset.filter(search_q(q))
    if type:
        queryset = queryset.filter(type=type)
    if commune is not None:
        queryset = queryset.filter(
            pk__in=Service.objects.filter(Q(communes_served=commune) | Q(commune=commune)).values(
                "pk"
            )
        )
    if language:
        queryset = queryset.filter(languages__regex=rf"(^| ){language}( |$)")
    if free:
        queryset = queryset.filter(cost=Service.Cost.FREE)
    if accepts_referrals:
        queryset = queryset.filter(accepts_referrals=True)
    if cells_only:
        queryset = queryset.filter(is_specialised_cell=True)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset.select_related("organisation", "commune").prefetch_related("communes_served")


def organisations_editable_by(user) -> QuerySet[Organisation]:
    """The organisations whose services ``user`` may add and change."""
    queryset = Organisation.objects.filter(is_active=True)
    if is_coordinator(user):
        return queryset
    editable = Membership.objects.active().filter(
        user=user, role__in=[Membership.Role.ADMIN, Membership.Role.MEMBER]
    )
    return queryset.filter(pk__in=editable.values("organisation_id"))


def focal_point_visible(user, service: Service) -> FocalPerson | None:
    """The referral focal point, if made public or the user is one of its organisation's."""
    person = service.referral_focal_point
    if person is None:
        return None
    if person.is_public or user.has_perm("actors.view_organisation_private", service.organisation):
        return person
    return None


def services_map_data(services) -> list[dict]:
    """Points for the map: the service's own position, else its address commune's centroid."""
    points = []
    for service in services:
        lat, lng = service.latitude, service.longitude
        if (lat is None or lng is None) and service.commune is not None:
            lat, lng = service.commune.latitude, service.commune.longitude
        if lat is None or lng is None:
            continue
        points.append(
            {
                "name": service.name,
                "organisation": service.organisation.name,
                "url": service.get_absolute_url(),
                "lat": float(lat),
                "lng": float(lng),
            }
        )
    return points
