"""What the portal's home page shows: public counts only, never a person."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from madina.actors.selectors import organisation_counts
from madina.territory.models import Area


@dataclass
class MapPoint:
    pk: int
    name: str
    x: float
    y: float
    radius: float
    services: int
    labelled: bool = False  # its name is written on the map (when it does not cover another's)


def key_figures() -> dict[str, int]:
    from madina.directory.models import Service
    from madina.initiatives.models import Initiative
    from madina.meetings.selectors import public_recommendations

    figures = organisation_counts()
    figures["services"] = Service.objects.filter(is_active=True).count()
    figures["initiatives"] = Initiative.objects.filter(
        status=Initiative.Status.ONGOING, visibility=Initiative.Visibility.SHARED
    ).count()
    figures["recommendations"] = public_recommendations().count()
    return figures


def service_map(width: int = 320, height: int = 240) -> list[MapPoint]:
    """The communes that have active services, placed by their centroid on a plain drawing.

    An equirectangular projection of the communes' bounding box is enough at this scale, and it
    is drawn on the server as SVG: no map library, no tiles, nothing from another origin.
    """
    communes = list(
        Area.objects.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(
            services=Count(
                "directory_services_based",
                filter=Q(directory_services_based__is_active=True),
                distinct=True,
            )
        )
        .filter(services__gt=0)
        .order_by("-services")
    )
    if not communes:
        return []
    lats = [float(area.latitude) for area in communes]
    lngs = [float(area.longitude) for area in communes]
    span_lat = max(max(lats) - min(lats), 0.05)
    span_lng = max(max(lngs) - min(lngs), 0.05)
    margin = 28
    largest = max(area.services for area in communes)
    points = []
    for area in communes:
        x = margin + (float(area.longitude) - min(lngs)) / span_lng * (width - 2 * margin)
        y = margin + (max(lats) - float(area.latitude)) / span_lat * (height - 2 * margin)
        radius = 5 + 13 * (area.services / largest) ** 0.5
        points.append(
            MapPoint(area.pk, area.name, round(x, 1), round(y, 1), round(radius, 1), area.services)
        )
    # Names, largest first, only where they cover no name already written.
    written: list[tuple[float, float]] = []
    for point in points:
        if all(abs(point.x - x) > 60 or abs(point.y - y) > 16 for x, y in written):
            point.labelled = True
            written.append((point.x, point.y))
    return points
