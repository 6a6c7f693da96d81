"""Pages of trainings (participants, attendance, certificates) and of advocacy actions.

Selector → form → service → response, as everywhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from madina.core.forms import add_service_errors
from madina.core.pdf import pdf_response, render_pdf
from madina.outreach import training_selectors as selectors
from madina.outreach import training_services as services
from madina.outreach.training_forms import (
    AdvocacyFilterForm,
    AdvocacyForm,
    AttendanceForm,
    ParticipantForm,
    TrainingFilterForm,
    TrainingForm,
)

PAGE_SIZE = 20
CHANGE = selectors.CHANGE
VIEW_PARTICIPANTS = selectors.VIEW_PARTICIPANTS


# -- trainings ---------------------------------------------------------------------------------


@login_required
@require_GET
def training_list(request):
    form = TrainingFilterForm(request.GET)
    found = selectors.training_list(user=request.user, **form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/training_list.html",
        {
            "form": form,
            "page": page,
            "totals": selectors.trainings_totals(found),
            "can_add": selectors.organisations_editable_by(request.user).exists(),
        },
    )


@login_required
@require_GET
def training_detail(request, pk: int):
    training = selectors.training_get_for_user(request.user, pk)
    participants = selectors.training_participants(training)
    return render(
        request,
        "outreach/training_detail.html",
        {
            "training": training,
            "summary": selectors.training_summary(training, participants),
            "participants": participants,
            "can_see_participants": request.user.has_perm(VIEW_PARTICIPANTS, training.organisation),
            "can_edit": request.user.has_perm(CHANGE, training.organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_create(request):
    organisations = selectors.organisations_editable_by(request.user)
    if not organisations.exists():
        raise PermissionDenied
    initial = {}
    if organisations.count() == 1:
        initial["organisation"] = organisations.get().pk
    form = TrainingForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                data=form.training_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The training has been recorded."))
            return redirect(training)
    return render(request, "outreach/training_form.html", {"form": form, "training": None})


@login_required
@require_http_methods(["GET", "POST"])
def training_update(request, pk: int):
    training = selectors.training_get_for_user(request.user, pk, perm=CHANGE)
    form = TrainingForm(request.POST or None, instance=training, organisations=None)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_update(
                actor=request.user, training=training, data=form.training_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(training)
    training.refresh_from_db()
    return render(request, "outreach/training_form.html", {"form": form, "training": training})


# -- participants ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request, pk: int):
    training = selectors.training_get_for_user(request.user, pk, perm=CHANGE)
    form = ParticipantForm(request.POST or None, training=training)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_add(
                actor=request.user, training=training, data=form.participant_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The participant has been added."))
            if "add_another" in request.POST:
                return redirect("outreach:participant_add", pk=training.pk)
            return redirect(training)
    return render(
        request,
        "outreach/participant_form.html",
        {"form": form, "training": training, "participant": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_update(request, pk: int, participant_pk: int):
    participant = selectors.participant_get_for_user(request.user, pk, participant_pk, perm=CHANGE)
    training = participant.training
    form = ParticipantForm(request.POST or None, instance=participant, training=training)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_update(
                actor=request.user, participant=participant, data=form.participant_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(training)
    participant.refresh_from_db()
    return render(
        request,
        "outreach/participant_form.html",
        {"form": form, "training": training, "participant": participant},
    )


# -- attendance --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    training = selectors.training_get_for_user(request.user, pk, perm=CHANGE)
    participants = list(training.participants.prefetch_related("attendance"))
    days = services.training_days(training)
    initial = {
        AttendanceForm.key(participant): [
            row.day.isoformat() for row in participant.attendance.all()
        ]
        for participant in participants
    }
    form = AttendanceForm(
        request.POST or None, participants=participants, days=days, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_save(actor=request.user, training=training, present=form.present())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The attendance has been saved."))
            return redirect(training)
    return render(
        request,
        "outreach/attendance.html",
        {"form": form, "training": training, "days": days},
    )


# -- certificate -------------------------------------------------------------------------------


@login_required
@require_GET
def certificate(request, pk: int, participant_pk: int):
    """A one-page certificate of participation, in the reader's language."""
    participant = selectors.participant_get_for_user(request.user, pk, participant_pk)
    training = participant.training
    pdf = render_pdf(
        "outreach/pdf/certificate.html",
        {
            "title": _("Certificate of participation"),
            "training": training,
            "participant": participant,
            "days_present": participant.attendance.count(),
            "days": len(services.training_days(training)),
        },
        request=request,
    )
    response = pdf_response(pdf, f"certificate-{training.pk}-{participant.pk}")
    response["Cache-Control"] = "private, no-store"
    return response


# -- advocacy and mobilisation -----------------------------------------------------------------


@login_required
@require_GET
def advocacy_list(request):
    form = AdvocacyFilterForm(request.GET)
    found = selectors.advocacy_list(user=request.user, **form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/advocacy_list.html",
        {
            "form": form,
            "page": page,
            "can_add": selectors.organisations_editable_by(request.user).exists(),
        },
    )


@login_required
@require_GET
def advocacy_detail(request, pk: int):
    action = selectors.advocacy_get_for_user(request.user, pk)
    return render(
        request,
        "outreach/advocacy_detail.html",
        {"action": action, "can_edit": request.user.has_perm(CHANGE, action.organisation)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def advocacy_create(request):
    organisations = selectors.organisations_editable_by(request.user)
    if not organisations.exists():
        raise PermissionDenied
    initial = {}
    if organisations.count() == 1:
        initial["organisation"] = organisations.get().pk
    form = AdvocacyForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.advocacy_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                data=form.advocacy_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action has been recorded."))
            return redirect(action)
    return render(request, "outreach/advocacy_form.html", {"form": form, "action": None})


@login_required
@require_http_methods(["GET", "POST"])
def advocacy_update(request, pk: int):
    action = selectors.advocacy_get_for_user(request.user, pk, perm=CHANGE)
    form = AdvocacyForm(request.POST or None, instance=action, organisations=None)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.advocacy_update(
                actor=request.user, action=action, data=form.advocacy_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(action)
    action.refresh_from_db()
    return render(request, "outreach/advocacy_form.html", {"form": form, "action": action})
