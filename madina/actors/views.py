"""Pages of the actors registry: selector → form → service → response."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from madina.actors import selectors, services
from madina.actors.forms import FocalPersonForm, OrganisationFilterForm, OrganisationForm
from madina.core.forms import add_service_errors
from madina.core.permissions import require

PAGE_SIZE = 20


@login_required
def organisation_list(request):
    form = OrganisationFilterForm(request.GET)
    organisations = selectors.organisation_list(user=request.user, **form.filters())
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "actors/organisation_list.html",
        {
            "form": form,
            "page": page,
            "can_add": request.user.has_perm("actors.add_organisation"),
        },
    )


@login_required
def organisation_detail(request, pk: int):
    organisation = selectors.organisation_get_for_user(request.user, pk, for_display=True)
    user = request.user
    communes = sorted(organisation.communes_covered.all(), key=lambda area: area.name)
    return render(
        request,
        "actors/organisation_detail.html",
        {
            "organisation": organisation,
            "communes": communes,
            "map_data": selectors.communes_map_data(communes),
            "focal_persons": selectors.focal_persons_for_user(user, organisation),
            "children": organisation.children.all(),
            "can_edit": user.has_perm("actors.change_organisation", organisation),
            "can_edit_focal_persons": user.has_perm("actors.change_focal_persons", organisation),
            "can_see_audit": user.has_perm("actors.view_organisation_audit", organisation),
            "can_see_members": user.has_perm("accounts.view_members", organisation),
            "sees_private_contacts": user.has_perm(
                "actors.view_organisation_private", organisation
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    require(request.user, "actors.add_organisation")
    form = OrganisationForm(request.POST or None, user=request.user, creating=True)
    twins = []
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=request.user,
                data=form.service_data(),
                confirm_twins=form.cleaned_data["confirm_twins"],
            )
        except services.ProbableTwinsError as error:
            twins = error.twins
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation has been registered."))
            return redirect(organisation)
    return render(
        request,
        "actors/organisation_form.html",
        {"form": form, "twins": twins, "creating": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_update(request, pk: int):
    organisation = selectors.organisation_get_for_user(
        request.user, pk, perm="actors.change_organisation"
    )
    form = OrganisationForm(
        request.POST or None, instance=organisation, user=request.user, creating=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_update(
                actor=request.user, organisation=organisation, data=form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(organisation)
    return render(
        request,
        "actors/organisation_form.html",
        {"form": form, "organisation": organisation, "creating": False},
    )


@login_required
def organisation_audit(request, pk: int):
    organisation = selectors.organisation_get_for_user(
        request.user, pk, perm="actors.view_organisation_audit"
    )
    events = selectors.organisation_audit_trail(user=request.user, organisation=organisation)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "actors/organisation_audit.html",
        {
            "organisation": organisation,
            "page": page,
            "rows": selectors.audit_rows(page.object_list),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def focal_person_create(request, pk: int):
    organisation = selectors.organisation_get_for_user(
        request.user, pk, perm="actors.change_focal_persons"
    )
    form = FocalPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.focal_person_create(
                actor=request.user, organisation=organisation, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The focal person has been added."))
            return redirect(organisation)
    return render(
        request,
        "actors/focal_person_form.html",
        {"form": form, "organisation": organisation, "focal_person": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def focal_person_update(request, pk: int, focal_pk: int):
    organisation = selectors.organisation_get_for_user(
        request.user, pk, perm="actors.change_focal_persons"
    )
    focal_person = selectors.focal_person_get_for_user(request.user, organisation, focal_pk)
    form = FocalPersonForm(request.POST or None, instance=focal_person)
    if request.method == "POST" and form.is_valid():
        try:
            services.focal_person_update(
                actor=request.user,
                focal_person=selectors.focal_person_get_for_user(
                    request.user, organisation, focal_pk
                ),
                data=form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(organisation)
    return render(
        request,
        "actors/focal_person_form.html",
        {"form": form, "organisation": organisation, "focal_person": focal_person},
    )


@login_required
@require_http_methods(["GET", "POST"])
def focal_person_delete(request, pk: int, focal_pk: int):
    organisation = selectors.organisation_get_for_user(
        request.user, pk, perm="actors.change_focal_persons"
    )
    focal_person = selectors.focal_person_get_for_user(request.user, organisation, focal_pk)
    if request.method == "POST":
        services.focal_person_delete(actor=request.user, focal_person=focal_person)
        messages.success(request, _("The focal person has been removed."))
        return redirect(organisation)
    return render(
        request,
        "actors/focal_person_confirm_delete.html",
        {"organisation": organisation, "focal_person": focal_person},
    )
