"""Pages of the initiatives registry: selector → form → service → response.

Members edit their organisation's initiatives, coordinators all; a read-only member gets 403 on
every write; someone who may not see an initiative gets 404.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from madina.actors.selectors import communes_map_data
from madina.core.forms import add_service_errors
from madina.core.permissions import require
from madina.initiatives import selectors, services
from madina.initiatives.duplicates_services import draft_decisions_attach
from madina.initiatives.forms import (
    InitiativeFilterForm,
    InitiativeForm,
    PeriodForm,
    ReachChoiceForm,
    ReachReportForm,
    StatusForm,
    taxonomy_form_class,
)
from madina.initiatives.models import ActivityType, Initiative, TargetGroup

PAGE_SIZE = 20

TAXONOMIES = {
    "target-groups": (
        TargetGroup,
        gettext_lazy("Target groups"),
        services.target_group_create,
        services.target_group_update,
        "target_group",
    ),
    "activity-types": (
        ActivityType,
        gettext_lazy("Activity types"),
        services.activity_type_create,
        services.activity_type_update,
        "activity_type",
    ),
}


# --- Registry -----------------------------------------------------------------------------------


@login_required
def initiative_list(request):
    form = InitiativeFilterForm(request.GET)
    initiatives = selectors.initiative_list(user=request.user, filters=form.filters())
    page = Paginator(initiatives, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.initiative_counts(initiatives)
    return render(
        request,
        "initiatives/initiative_list.html",
        {
            "form": form,
            "page": page,
            "status_counts": [(label, counts[value]) for value, label in Initiative.Status.choices],
            "can_add": request.user.has_perm("initiatives.add_initiative"),
            "can_import": request.user.has_perm("initiatives.import_initiatives"),
            "is_coordinator": request.user.has_perm("initiatives.lock_period"),
            "can_review": request.user.has_perm("initiatives.review_duplicates"),
        },
    )


@login_required
def initiative_detail(request, pk: int):
    initiative = selectors.initiative_get_for_user(request.user, pk, for_display=True)
    user = request.user
    communes = sorted(initiative.communes.all(), key=lambda area: area.name)
    can_edit = user.has_perm("initiatives.change_initiative", initiative)
    return render(
        request,
        "initiatives/initiative_detail.html",
        {
            "initiative": initiative,
            "communes": communes,
            "map_data": communes_map_data(communes),
            "partnerships": list(initiative.partnerships.all()),
            "translations": selectors.initiative_translations(initiative),
            "reach": selectors.reach_totals(initiative),
            "can_edit": can_edit,
            "can_report": user.has_perm("initiatives.report_reach", initiative),
            "can_see_audit": can_edit,
            "status_form": StatusForm(initial={"status": initiative.status}) if can_edit else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request):
    require(request.user, "initiatives.add_initiative")
    form = InitiativeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.initiative_create(actor=request.user, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Decisions taken on similar initiatives while drafting are kept with the new record.
            draft_decisions_attach(
                actor=request.user,
                initiative=initiative,
                decision_ids=request.POST.getlist("draft_decisions"),
            )
            messages.success(request, _("The initiative has been registered."))
            return redirect(initiative)
    return render(request, "initiatives/initiative_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def initiative_update(request, pk: int):
    initiative = selectors.initiative_get_for_user(
        request.user, pk, perm="initiatives.change_initiative"
    )
    form = InitiativeForm(request.POST or None, instance=initiative, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.initiative_update(
                actor=request.user,
                initiative=Initiative.objects.get(pk=pk),
                data=form.service_data(),
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(initiative)
    return render(
        request,
        "initiatives/initiative_form.html",
        {"form": form, "initiative": initiative, "creating": False},
    )


@login_required
@require_POST
def initiative_status(request, pk: int):
    initiative = selectors.initiative_get_for_user(
        request.user, pk, perm="initiatives.change_initiative"
    )
    form = StatusForm(request.POST)
    if form.is_valid():
        services.initiative_set_status(
            actor=request.user, initiative=initiative, status=form.cleaned_data["status"]
        )
        messages.success(request, _("The status has been changed."))
    else:
        messages.error(request, _("Choose a status from the list."))
    return redirect(initiative)


@login_required
def initiative_audit(request, pk: int):
    initiative = selectors.initiative_get_for_user(
        request.user, pk, perm="initiatives.change_initiative"
    )
    events = selectors.initiative_audit_trail(user=request.user, initiative=initiative)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "initiatives/initiative_audit.html",
        {
            "initiative": initiative,
            "page": page,
            "rows": selectors.initiative_audit_rows(page.object_list),
        },
    )


# --- Reach reports ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reach_report(request, pk: int):
    initiative = selectors.initiative_get_for_user(
        request.user, pk, perm="initiatives.report_reach"
    )
    communes = list(initiative.communes.all())
    report = None
    if request.method == "GET":
        choice = ReachChoiceForm(request.GET)
        choice.is_valid()
        commune_pk = choice.cleaned_data.get("commune")
        month = choice.cleaned_data.get("month")
        commune = next((c for c in communes if c.pk == commune_pk), None)
        if commune is None and len(communes) == 1:
            commune = communes[0]
        if commune is not None and month is not None:
            report = selectors.reach_report_for(initiative, commune, month)
        # A report is usually written after the month it covers: offer the last one.
        default_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(
            day=1
        )
        initial = {"commune": commune, "month": month or default_month}
        form = ReachReportForm(initial=initial, initiative=initiative, report=report)
    else:
        form = ReachReportForm(request.POST, initiative=initiative)
        if form.is_valid():
            report = selectors.reach_report_for(
                initiative, form.cleaned_data["commune"], form.cleaned_data["month"]
            )
        if form.is_valid() and report and request.POST.get("replace") != str(report.pk):
            # Never overwrite a report the user has not seen: show it and ask to confirm.
            form.add_error(
                None,
                _(
                    "A report already exists for %(commune)s in %(month)s (%(total)s people "
                    "this month). Check the figures below and save again to replace it."
                )
                % {
                    "commune": report.commune.name,
                    "month": services.month_label(report.period.month),
                    "total": report.total,
                },
            )
        elif form.is_valid():
            try:
                services.reach_report_save(
                    actor=request.user,
                    initiative=initiative,
                    commune=form.cleaned_data["commune"],
                    month=form.cleaned_data["month"],
                    values=form.service_values(),
                    by_group=form.service_by_group(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The report has been saved."))
                return redirect(reverse("initiatives:initiative_detail", args=[pk]) + "#reach")
    return render(
        request,
        "initiatives/reach_report_form.html",
        {
            "initiative": initiative,
            "form": form,
            "report": report,
            "locked_months": sorted(selectors.locked_months(), reverse=True)[:6],
        },
    )


# --- Reporting periods (coordinators) -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def period_list(request):
    require(request.user, "initiatives.lock_period", visible=False)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        if form.cleaned_data["action"] == "lock":
            services.period_lock(actor=request.user, month=month)
            messages.success(
                request, _("%(month)s is locked.") % {"month": services.month_label(month)}
            )
        else:
            services.period_unlock(actor=request.user, month=month)
            messages.success(
                request, _("%(month)s is open again.") % {"month": services.month_label(month)}
            )
        return redirect("initiatives:period_list")
    periods = selectors.period_list()
    page = Paginator(periods, 24).get_page(request.GET.get("page"))
    return render(request, "initiatives/period_list.html", {"form": form, "page": page})


# --- Taxonomies (coordinators) ------------------------------------------------------------------


def _taxonomy(kind: str):
    if kind not in TAXONOMIES:
        raise Http404
    return TAXONOMIES[kind]


@login_required
def taxonomy_list(request, kind: str):
    require(request.user, "initiatives.change_taxonomy", visible=False)
    model, title, _create, _update, _name = _taxonomy(kind)
    return render(
        request,
        "initiatives/taxonomy_list.html",
        {
            "kind": kind,
            "title": title,
            "terms": model.objects.all(),
            "kinds": [(key, value[1]) for key, value in TAXONOMIES.items()],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def taxonomy_edit(request, kind: str, pk: int | None = None):
    require(request.user, "initiatives.change_taxonomy", visible=False)
    model, title, create, update, name = _taxonomy(kind)
    term = get_object_or_404(model, pk=pk) if pk is not None else None
    form = taxonomy_form_class(model)(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in services.TAXONOMY_FIELDS}
        try:
            if term is None:
                create(actor=request.user, data=data)
            else:
                update(actor=request.user, data=data, **{name: model.objects.get(pk=pk)})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The list has been saved."))
            return redirect("initiatives:taxonomy_list", kind=kind)
    return render(
        request,
        "initiatives/taxonomy_form.html",
        {"kind": kind, "title": title, "form": form, "term": term},
    )


urlpatterns = [
    path("", initiative_list, name="initiative_list"),
    path("new/", initiative_create, name="initiative_create"),
    path("<int:pk>/", initiative_detail, name="initiative_detail"),
    path("<int:pk>/edit/", initiative_update, name="initiative_update"),
    path("<int:pk>/status/", initiative_status, name="initiative_status"),
    path("<int:pk>/history/", initiative_audit, name="initiative_audit"),
    path("<int:pk>/reach/", reach_report, name="reach_report"),
    path("periods/", period_list, name="period_list"),
    path("lists/<slug:kind>/", taxonomy_list, name="taxonomy_list"),
    path("lists/<slug:kind>/new/", taxonomy_edit, name="taxonomy_create"),
    path("lists/<slug:kind>/<int:pk>/edit/", taxonomy_edit, name="taxonomy_update"),
]
