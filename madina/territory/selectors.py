"""Reads of the territory. Areas are public reference data: anyone may read them."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from madina.actors.selectors import organisation_list
from madina.core.text import normalise, query_alternatives, search_q, skeleton
from madina.territory.models import Area

_LEVEL_RANK = Case(
    When(level=Area.Level.REGION, then=Value(0)),
    When(level=Area.Level.PROVINCE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _whole_part(form: str) -> Q:
    """``search_text`` holds ``form`` as one whole part ("a | b | c" separates the parts)."""
    return (
        Q(search_text=form)
        | Q(search_text__startswith=f"{form} | ")
        | Q(search_text__endswith=f" | {form}")
        | Q(search_text__contains=f" | {form} | ")
    )


def _part_start(form: str) -> Q:
    return Q(search_text__startswith=form) | Q(search_text__contains=f" | {form}")


def area_search(query: str, *, level: str | None = None) -> QuerySet[Area]:
    """Current areas whose names match ``query`` in any script or spelling.

    Exact matches (the whole name, in any of its folded forms) come first, then names that start
    with the query, then the rest; within each, regions before provinces before communes.
    An empty query matches every area.
    """
    areas = Area.objects.current().select_related("parent")
    if level:
        areas = areas.filter(level=level)
    folded = normalise(query)
    if not folded:
        return areas.annotate(match_rank=Value(2), level_rank=_LEVEL_RANK).order_by(
            "level_rank", "name_fr"
        )
    exact = Q()
    start = Q()
    forms = {folded, skeleton(folded)} - {""}
    for form in forms:
        exact |= _whole_part(form)
    first_word = query_alternatives(query)[0]
    for form in first_word:
        start |= _part_start(form)
    return (
        areas.filter(search_q(query))
        .annotate(
            match_rank=Case(
                When(exact, then=Value(0)),
                When(start, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            level_rank=_LEVEL_RANK,
        )
        .order_by("match_rank", "level_rank", "name_fr")
    )


def area_get(code: str) -> Area:
    """The area with this official code, or 404."""
    return get_object_or_404(Area.objects.select_related("parent__parent"), code=code)


def area_tree() -> QuerySet[Area]:
    """Current provinces in name order, each with its current communes prefetched."""
    communes = Area.objects.current().communes().order_by("name_fr")
    return (
        Area.objects.current()
        .provinces()
        .select_related("parent")
        .prefetch_related(Prefetch("children", queryset=communes, to_attr="communes"))
        .order_by("name_fr")
    )


def area_children(area: Area) -> QuerySet[Area]:
    return area.children.current().order_by("name_fr")


def area_commune_ids(area: Area) -> list[int]:
    """The ids of the communes inside ``area`` (itself for a commune), at any depth."""
    ids, frontier = [], [area.pk]
    while frontier:
        rows = list(Area.objects.filter(parent_id__in=frontier).values_list("pk", "level"))
        ids.extend(pk for pk, level in rows if level == Area.Level.COMMUNE)
        frontier = [pk for pk, level in rows if level != Area.Level.COMMUNE]
    if area.level == Area.Level.COMMUNE:
        ids.append(area.pk)
    return ids


def area_organisations(area: Area, *, user) -> dict[str, QuerySet] | None:
    """Active organisations based in ``area`` and those covering it (or its communes).

    None when ``user`` may not see the registry: the area page is public, the registry is not.
    """
    if not user.has_perm("actors.view_organisation"):
        return None
    communes = area_commune_ids(area)
    organisations = organisation_list(user=user).filter(is_active=True).order_by("name_fr")
    return {
        "based": organisations.filter(commune_id__in=communes),
        "covering": organisations.filter(communes_covered__in=communes).distinct(),
    }
