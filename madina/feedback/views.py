"""Staff pages of feedback: the inbox, entry from other channels, the detail with its lifecycle
actions, the export, the sensitive teams and "you said, we did". Selector → form → service →
response."""

from __future__ import annotations

import csv
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from madina.actors.models import Organisation
from madina.core.forms import add_service_errors
from madina.core.permissions import require
from madina.directory.selectors import organisations_editable_by
from madina.feedback import selectors, services
from madina.feedback.forms import (
    AnswerForm,
    AssignForm,
    EntryForm,
    FilterForm,
    NoteForm,
    ReferForm,
    SensitiveForm,
    TeamMemberForm,
    YouSaidForm,
)
from madina.feedback.models import Feedback

PAGE_SIZE = 25
HANDLE = selectors.HANDLE

# The export: no message, no contact, no names of people; only the coding and the lifecycle.
EXPORT_COLUMNS = (
    ("reference", gettext_lazy("reference code")),
    ("received", gettext_lazy("received")),
    ("organisation", gettext_lazy("addressed to")),
    ("type", gettext_lazy("type")),
    ("category", gettext_lazy("subject")),
    ("commune", gettext_lazy("commune")),
    ("language", gettext_lazy("language")),
    ("channel", gettext_lazy("channel")),
    ("status", gettext_lazy("status")),
    ("acknowledged", gettext_lazy("acknowledged")),
    ("answered", gettext_lazy("answered")),
    ("closed", gettext_lazy("closed")),
)


def _date(value) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def _export_row(item: Feedback) -> list[str]:
    return [
        item.reference_display,
        _date(item.created_at),
        item.organisation.name if item.organisation else _("the coordination"),
        item.get_type_display(),
        item.get_category_display(),
        item.commune.name if item.commune else "",
        item.get_language_display(),
        item.get_channel_display(),
        item.get_status_display(),
        _date(item.acknowledged_at),
        _date(item.answered_at),
        _date(item.closed_at),
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def inbox(request):
    require(request.user, "feedback.view_inbox", visible=False)
    show_sensitive = selectors.can_see_sensitive(request.user)
    form = FilterForm(request.GET or None, show_sensitive=show_sensitive)
    found = selectors.feedback_list(user=request.user, **form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "feedback/inbox.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm("feedback.add_feedback"),
            "can_manage_you_said": request.user.has_perm("feedback.manage_you_said"),
        },
    )


@login_required
def export(request):
    require(request.user, "feedback.view_inbox", visible=False)
    form = FilterForm(request.GET or None, show_sensitive=False)
    queryset = selectors.feedback_export(user=request.user, **form.filters()).select_related(
        "organisation", "commune"
    )
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Feedback"))
        sheet.append([str(label) for _key, label in EXPORT_COLUMNS])
        for item in queryset.iterator(chunk_size=2000):
            sheet.append(_export_row(item))
        output = tempfile.TemporaryFile()
        workbook.save(output)
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            filename=f"feedback-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow([str(label) for _key, label in EXPORT_COLUMNS])
        for item in queryset.iterator(chunk_size=2000):
            yield writer.writerow(_export_row(item))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="feedback-{stamp}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    require(request.user, "feedback.add_feedback")
    form = EntryForm(request.POST or None, organisations=organisations_editable_by(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            feedback = services.feedback_create(actor=request.user, data=form.entry())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The feedback has been recorded. Its code is %(code)s: give it to the person.")
                % {"code": feedback.reference_display},
            )
            if request.user.has_perm("feedback.view_feedback", feedback):
                return redirect(feedback)
            return redirect("feedback_staff:inbox")
    return render(request, "feedback/entry_form.html", {"form": form})


def _action_forms(feedback: Feedback, bound: dict | None = None) -> dict:
    forms = {
        "assign_form": AssignForm(users=services.assignable_users(feedback).distinct()),
        "answer_form": AnswerForm(
            initial={
                "response": feedback.response,
                "channel": feedback.response_channel or Feedback.ResponseChannel.STATUS_PAGE,
            }
        ),
        "close_form": NoteForm(prefix="close"),
        "refer_form": ReferForm(),
        "sensitive_form": SensitiveForm(),
    }
    forms.update(bound or {})
    return forms


@login_required
def detail(request, pk: int, bound: dict | None = None):
    feedback = selectors.feedback_get_for_user(request.user, pk)
    can_handle = request.user.has_perm(HANDLE, feedback)
    context = {
        "feedback": feedback,
        "events": selectors.feedback_events(feedback),
        "can_handle": can_handle,
        "S": Feedback.Status,
        "can_close": feedback.status in services.CLOSE_FROM,
        "can_answer": feedback.status in services.ANSWER_FROM,
        "can_assign": feedback.status in services.ASSIGN_FROM,
    }
    if can_handle:
        context.update(_action_forms(feedback, bound))
    status = 400 if bound else 200
    return render(request, "feedback/detail.html", context, status=status)


@login_required
@require_POST
def acknowledge(request, pk: int):
    feedback = selectors.feedback_get_for_user(request.user, pk, perm=HANDLE)
    try:
        services.feedback_acknowledge(actor=request.user, feedback=feedback)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done."))
    return redirect(feedback)


def _step(request, feedback: Feedback, form, name: str, act, done: str):
    """One step of the lifecycle taken with a form: validate, call the service, say so. A
    field's error comes back on the detail page under the form ``name``; a step the item's
    status does not allow (its form is not shown then) comes back as a message."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect(feedback)
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return None
    return detail(request, feedback.pk, bound={name: form})


@login_required
@require_POST
def assign(request, pk: int):
    feedback = selectors.feedback_get_for_user(request.user, pk, perm=HANDLE)
    form = AssignForm(request.POST, users=services.assignable_users(feedback).distinct())
    refused = _step(
        request,
        feedback,
        form,
        "assign_form",
        lambda data: services.feedback_assign(
            actor=request.user, feedback=feedback, assignee=data["assignee"], note=data["note"]
        ),
        _("Done."),
    )
    return refused or redirect(feedback)


@login_required
@require_POST
def answer(request, pk: int):
    feedback = selectors.feedback_get_for_user(request.user, pk, perm=HANDLE)
    refused = _step(
        request,
        feedback,
        AnswerForm(request.POST),
        "answer_form",
        lambda data: services.feedback_answer(
            actor=request.user,
            feedback=feedback,
            response=data["response"],
            channel=data["channel"],
        ),
        _("Done."),
    )
    return refused or redirect(feedback)


@login_required
@require_POST
def close(request, pk: int):
    feedback = selectors.feedback_get_for_user(request.user, pk, perm=HANDLE)
    refused = _step(
        request,
        feedback,
        NoteForm(request.POST, prefix="close"),
        "close_form",
        lambda data: services.feedback_close(
            actor=request.user, feedback=feedback, note=data["note"]
        ),
        _("Done."),
    )
    return refused or redirect(feedback)


@login_required
@require_POST
def refer(request, pk: int):
    feedback = selectors.feedback_get_for_user(request.user, pk, perm=HANDLE)
    refused = _step(
        request,
        feedback,
        ReferForm(request.POST),
        "refer_form",
        lambda data: services.feedback_refer(
            actor=request.user,
            feedback=feedback,
            organisation=data["organisation"],
            note=data["note"],
        ),
        _("The feedback has been referred."),
    )
    if refused:
        return refused
    if request.user.has_perm("feedback.view_feedback", feedback):
        return redirect(feedback)
    return redirect("feedback_staff:inbox")


@login_required
@require_POST
def sensitive(request, pk: int):
    feedback = selectors.feedback_get_for_user(request.user, pk, perm=HANDLE)
    form = SensitiveForm(request.POST)
    if not form.is_valid():
        return detail(request, pk, bound={"sensitive_form": form})
    try:
        services.feedback_set_sensitive(
            actor=request.user,
            feedback=feedback,
            sensitive=not feedback.is_sensitive,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return detail(request, pk, bound={"sensitive_form": form})
    if feedback.is_sensitive:
        messages.success(request, _("The feedback is now marked sensitive."))
    else:
        messages.success(request, _("The feedback is no longer marked sensitive."))
    if request.user.has_perm("feedback.view_feedback", feedback):
        return redirect(feedback)
    return redirect("feedback_staff:inbox")


# --- Sensitive teams -----------------------------------------------------------------------------


def _team_organisation(request, key: str) -> Organisation | None:
    if key == "coordination":
        organisation = None
    else:
        organisation = Organisation.objects.filter(pk=int(key) if key.isdigit() else 0).first()
        if organisation is None:
            raise Http404
    require(request.user, "feedback.manage_sensitive_team", organisation, visible=False)
    return organisation


@login_required
def teams(request):
    found = selectors.teams_managed_by(request.user)
    if not found:
        raise PermissionDenied
    return render(
        request,
        "feedback/teams.html",
        {
            "teams": [
                (organisation, members, TeamMemberForm(organisation=organisation))
                for organisation, members in found
            ]
        },
    )


@login_required
@require_POST
def team_add(request, key: str):
    organisation = _team_organisation(request, key)
    form = TeamMemberForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            services.sensitive_team_add(
                actor=request.user, organisation=organisation, user=form.cleaned_data["user"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The person has been added to the team."))
    else:
        messages.error(request, _("Choose a person from the list."))
    return redirect("feedback_staff:teams")


@login_required
@require_POST
def team_remove(request, pk: int):
    member = selectors.team_member_get_for_user(request.user, pk)
    services.sensitive_team_remove(actor=request.user, member=member)
    messages.success(request, _("The person has been removed from the team."))
    return redirect("feedback_staff:teams")


# --- You said, we did ----------------------------------------------------------------------------


@login_required
def you_said_list(request):
    return render(
        request,
        "feedback/you_said_list.html",
        {"entries": selectors.you_said_all(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def you_said_edit(request, pk: int | None = None):
    entry = selectors.you_said_get_for_user(request.user, pk) if pk else None
    if entry is None:
        require(request.user, "feedback.manage_you_said", visible=False)
    # Not bound to the instance: the service compares the old values with the new ones.
    initial = model_to_dict(entry) if entry else {"done_on": timezone.localdate()}
    form = YouSaidForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                services.you_said_create(actor=request.user, data=form.entry())
            else:
                services.you_said_update(actor=request.user, entry=entry, data=form.entry())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("feedback_staff:you_said_list")
    return render(request, "feedback/you_said_form.html", {"form": form, "entry": entry})
