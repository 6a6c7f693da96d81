"""Pages of imports and exports: selector → form → service → response."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from madina.accounts.rules import is_coordinator
from madina.core.forms import add_service_errors
from madina.core.permissions import require
from madina.initiatives.forms import InitiativeFilterForm
from madina.initiatives.selectors import initiative_list
from madina.interop import exports, services
from madina.interop.forms import ImportMappingForm, ImportUploadForm
from madina.interop.models import ImportJob

EXPORT_FORMATS = ("csv", "xlsx", "hxl", "iati")


def _job_for(user, pk: int) -> ImportJob:
    """An import is seen by the person who started it and by coordinators; 404 for others."""
    job = get_object_or_404(ImportJob, pk=pk)
    if job.created_by_id != user.pk and not is_coordinator(user):
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    require(request.user, "initiatives.import_initiatives")
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=request.user,
                upload=form.cleaned_data["file"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("interop:import_mapping", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user)[:10]
    return render(request, "interop/import_upload.html", {"form": form, "jobs": jobs})


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request, pk: int):
    require(request.user, "initiatives.import_initiatives")
    job = _job_for(request.user, pk)
    if job.status != ImportJob.Status.UPLOADED:
        return redirect(job)
    form = ImportMappingForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_job_start(actor=request.user, job=job, mapping=form.mapping())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(job)
    return render(request, "interop/import_mapping.html", {"job": job, "form": form})


@login_required
def import_job(request, pk: int):
    job = _job_for(request.user, pk)
    template = "interop/_job_status.html" if request.htmx else "interop/import_job.html"
    can_retry = job.created_by_id == request.user.pk and services.import_job_can_retry(job)
    return render(request, template, {"job": job, "can_retry": can_retry})


@login_required
@require_POST
def import_retry(request, pk: int):
    job = _job_for(request.user, pk)
    try:
        services.import_job_retry(actor=request.user, job=job)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(job)


def _filter_form(request) -> InitiativeFilterForm:
    return InitiativeFilterForm(request.GET)


@login_required
def export(request):
    form = _filter_form(request)
    initiatives = initiative_list(user=request.user, filters=form.filters())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "interop/export.html",
        {
            "form": form,
            "count": initiatives.count(),
            "query": query.urlencode(),
            "formats": EXPORT_FORMATS,
        },
    )


@login_required
def export_download(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    initiatives = initiative_list(user=request.user, filters=_filter_form(request).filters())
    stamp = timezone.localdate().isoformat()
    name = f"madina-initiatives-{stamp}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_rows(initiatives), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "hxl":
        response = StreamingHttpResponse(
            exports.hxl_rows(initiatives), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}-hxl.csv"'
        return response
    if fmt == "xlsx":
        return FileResponse(
            exports.xlsx_file(initiatives),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = HttpResponse(exports.iati_xml(initiatives), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{name}-iati.xml"'
    return response
