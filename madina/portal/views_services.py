"""The public service finder and the public recommendation tracker.

Only active services and public recommendations; nothing here reads or keeps who is looking. The
"near me" sorting happens in the reader's browser (``portal.js``): the page only carries each
service's own coordinates, or its commune's centroid.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from madina.coordination.models import Space
from madina.directory.models import Service
from madina.meetings import selectors as meetings
from madina.portal.forms import Need, RecommendationFilterForm, ServiceFinderForm

SERVICES_PER_PAGE = 40
RECOMMENDATIONS_PER_PAGE = 20


def public_services(
    *,
    need: str = "",
    commune=None,
    language: str = "",
    free: bool = False,
    without_papers: bool = False,
) -> QuerySet[Service]:
    """Active services, filtered as the finder asks; the same number of queries for any count."""
    queryset = Service.objects.filter(is_active=True)
    if need:
        queryset = queryset.filter(Need.q(need))
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
    if without_papers:
        queryset = queryset.filter(without_papers=Service.WithoutPapers.YES)
    return queryset.select_related("organisation", "commune").order_by(*Service._meta.ordering)


def _position(service: Service) -> tuple[str, str] | None:
    """Where to measure from: the service's own point, else its commune's centroid."""
    lat, lng = service.latitude, service.longitude
    if (lat is None or lng is None) and service.commune is not None:
        lat, lng = service.commune.latitude, service.commune.longitude
    if lat is None or lng is None:
        return None
    # Written with a dot whatever the page's language: the script reads them as numbers.
    return str(lat), str(lng)


@require_GET
def services(request):
    form = ServiceFinderForm(request.GET or None)
    filters = form.filters() if form.is_bound else ServiceFinderForm().filters()
    page = Paginator(public_services(**filters), SERVICES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for service in page.object_list:
        service.position = _position(service)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/services.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
def service_detail(request, uuid):
    service = get_object_or_404(
        Service.objects.filter(is_active=True)
        .select_related("organisation", "commune")
        .prefetch_related("communes_served"),
        uuid=uuid,
    )
    return render(
        request,
        "portal/service_detail.html",
        {
            "service": service,
            "position": _position(service),
            "communes": sorted(service.communes_served.all(), key=lambda area: area.name),
        },
    )


def _public_spaces() -> QuerySet[Space]:
    """The spaces that have at least one public recommendation: what the space filter offers."""
    return Space.objects.filter(
        pk__in=meetings.public_recommendations().values("meeting__space")
    ).order_by("name_fr", "name_ar", "pk")


@require_GET
def recommendations(request):
    form = RecommendationFilterForm(request.GET or None, spaces=_public_spaces())
    filters = form.filters() if form.is_bound else {}
    queryset = meetings.recommendation_list(
        user=AnonymousUser(), public_only=True, **filters
    ).select_related("meeting__space")
    page = Paginator(queryset, RECOMMENDATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/recommendations.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
def recommendation_detail(request, pk: int):
    recommendation = meetings.public_recommendation_get(pk)
    # The portal shows what anyone may see, whoever is signed in: the public actions only, and
    # the progress over all of them (a fact about the recommendation, as on the staff page).
    implementation = meetings.implementation(AnonymousUser(), recommendation)
    return render(
        request,
        "portal/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "meeting": recommendation.meeting,
            "implementation": implementation,
            "updates": meetings.recommendation_updates(recommendation),
        },
    )
