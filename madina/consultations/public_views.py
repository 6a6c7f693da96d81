"""The portal's consultation pages: no sign-in, nothing kept about who answers.

A consultation that is not open shows why, and stores nothing. Each client may send only a few
answers an hour (``portal.throttle``, scope ``answer``); over the limit, a 429 page, nothing
stored. Conditional questions are decided by the server: a question whose condition is not met
is ignored even if an answer is sent for it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from madina.consultations import selectors, services
from madina.consultations.forms import RespondentForm
from madina.consultations.models import Consultation, Response
from madina.portal import throttle


@require_GET
def consultation_list(request):
    return render(request, "consultations/public/list.html", selectors.public_list())


def _not_open(request, consultation: Consultation, status: int = 200):
    return render(
        request,
        "consultations/public/not_open.html",
        {
            "consultation": consultation,
            "not_yet": consultation.state == Consultation.State.PUBLISHED
            and not consultation.has_ended(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def answer(request, pk: int):
    consultation = selectors.public_get(pk)
    if not consultation.is_open():
        return _not_open(request, consultation, status=403 if request.method == "POST" else 200)
    questions = selectors.questions_of(consultation)
    form = RespondentForm(request.POST or None, consultation=consultation)
    posted: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not throttle.allow(request, "answer"):
            return render(request, "consultations/public/too_many.html", status=429)
        posted = {
            services.answer_key(q): request.POST.getlist(services.answer_key(q)) for q in questions
        }
        if form.is_valid():
            try:
                services.response_submit(
                    actor=request.user,
                    consultation=consultation,
                    channel=Response.Channel.PORTAL,
                    language=(get_language() or "")[:2],
                    answers=posted,
                    commune=form.cleaned_data["commune"],
                    group=form.cleaned_data["group"],
                    name=form.cleaned_data.get("name", ""),
                    contact=form.cleaned_data.get("contact", ""),
                )
            except services.NotOpen:
                return _not_open(request, consultation, status=403)
            except ValidationError as error:
                errors = error.message_dict
                for key in ("commune", "group", "name", "contact"):
                    for message in errors.get(key, []):
                        form.add_error(key, message)
            else:
                return redirect("portal:consultations:thanks", pk=consultation.pk)
        else:
            # Show what is wrong with the answers too, not only with the details.
            _cleaned, errors = services.clean_answers(questions, posted)
    return render(
        request,
        "consultations/public/answer.html",
        {
            "consultation": consultation,
            "form": form,
            "items": selectors.answer_form(questions, posted, errors),
            "general_errors": errors.get("__all__", []),
            "has_errors": bool(errors) or bool(form.errors),
            "answer_max": services.ANSWER_MAX,
        },
    )


@require_GET
def thanks(request, pk: int):
    consultation = selectors.public_get(pk)
    return render(request, "consultations/public/thanks.html", {"consultation": consultation})


@require_GET
def summary(request, pk: int):
    consultation = selectors.public_summary_get(pk)
    return render(request, "consultations/public/summary.html", {"consultation": consultation})
