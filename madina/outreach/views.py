"""Pages of awareness capsules, schools, awareness sessions and the outreach overview:
selector → form → service → response. Trainings and advocacy are in ``training_views``.

Capsule files are never served from /media/: the download view asks the selector first, serves
with the type of the registry (``content_type_for``), ``X-Content-Type-Options: nosniff``, and
as an attachment unless the file is an image.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from madina.core.forms import add_service_errors
from madina.core.uploads import content_type_for
from madina.outreach import selectors, services
from madina.outreach.forms import (
    CapsuleFileForm,
    CapsuleFilterForm,
    CapsuleForm,
    SchoolFilterForm,
    SchoolForm,
    SessionFilterForm,
    SessionForm,
    audience_formset,
)

PAGE_SIZE = 20
CHANGE = "outreach.change_records"


def _initial_pk(request, key: str, queryset) -> dict:
    wanted = request.GET.get(key, "")
    if wanted.isdigit() and queryset.filter(pk=wanted).exists():
        return {key: wanted}
    return {}


@login_required
def overview(request):
    return render(
        request,
        "outreach/overview.html",
        {"figures": selectors.outreach_figures(request.user)},
    )


# --- Capsules ------------------------------------------------------------------------------------


@login_required
def capsule_list(request):
    form = CapsuleFilterForm(request.GET)
    found = selectors.capsule_list(user=request.user, **form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.with_labels(page.object_list)
    return render(
        request,
        "outreach/capsule_list.html",
        {
            "form": form,
            "page": page,
            "can_add": selectors.organisations_editable_by(request.user).exists(),
        },
    )


@login_required
def capsule_detail(request, pk: int):
    capsule = selectors.capsule_get_for_user(request.user, pk, for_display=True)
    selectors.with_labels([capsule])
    sessions = selectors.capsule_sessions(capsule)
    return render(
        request,
        "outreach/capsule_detail.html",
        {
            "capsule": capsule,
            "sessions": sessions,
            "totals": selectors.session_totals(sessions),
            "can_edit": request.user.has_perm(CHANGE, capsule.organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def capsule_create(request):
    organisations = selectors.organisations_editable_by(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = CapsuleForm(
        request.POST or None,
        organisations=organisations,
        initial=_initial_pk(request, "organisation", organisations),
    )
    if request.method == "POST" and form.is_valid():
        try:
            capsule = services.capsule_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                data=form.capsule_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The capsule has been added."))
            return redirect(capsule)
    return render(request, "outreach/capsule_form.html", {"form": form, "capsule": None})


@login_required
@require_http_methods(["GET", "POST"])
def capsule_update(request, pk: int):
    capsule = selectors.capsule_get_for_user(request.user, pk, perm=CHANGE)
    form = CapsuleForm(request.POST or None, instance=capsule, organisations=None)
    if request.method == "POST" and form.is_valid():
        try:
            capsule = services.capsule_update(
                actor=request.user, capsule=capsule, data=form.capsule_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(capsule)
    return render(request, "outreach/capsule_form.html", {"form": form, "capsule": capsule})


@login_required
@require_http_methods(["GET", "POST"])
def capsule_file_add(request, pk: int):
    capsule = selectors.capsule_get_for_user(request.user, pk, perm=CHANGE)
    form = CapsuleFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.capsule_file_add(
                actor=request.user,
                capsule=capsule,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The file has been added to the capsule."))
            return redirect(capsule)
    return render(request, "outreach/capsule_file_form.html", {"form": form, "capsule": capsule})


@login_required
def capsule_file_download(request, pk: int, file_pk: int):
    attachment = selectors.capsule_file_get_for_user(request.user, pk, file_pk)
    content_type = content_type_for(attachment.file.name)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not content_type.startswith("image/"),
        filename=attachment.original_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Schools -------------------------------------------------------------------------------------


@login_required
def school_list(request):
    form = SchoolFilterForm(request.GET)
    found = selectors.school_list(user=request.user, **form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/school_list.html",
        {
            "form": form,
            "page": page,
            "can_add": request.user.has_perm("outreach.change_schools"),
        },
    )


@login_required
def school_detail(request, pk: int):
    school = selectors.school_get_for_user(request.user, pk)
    sessions = selectors.school_sessions(school)
    return render(
        request,
        "outreach/school_detail.html",
        {
            "school": school,
            "sessions": sessions,
            "totals": selectors.session_totals(sessions),
            "can_edit": request.user.has_perm("outreach.change_schools"),
            "can_record": selectors.organisations_editable_by(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_create(request):
    if not request.user.has_perm("outreach.change_schools"):
        raise PermissionDenied
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The school has been added."))
            return redirect("outreach:school_detail", pk=school.pk)
    return render(request, "outreach/school_form.html", {"form": form, "school": None})


@login_required
@require_http_methods(["GET", "POST"])
def school_update(request, pk: int):
    school = selectors.school_get_for_change(request.user, pk)
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_update(
                actor=request.user, school=school, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("outreach:school_detail", pk=school.pk)
    return render(request, "outreach/school_form.html", {"form": form, "school": school})


# --- Awareness sessions --------------------------------------------------------------------------


@login_required
def session_list(request):
    form = SessionFilterForm(request.GET)
    found = selectors.session_list(user=request.user, **form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/session_list.html",
        {
            "form": form,
            "page": page,
            "totals": selectors.session_totals(found),
            "can_add": selectors.organisations_editable_by(request.user).exists(),
        },
    )


@login_required
def session_detail(request, pk: int):
    session = selectors.session_get_for_user(request.user, pk, for_display=True)
    return render(
        request,
        "outreach/session_detail.html",
        {
            "session": session,
            "can_edit": request.user.has_perm(CHANGE, session.organisation),
        },
    )


def _session_form_page(request, form, formset, session):
    return render(
        request,
        "outreach/session_form.html",
        {"form": form, "formset": formset, "session": session},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    organisations = selectors.organisations_editable_by(request.user)
    if not organisations.exists():
        raise PermissionDenied
    initial = _initial_pk(request, "organisation", organisations)
    if organisations.count() == 1:
        initial.setdefault("organisation", organisations.get().pk)
    initial.update(_initial_pk(request, "school", selectors.school_list(user=request.user)))
    form = SessionForm(request.POST or None, organisations=organisations, initial=initial)
    formset = audience_formset(request.POST or None)
    if request.method == "POST" and all([form.is_valid(), formset.is_valid()]):
        try:
            session = services.session_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                data=form.session_data(),
                audiences=formset.audience_rows(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The awareness session has been recorded."))
            return redirect(session)
    return _session_form_page(request, form, formset, None)


@login_required
@require_http_methods(["GET", "POST"])
def session_update(request, pk: int):
    session = selectors.session_get_for_user(request.user, pk, perm=CHANGE)
    form = SessionForm(request.POST or None, instance=session, organisations=None)
    formset = audience_formset(request.POST or None, session=session)
    if request.method == "POST" and all([form.is_valid(), formset.is_valid()]):
        try:
            session = services.session_update(
                actor=request.user,
                session=session,
                data=form.session_data(),
                audiences=formset.audience_rows(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(session)
    return _session_form_page(request, form, formset, session)
