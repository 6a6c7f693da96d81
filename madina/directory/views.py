"""Pages of the services directory: selector → form → service → response."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from madina.core.forms import add_service_errors
from madina.directory import selectors, services
from madina.directory.forms import ServiceFilterForm, ServiceForm

PAGE_SIZE = 20


@login_required
def service_list(request):
    form = ServiceFilterForm(request.GET)
    found = selectors.service_list(user=request.user, **form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/service_list.html",
        {
            "form": form,
            "page": page,
            "map_data": selectors.services_map_data(page.object_list),
            "can_add": selectors.organisations_editable_by(request.user).exists(),
        },
    )


@login_required
def service_detail(request, pk: int):
    service = selectors.service_get_for_user(request.user, pk, for_display=True)
    communes = sorted(service.communes_served.all(), key=lambda area: area.name)
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "communes": communes,
            "map_data": selectors.services_map_data([service]),
            "focal_point": selectors.focal_point_visible(request.user, service),
            "can_edit": request.user.has_perm("directory.change_service", service.organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request):
    organisations = selectors.organisations_editable_by(request.user)
    if not organisations.exists():
        raise PermissionDenied
    initial = {}
    wanted = request.GET.get("organisation", "")
    if wanted.isdigit() and organisations.filter(pk=wanted).exists():
        initial["organisation"] = wanted
    form = ServiceForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                data=form.service_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service has been added to the directory."))
            return redirect(service)
    return render(request, "directory/service_form.html", {"form": form, "service": None})


@login_required
@require_http_methods(["GET", "POST"])
def service_update(request, pk: int):
    service = selectors.service_get_for_user(request.user, pk, perm="directory.change_service")
    form = ServiceForm(request.POST or None, instance=service, organisations=None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_update(
                actor=request.user,
                service=selectors.service_get_for_user(
                    request.user, pk, perm="directory.change_service"
                ),
                data=form.service_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(service)
    return render(request, "directory/service_form.html", {"form": form, "service": service})
