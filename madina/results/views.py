"""Pages of projects, editions, results frameworks, indicator values and report sections:
selector → form → service → response. Dashboards and donor reports are in ``report_views``.

Evidence of manual values is never served from /media/: the download view asks the selector
first, serves with the type of the registry (``content_type_for``), ``nosniff``, and as an
attachment unless the file is an image.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from madina.core.forms import add_service_errors
from madina.core.uploads import content_type_for
from madina.results import compute, selectors, services, tasks
from madina.results.forms import (
    DecisionForm,
    EditionForm,
    IndicatorForm,
    ManualValueForm,
    ProjectForm,
    ResultForm,
    SectionForm,
)
from madina.results.models import IndicatorValue

PAGE_SIZE = 20
CHANGE = selectors.CHANGE
APPROVE = selectors.APPROVE


# --- Projects and editions -----------------------------------------------------------------------


@login_required
def edition_list(request):
    projects = selectors.project_list(user=request.user)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    for project in page.object_list:
        project.can_edit = request.user.has_perm(CHANGE, project.organisation)
    return render(
        request,
        "results/edition_list.html",
        {
            "page": page,
            "can_add": selectors.organisations_editable_by(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    organisations = selectors.organisations_editable_by(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = ProjectForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                data=form.service_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project has been added. Add its first edition."))
            return redirect("results:edition_create", pk=project.pk)
    return render(request, "results/project_form.html", {"form": form, "project": None})


@login_required
@require_http_methods(["GET", "POST"])
def project_update(request, pk: int):
    project = selectors.project_get_for_user(request.user, pk, perm=CHANGE)
    form = ProjectForm(request.POST or None, instance=project, organisations=None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("results:edition_list")
    return render(request, "results/project_form.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def edition_create(request, pk: int):
    project = selectors.project_get_for_user(request.user, pk, perm=CHANGE)
    form = EditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.edition_create(
                actor=request.user, project=project, data=form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The edition has been added."))
            return redirect(edition)
    return render(
        request, "results/edition_form.html", {"form": form, "project": project, "edition": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def edition_update(request, pk: int):
    edition = selectors.edition_get_for_user(request.user, pk, perm=CHANGE)
    form = EditionForm(request.POST or None, instance=edition)
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.edition_update(
                actor=request.user, edition=edition, data=form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The changes have been saved. Recompute the values if the dates changed."),
            )
            return redirect(edition)
    return render(
        request,
        "results/edition_form.html",
        {"form": form, "project": edition.project, "edition": edition},
    )


@login_required
def edition_detail(request, pk: int):
    edition = selectors.edition_get_for_user(request.user, pk)
    return render(
        request,
        "results/edition_detail.html",
        {
            "edition": edition,
            "framework": selectors.framework(edition),
            "areas": edition.areas.all(),
            "can_edit": request.user.has_perm(CHANGE, edition.project.organisation),
        },
    )


@login_required
@require_POST
def edition_recompute(request, pk: int):
    edition = selectors.edition_get_for_user(request.user, pk, perm=CHANGE)
    tasks.compute_edition_job(edition.pk)
    messages.success(
        request,
        _("The values are being recomputed from the records; reload the page in a moment."),
    )
    return redirect(edition)


# --- Results and indicators ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def result_create(request, pk: int):
    edition = selectors.edition_get_for_user(request.user, pk, perm=CHANGE)
    initial = {}
    parent = request.GET.get("parent", "")
    if parent.isdigit() and edition.results.filter(pk=parent, level="outcome").exists():
        initial = {"parent": parent, "level": "output"}
    form = ResultForm(request.POST or None, edition=edition, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.result_create(actor=request.user, edition=edition, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The result has been added."))
            return redirect(edition)
    return render(
        request, "results/result_form.html", {"form": form, "edition": edition, "result": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def result_update(request, pk: int):
    result = selectors.result_get_for_user(request.user, pk, perm=CHANGE)
    edition = result.edition
    form = ResultForm(request.POST or None, instance=result, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.result_update(actor=request.user, result=result, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(edition)
    return render(
        request, "results/result_form.html", {"form": form, "edition": edition, "result": result}
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request, pk: int):
    result = selectors.result_get_for_user(request.user, pk, perm=CHANGE)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(
                actor=request.user, result=result, data=form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The indicator has been added."))
            return redirect(indicator)
    return render(
        request,
        "results/indicator_form.html",
        {"form": form, "result": result, "edition": result.edition, "indicator": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_update(request, pk: int):
    indicator = selectors.indicator_get_for_user(request.user, pk, perm=CHANGE)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_update(
                actor=request.user, indicator=indicator, data=form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(indicator)
    return render(
        request,
        "results/indicator_form.html",
        {
            "form": form,
            "result": indicator.result,
            "edition": indicator.result.edition,
            "indicator": indicator,
        },
    )


@login_required
def indicator_detail(request, pk: int):
    indicator = selectors.indicator_get_for_user(request.user, pk)
    organisation = indicator.result.edition.project.organisation
    manual_values = list(selectors.manual_values(indicator))
    may_approve = request.user.has_perm(APPROVE, organisation)
    for value in manual_values:
        value.can_decide = (
            may_approve
            and value.state == IndicatorValue.State.SUBMITTED
            and value.entered_by_id != request.user.pk
        )
    return render(
        request,
        "results/indicator_detail.html",
        {
            "indicator": indicator,
            "edition": indicator.result.edition,
            "source_label": selectors.source_label(indicator),
            "confidential": selectors.is_confidential(indicator),
            "rows": selectors.indicator_periods(indicator),
            "manual_values": manual_values,
            "can_edit": request.user.has_perm(CHANGE, organisation),
        },
    )


# --- Manual values -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def manual_value(request, pk: int):
    indicator = selectors.indicator_get_for_user(request.user, pk, perm=CHANGE)
    if not indicator.is_manual:
        raise Http404
    edition = indicator.result.edition
    initial = {}
    start, end = request.GET.get("start", ""), request.GET.get("end", "")
    periods = {(s.isoformat(), e.isoformat()) for s, e in compute.periods(edition)}
    periods.add((edition.starts_on.isoformat(), edition.ends_on.isoformat()))
    if (start, end) in periods:
        initial = {"period_start": start, "period_end": end}
    form = ManualValueForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        # Checked by the form's EvidenceFileField, with the name it came with.
        evidence = form.cleaned_data["evidence"]
        try:
            compute.manual_value_submit(
                actor=request.user,
                indicator=indicator,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                value=form.cleaned_data["value"],
                evidence=evidence,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The value has been entered; someone else must now approve it.")
            )
            return redirect(indicator)
    return render(
        request,
        "results/manual_value_form.html",
        {
            "form": form,
            "indicator": indicator,
            "edition": edition,
            "periods": compute.periods(edition),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def value_decide(request, pk: int):
    value = selectors.value_get_for_user(request.user, pk, perm=APPROVE)
    indicator = value.indicator
    if not indicator.is_manual:
        raise Http404
    if value.entered_by_id == request.user.pk:
        raise PermissionDenied(_("Someone else must approve a value you entered."))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            compute.manual_value_decide(
                actor=request.user, value=value, approve=approve, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The value has been approved.")
                if approve
                else _("The value has been sent back."),
            )
            return redirect(indicator)
    return render(
        request,
        "results/value_decide.html",
        {
            "form": form,
            "value": value,
            "indicator": indicator,
            "edition": indicator.result.edition,
        },
    )


@login_required
def value_evidence(request, pk: int):
    value = selectors.value_get_for_user(request.user, pk)
    if not value.evidence:
        raise Http404
    content_type = content_type_for(value.evidence.name)
    response = FileResponse(
        value.evidence.open("rb"),
        as_attachment=not content_type.startswith("image/"),
        filename=value.evidence_name or value.evidence.name.rsplit("/", 1)[-1],
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def value_records(request, pk: int):
    value = selectors.value_get_for_user(request.user, pk)
    indicator = value.indicator
    return render(
        request,
        "results/value_records.html",
        {
            "value": value,
            "indicator": indicator,
            "edition": indicator.result.edition,
            "confidential": selectors.is_confidential(indicator),
            "records": selectors.value_records(request.user, value),
            "source_label": selectors.source_label(indicator),
        },
    )


# --- Report sections -----------------------------------------------------------------------------


@login_required
def section_list(request, pk: int):
    edition = selectors.edition_get_for_user(request.user, pk)
    return render(
        request,
        "results/section_list.html",
        {
            "edition": edition,
            "sections": selectors.section_list(edition),
            "can_edit": request.user.has_perm(CHANGE, edition.project.organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_create(request, pk: int):
    edition = selectors.edition_get_for_user(request.user, pk, perm=CHANGE)
    following = edition.sections.order_by("-order").values_list("order", flat=True).first() or 0
    form = SectionForm(request.POST or None, initial={"order": following + 10})
    if request.method == "POST" and form.is_valid():
        try:
            services.section_create(actor=request.user, edition=edition, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The section has been added."))
            return redirect("results:section_list", pk=edition.pk)
    return render(
        request, "results/section_form.html", {"form": form, "edition": edition, "section": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_update(request, pk: int):
    section = selectors.section_get_for_user(request.user, pk, perm=CHANGE)
    edition = section.edition
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(actor=request.user, section=section, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("results:section_list", pk=edition.pk)
    return render(
        request,
        "results/section_form.html",
        {"form": form, "edition": edition, "section": section},
    )
