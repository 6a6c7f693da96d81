"""Pages of meetings and recommendations: selector → form → service → response."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madina.actors.models import Organisation
from madina.coordination.models import Space
from madina.coordination.selectors import visible_spaces
from madina.core.forms import add_service_errors
from madina.core.uploads import content_type_for
from madina.meetings import calendar, registration_selectors, selectors, services
from madina.meetings.forms import (
    ActionLinkForm,
    AgendaItemForm,
    AttendanceFormSet,
    MeetingFilterForm,
    MeetingForm,
    MinutesFileForm,
    MinutesForm,
    RecommendationFilterForm,
    RecommendationForm,
    SessionForm,
    SpeakerForm,
    UpdateForm,
    attendance_initial,
)
from madina.meetings.models import AgendaItem, Minutes, RecommendationAction, Session, Speaker

PAGE_SIZE = 20


def _managed_spaces(user):
    ids = selectors.managed_space_ids(user)
    spaces = Space.objects.filter(closed_on__isnull=True)
    return spaces if ids is None else spaces.filter(pk__in=ids)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


# --- Meetings -----------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    user = request.user
    spaces = visible_spaces(user).filter(selectors.content_spaces_q(user))
    form = MeetingFilterForm(request.GET, spaces=spaces)
    filters = form.filters()
    meetings = selectors.meeting_list(user=user, **filters)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "form": form,
            "page": page,
            "when": filters["when"],
            "can_add": _managed_spaces(user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    spaces = _managed_spaces(request.user)
    if not spaces.exists():
        raise PermissionDenied
    initial = {}
    if request.GET.get("space", "").isdigit():
        initial["space"] = int(request.GET["space"])
    form = MeetingForm(request.POST or None, spaces=spaces, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                actor=request.user, space=form.cleaned_data["space"], data=form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting has been created."))
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


@login_required
def meeting_detail(request, pk: int):
    user = request.user
    meeting = selectors.meeting_get_for_user(user, pk, for_display=True)
    can_edit = user.has_perm("meetings.change_meeting", meeting) and not meeting.space.is_closed
    minutes = selectors.minutes_for_user(user, meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "space": meeting.space,
            "agenda": selectors.agenda_rows(meeting),
            "sessions": selectors.sessions_with_speakers(meeting),
            "attendance": selectors.attendance_table(meeting),
            "minutes": minutes,
            "minutes_files": selectors.minutes_files(minutes),
            "recommendations": selectors.meeting_recommendations(meeting),
            "can_edit": can_edit,
            "registration": registration_selectors.meeting_panel(user, meeting),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_update(request, pk: int):
    meeting = selectors.meeting_get_for_user(request.user, pk, perm="meetings.change_meeting")
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=request.user,
                meeting=selectors.meeting_get_for_user(request.user, pk),
                data=form.service_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


def _editable(request, pk: int):
    return selectors.meeting_get_for_user(request.user, pk, perm="meetings.change_meeting")


def _form_page(request, *, meeting, form, title, form_id, extra=None):
    context = {"meeting": meeting, "form": form, "title": title, "form_id": form_id}
    context.update(extra or {})
    return render(request, "meetings/form.html", context)


# --- Agenda, sessions, speakers -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, pk: int, item_pk: int | None = None):
    meeting = _editable(request, pk)
    item = selectors.child_get(meeting, AgendaItem, item_pk) if item_pk else None
    form = AgendaItemForm(request.POST or None, instance=item, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_save(
                actor=request.user, meeting=meeting, item=item, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The agenda has been saved."))
            return redirect(f"{meeting.get_absolute_url()}#agenda")
    title = _("Change an agenda item") if item else _("Add an agenda item")
    return _form_page(request, meeting=meeting, form=form, title=title, form_id="agenda-form")


@login_required
@require_POST
def agenda_item_delete(request, pk: int, item_pk: int):
    meeting = _editable(request, pk)
    item = selectors.child_get(meeting, AgendaItem, item_pk)
    services.agenda_item_delete(actor=request.user, item=item)
    messages.success(request, _("The item has been taken off the agenda."))
    return redirect(f"{meeting.get_absolute_url()}#agenda")


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int, session_pk: int | None = None):
    meeting = _editable(request, pk)
    session = selectors.child_get(meeting, Session, session_pk) if session_pk else None
    form = SessionForm(request.POST or None, instance=session, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_save(
                actor=request.user, meeting=meeting, session=session, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The session has been saved."))
            return redirect(f"{meeting.get_absolute_url()}#session-{session.pk}")
    title = _("Change a session") if session else _("Add a session")
    return _form_page(request, meeting=meeting, form=form, title=title, form_id="session-form")


@login_required
@require_POST
def session_delete(request, pk: int, session_pk: int):
    meeting = _editable(request, pk)
    session = selectors.child_get(meeting, Session, session_pk)
    try:
        services.session_delete(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session has been removed."))
    return redirect(f"{meeting.get_absolute_url()}#sessions")


@login_required
@require_http_methods(["GET", "POST"])
def speaker_edit(request, pk: int, session_pk: int, speaker_pk: int | None = None):
    meeting = _editable(request, pk)
    session = selectors.child_get(meeting, Session, session_pk)
    speaker = None
    if speaker_pk:
        speaker = selectors.child_get(meeting, Speaker, speaker_pk)
        if speaker.session_id != session.pk:
            raise Http404
    form = SpeakerForm(request.POST or None, instance=speaker)
    if request.method == "POST" and form.is_valid():
        try:
            services.speaker_save(
                actor=request.user, session=session, speaker=speaker, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The speaker has been saved."))
            return redirect(f"{meeting.get_absolute_url()}#session-{session.pk}")
    title = _("Change a speaker") if speaker else _("Add a speaker")
    return _form_page(
        request,
        meeting=meeting,
        form=form,
        title=title,
        form_id="speaker-form",
        extra={"subtitle": session.title},
    )


@login_required
@require_POST
def speaker_delete(request, pk: int, speaker_pk: int):
    meeting = _editable(request, pk)
    speaker = selectors.child_get(meeting, Speaker, speaker_pk)
    services.speaker_delete(actor=request.user, speaker=speaker)
    messages.success(request, _("The speaker has been removed."))
    return redirect(f"{meeting.get_absolute_url()}#sessions")


# --- Attendance and minutes ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attendance_edit(request, pk: int):
    meeting = _editable(request, pk)
    if request.method == "POST":
        formset = AttendanceFormSet(request.POST, prefix="attendance")
    else:
        formset = AttendanceFormSet(prefix="attendance", initial=attendance_initial(meeting))
    if request.method == "POST" and formset.is_valid():
        try:
            services.attendance_set(actor=request.user, meeting=meeting, rows=formset.rows())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The attendance has been saved."))
            return redirect(f"{meeting.get_absolute_url()}#attendance")
    return render(
        request, "meetings/attendance_form.html", {"meeting": meeting, "formset": formset}
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request, pk: int):
    meeting = _editable(request, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    form = MinutesForm(request.POST or None, instance=minutes)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_save(
                actor=request.user, meeting=meeting, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The minutes have been saved."))
            return redirect(f"{meeting.get_absolute_url()}#minutes")
    return _form_page(
        request,
        meeting=meeting,
        form=form,
        title=_("Minutes of the meeting"),
        form_id="minutes-form",
    )


@login_required
@require_POST
def minutes_publish(request, pk: int):
    meeting = _editable(request, pk)
    publish = request.POST.get("publish") == "1"
    try:
        services.minutes_publish(actor=request.user, meeting=meeting, publish=publish)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The minutes have been published.") if publish else _("The minutes are withdrawn."),
        )
    return redirect(f"{meeting.get_absolute_url()}#minutes")


def _serve(file, *, name: str) -> FileResponse:
    """A stored file, after the caller authorised the reader: the registry's type, nosniff, and
    as an attachment unless it is an image (decision 16). Never from /media/."""
    content_type = content_type_for(file.name)
    response = FileResponse(
        file.open("rb"),
        as_attachment=not content_type.startswith("image/"),
        filename=name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def minutes_file_add(request, pk: int):
    meeting = _editable(request, pk)
    form = MinutesFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_file_add(
                actor=request.user,
                meeting=meeting,
                file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The file has been added to the minutes."))
            return redirect(f"{meeting.get_absolute_url()}#minutes")
    return _form_page(
        request,
        meeting=meeting,
        form=form,
        title=_("Add a document or a photo to the minutes"),
        form_id="minutes-file-form",
    )


@login_required
@require_GET
def minutes_file(request, pk: int):
    attachment = selectors.minutes_file_get_for_user(request.user, pk)
    return _serve(attachment.file, name=attachment.original_name)


@login_required
@require_POST
def minutes_file_remove(request, pk: int):
    attachment = selectors.minutes_file_get_for_user(
        request.user, pk, perm="meetings.change_meeting"
    )
    meeting = attachment.minutes.meeting
    try:
        services.minutes_file_remove(actor=request.user, attachment=attachment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file has been removed from the minutes."))
    return redirect(f"{meeting.get_absolute_url()}#minutes")


@login_required
@require_GET
def update_evidence(request, pk: int):
    update = selectors.update_evidence_get_for_user(request.user, pk)
    return _serve(update.evidence_file, name=update.evidence_file_name)


# --- Recommendations ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_create(request, pk: int):
    meeting = selectors.meeting_get_for_user(
        request.user, pk, perm="meetings.change_recommendation"
    )
    form = RecommendationForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_create(
                actor=request.user, meeting=meeting, data=form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The recommendation has been recorded."))
            if "another" in request.POST:
                return redirect("meetings:recommendation_create", pk=meeting.pk)
            return redirect(f"{meeting.get_absolute_url()}#recommendations")
    return render(
        request,
        "meetings/recommendation_form.html",
        {"form": form, "meeting": meeting, "recommendation": None},
    )


@login_required
def recommendation_detail(request, pk: int):
    user = request.user
    recommendation = selectors.recommendation_get_for_user(user, pk)
    meeting = recommendation.meeting
    can_edit = user.has_perm("meetings.change_recommendation", recommendation)
    can_edit = can_edit and not meeting.space.is_closed
    return render(
        request,
        "meetings/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "meeting": meeting,
            "sees_meeting": user.has_perm("meetings.view_meeting", meeting),
            "updates": selectors.recommendation_updates(recommendation),
            "can_edit": can_edit,
            "update_form": UpdateForm(recommendation=recommendation) if can_edit else None,
            "is_public": selectors.is_public(recommendation),
            "implementation": selectors.implementation(user, recommendation),
            "link_form": (
                ActionLinkForm(user=user, recommendation=recommendation) if can_edit else None
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_link_action(request, pk: int):
    recommendation = selectors.recommendation_get_for_user(
        request.user, pk, perm="meetings.change_recommendation"
    )
    form = ActionLinkForm(request.POST or None, user=request.user, recommendation=recommendation)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_link_action(
                actor=request.user,
                recommendation=recommendation,
                action=form.cleaned_data["action"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action is linked to the recommendation."))
            return redirect(f"{recommendation.get_absolute_url()}#actions")
    return _form_page(
        request,
        meeting=recommendation.meeting,
        form=form,
        title=_("Link an action to recommendation %(code)s") % {"code": recommendation.code},
        form_id="link-form",
        extra={"subtitle": recommendation.display_title, "recommendation": recommendation},
    )


@login_required
@require_POST
def recommendation_unlink_action(request, pk: int, link_pk: int):
    recommendation = selectors.recommendation_get_for_user(
        request.user, pk, perm="meetings.change_recommendation"
    )
    link = get_object_or_404(
        RecommendationAction.objects.select_related("recommendation__meeting"),
        pk=link_pk,
        recommendation=recommendation,
    )
    services.recommendation_unlink_action(actor=request.user, link=link)
    messages.success(request, _("The action is no longer linked to the recommendation."))
    return redirect(f"{recommendation.get_absolute_url()}#actions")


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_update(request, pk: int):
    recommendation = selectors.recommendation_get_for_user(
        request.user, pk, perm="meetings.change_recommendation"
    )
    meeting = recommendation.meeting
    form = RecommendationForm(request.POST or None, instance=recommendation, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_update(
                actor=request.user,
                recommendation=selectors.recommendation_get_for_user(request.user, pk),
                data=form.service_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(recommendation)
    return render(
        request,
        "meetings/recommendation_form.html",
        {"form": form, "meeting": meeting, "recommendation": recommendation},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_add_update(request, pk: int):
    recommendation = selectors.recommendation_get_for_user(
        request.user, pk, perm="meetings.change_recommendation"
    )
    form = UpdateForm(request.POST or None, request.FILES or None, recommendation=recommendation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recommendation_add_update(
                actor=request.user,
                recommendation=recommendation,
                state=data["state"],
                justification=data["justification"],
                text=data["text"],
                on=data["on"],
                evidence_url=data["evidence_url"],
                evidence_note=data["evidence_note"],
                evidence_file=data["evidence_file"],
                base_url=_base_url(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The update has been recorded."))
            return redirect(recommendation)
    return _form_page(
        request,
        meeting=recommendation.meeting,
        form=form,
        title=_("Follow-up of recommendation %(code)s") % {"code": recommendation.code},
        form_id="update-form",
        extra={"subtitle": recommendation.display_title, "recommendation": recommendation},
    )


def _tracking(request, space, *, public_only: bool):
    user = request.user
    base = selectors.recommendation_list(user=user, space=space, public_only=public_only)
    addressees = Organisation.objects.filter(pk__in=base.values("addressees")).order_by(
        "name_fr", "name_ar"
    )
    form = RecommendationFilterForm(request.GET, addressees=addressees)
    recommendations = selectors.recommendation_list(
        user=user, space=space, public_only=public_only, **form.filters()
    )
    page = Paginator(recommendations, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "meetings/recommendation_list.html"
    if request.htmx:
        template += "#results"
    return render(
        request,
        template,
        {"space": space, "form": form, "page": page, "public_only": public_only},
    )


@login_required
def space_recommendations(request, space_pk: int):
    space = selectors.space_for_meetings(request.user, space_pk)
    return _tracking(request, space, public_only=False)


@require_GET
def public_space_recommendations(request, space_pk: int):
    """What became of what was asked for, for anyone: a public space's public recommendations."""
    space = selectors.space_for_meetings(request.user, space_pk)
    if space.visibility != Space.Visibility.PUBLIC:
        raise Http404
    return _tracking(request, space, public_only=True)


@require_GET
def public_recommendation(request, pk: int):
    recommendation = selectors.public_recommendation_get(pk)
    return render(
        request,
        "meetings/recommendation_public.html",
        {
            "recommendation": recommendation,
            "meeting": recommendation.meeting,
            "updates": selectors.recommendation_updates(recommendation),
        },
    )


@require_GET
def space_calendar(request, space_pk: int):
    """The space's meetings as iCalendar: public spaces for anyone, others with a session."""
    space = selectors.space_for_meetings(request.user, space_pk)
    meetings = selectors.meeting_list(user=request.user, space=space).prefetch_related(
        "co_organisers"
    )
    url = request.build_absolute_uri(reverse("meetings:meeting_list"))
    body = calendar.feed(space=space, meetings=meetings, host=request.get_host(), base_url=url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="meetings-{space.pk}.ics"'
    return response
