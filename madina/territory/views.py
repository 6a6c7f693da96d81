"""Pages of the territory: public reference data, readable by everyone."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from madina.territory import selectors
from madina.territory.forms import AreaSearchForm

SEARCH_LIMIT = 100
LOOKUP_LIMIT = 20


@require_GET
def area_list(request):
    form = AreaSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "query": query}
    if query:
        results = list(
            selectors.area_search(query, level=form.cleaned_data["level"] or None)[
                : SEARCH_LIMIT + 1
            ]
        )
        context["results"] = results[:SEARCH_LIMIT]
        context["truncated"] = len(results) > SEARCH_LIMIT
    else:
        context["provinces"] = selectors.area_tree()
    template = "territory/area_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@require_GET
def area_detail(request, code: str):
    area = selectors.area_get(code)
    context = {
        "area": area,
        "children": selectors.area_children(area),
        "organisations": selectors.area_organisations(area, user=request.user),
    }
    return render(request, "territory/area_detail.html", context)


@require_GET
def area_lookup(request):
    """Places matching ``q`` as JSON, for the place pickers of forms (20 at most)."""
    form = AreaSearchForm(request.GET)
    if not form.is_valid() or not form.cleaned_data["q"]:
        return JsonResponse({"results": []})
    areas = selectors.area_search(form.cleaned_data["q"], level=form.cleaned_data["level"] or None)
    results = [
        {
            "code": area.code,
            "level": area.level,
            "name": area.name,
            "name_ar": area.name_ar,
            "name_fr": area.name_fr,
            "parent": area.parent.name if area.parent else "",
            "label": f"{area.name} — {area.parent.name}" if area.parent else area.name,
        }
        for area in areas[:LOOKUP_LIMIT]
    ]
    return JsonResponse({"results": results})
