"""Staff pages of consultations: selector → form → service → response.

Every signed-in user sees published consultations and their results; drafts only their
organisation's people and the coordinators (see ``rules``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from madina.consultations import exports, selectors, services
from madina.consultations.forms import (
    ConsultationForm,
    QuestionForm,
    StaffEntryForm,
    SummaryForm,
    option_formset,
    options_data,
)
from madina.consultations.models import Question
from madina.core.forms import add_service_errors

CHANGE = "consultations.change_consultation"
PUBLISH = "consultations.publish_consultation"
ENTER = "consultations.enter_response"
EXPORT = "consultations.export_answers"


@login_required
def consultation_list(request):
    return render(
        request,
        "consultations/list.html",
        {
            "consultations": selectors.consultation_list(request.user),
            "can_add": request.user.has_perm("consultations.add_consultation"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request):
    organisations = selectors.organisations_editable_by(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = ConsultationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                data=form.consultation_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The consultation has been created. Add its questions."))
            return redirect(consultation)
    return render(request, "consultations/form.html", {"form": form, "consultation": None})


@login_required
def consultation_detail(request, pk: int):
    consultation = selectors.consultation_get_for_user(request.user, pk)
    user = request.user
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "questions": selectors.questions_of(consultation),
            "response_count": consultation.responses.count(),
            "can_change": user.has_perm(CHANGE, consultation),
            "can_publish": user.has_perm(PUBLISH, consultation),
            "can_enter": user.has_perm(ENTER, consultation) and consultation.is_open(),
            "is_draft": consultation.state == consultation.State.DRAFT,
            "is_open": consultation.is_open(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_update(request, pk: int):
    consultation = selectors.consultation_get_for_user(request.user, pk, perm=CHANGE)
    form = ConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_update(
                actor=request.user, consultation=consultation, data=form.consultation_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(consultation)
    return render(request, "consultations/form.html", {"form": form, "consultation": consultation})


def _state_change(request, pk: int, service, done: str):
    consultation = selectors.consultation_get_for_user(request.user, pk, perm=PUBLISH)
    try:
        service(actor=request.user, consultation=consultation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(consultation)


@login_required
@require_POST
def consultation_publish(request, pk: int):
    return _state_change(
        request, pk, services.consultation_publish, _("The consultation is on the portal.")
    )


@login_required
@require_POST
def consultation_close(request, pk: int):
    return _state_change(request, pk, services.consultation_close, _("The consultation is closed."))


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk: int, question_pk: int | None = None):
    consultation = selectors.consultation_get_for_user(request.user, pk, perm=CHANGE)
    question = selectors.question_get(consultation, question_pk) if question_pk else None
    data = request.POST if request.method == "POST" else None
    form = QuestionForm(data, consultation=consultation, instance=question)
    formset = option_formset(data, question)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.question_save(
                actor=request.user,
                consultation=consultation,
                question=question,
                data=form.question_data(),
                options=options_data(formset),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question has been saved."))
            return redirect(consultation)
    return render(
        request,
        "consultations/question_form.html",
        {
            "consultation": consultation,
            "question": question,
            "form": form,
            "formset": formset,
            "is_draft": consultation.state == consultation.State.DRAFT,
        },
    )


@login_required
@require_POST
def question_delete(request, pk: int, question_pk: int):
    consultation = selectors.consultation_get_for_user(request.user, pk, perm=CHANGE)
    question = selectors.question_get(consultation, question_pk)
    try:
        services.question_delete(actor=request.user, question=question)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The question has been removed."))
    return redirect(consultation)


@login_required
@require_http_methods(["GET", "POST"])
def response_create(request, pk: int):
    """Answers given by phone or in person, entered by staff with the portal's rules."""
    consultation = selectors.consultation_get_for_user(request.user, pk, perm=ENTER)
    questions = selectors.questions_of(consultation)
    form = StaffEntryForm(request.POST or None, consultation=consultation)
    posted: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    if not consultation.is_open():
        messages.error(request, _("This consultation is not open: answers cannot be entered."))
        return redirect(consultation)
    if request.method == "POST":
        posted = {
            services.answer_key(q): request.POST.getlist(services.answer_key(q)) for q in questions
        }
        if form.is_valid():
            try:
                services.response_submit(
                    actor=request.user,
                    consultation=consultation,
                    channel=form.cleaned_data["channel"],
                    language=form.cleaned_data["language"],
                    answers=posted,
                    commune=form.cleaned_data["commune"],
                    group=form.cleaned_data["group"],
                    name=form.cleaned_data.get("name", ""),
                    contact=form.cleaned_data.get("contact", ""),
                )
            except services.NotOpen:
                messages.error(
                    request, _("This consultation is not open: answers cannot be entered.")
                )
                return redirect(consultation)
            except ValidationError as error:
                errors = error.message_dict
                add_service_errors(
                    form,
                    ValidationError({k: v for k, v in errors.items() if not k.startswith("q")}),
                )
            else:
                messages.success(
                    request, _("The answers have been recorded. You can enter the next person's.")
                )
                return redirect("consultations_staff:response_create", pk=consultation.pk)
    return render(
        request,
        "consultations/response_form.html",
        {
            "consultation": consultation,
            "form": form,
            "items": selectors.answer_form(questions, posted, errors),
            "answer_max": services.ANSWER_MAX,
        },
    )


@login_required
def results(request, pk: int):
    consultation = selectors.consultation_get_for_user(request.user, pk)
    choice_questions = selectors.crosstab_questions(consultation)
    table = None
    wanted = request.GET.get("question", "")
    by = request.GET.get("by", "language")
    if by not in selectors.DIMENSIONS:
        by = "language"
    chosen = next((q for q in choice_questions if str(q.pk) == wanted), None)
    if chosen is None and choice_questions:
        chosen = choice_questions[0]
    if chosen is not None:
        table = selectors.crosstab(chosen, by)
    return render(
        request,
        "consultations/results.html",
        {
            "consultation": consultation,
            "results": selectors.results(consultation),
            "choice_questions": choice_questions,
            "chosen": chosen,
            "by": by,
            "dimensions": selectors.DIMENSIONS.items(),
            "table": table,
            "can_export": request.user.has_perm(EXPORT, consultation),
            "can_change": request.user.has_perm(CHANGE, consultation),
            "kinds": Question.Kind,
        },
    )


def _filename(consultation, extension: str) -> str:
    return f"consultation-{consultation.pk}-answers.{extension}"


@login_required
def export_csv(request, pk: int):
    consultation = selectors.consultation_get_for_user(request.user, pk, perm=EXPORT)
    response = HttpResponse(exports.csv_text(consultation), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(consultation, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_xlsx(request, pk: int):
    consultation = selectors.consultation_get_for_user(request.user, pk, perm=EXPORT)
    response = FileResponse(
        exports.xlsx_file(consultation),
        as_attachment=True,
        filename=_filename(consultation, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def summary_edit(request, pk: int):
    consultation = selectors.consultation_get_for_user(request.user, pk, perm=CHANGE)
    form = SummaryForm(request.POST or None, consultation=consultation)
    if not request.user.has_perm(PUBLISH, consultation):
        form.fields["publish"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_summary_save(
                actor=request.user,
                consultation=consultation,
                summary=form.summary(),
                publish=form.cleaned_data["publish"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The summary has been saved."))
            return redirect(consultation)
    return render(
        request, "consultations/summary_form.html", {"consultation": consultation, "form": form}
    )
