"""Pages of invitations and registrations: selector → form → service → response.

``/meetings/<pk>/invitations/`` is the editors' page (invite, answers, what to prepare);
``/meetings/invitations/<pk>/`` is an invited organisation's page (answer, register its people).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from madina.core.forms import add_service_errors
from madina.meetings import registration_selectors, registration_services, selectors
from madina.meetings.models import Meeting
from madina.meetings.registration_forms import InviteForm, RegistrationForm


def _is_open(meeting: Meeting) -> bool:
    return (
        meeting.status != Meeting.Status.CANCELLED
        and timezone.now() < meeting.starts_at
        and not meeting.space.is_closed
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request, pk: int):
    """The meeting's invitations with their answers and registrations; invite more."""
    user = request.user
    perm = (
        "meetings.manage_invitations" if request.method == "POST" else "meetings.view_registrations"
    )
    meeting = selectors.meeting_get_for_user(user, pk, perm=perm)
    form = InviteForm(
        request.POST or None,
        members=registration_selectors.members_not_invited(meeting),
        others=registration_selectors.others_not_invited(meeting),
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = registration_services.invitations_send(
                actor=user,
                meeting=meeting,
                organisations=form.organisations(),
                uses_reserved_places=form.cleaned_data["uses_reserved_places"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s organisation is invited; its people are told by e-mail.",
                    "%(count)s organisations are invited; their people are told by e-mail.",
                    len(created),
                )
                % {"count": len(created)},
            )
            return redirect("meetings:invitation_list", pk=meeting.pk)
    is_open = _is_open(meeting)
    return render(
        request,
        "meetings/invitation_list.html",
        {
            "meeting": meeting,
            "invitations": registration_selectors.invitations(meeting),
            "summary": registration_selectors.summary(meeting),
            "places": registration_selectors.places(meeting),
            "form": form if is_open else None,
            "can_manage": is_open and user.has_perm("meetings.manage_invitations", meeting),
        },
    )


@login_required
@require_POST
def invitation_reserved(request, pk: int):
    invitation = registration_selectors.invitation_get_for_user(request.user, pk)
    meeting = selectors.meeting_get_for_user(
        request.user, invitation.meeting_id, perm="meetings.manage_invitations"
    )
    try:
        registration_services.invitation_set_reserved(
            actor=request.user,
            invitation=invitation,
            uses_reserved_places=request.POST.get("reserved") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The changes have been saved."))
    return redirect("meetings:invitation_list", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request, pk: int):
    """An invited organisation's page: the meeting, the places left, the answer and its people."""
    user = request.user
    perm = "meetings.answer_invitation" if request.method == "POST" else "meetings.view_invitation"
    invitation = registration_selectors.invitation_get_for_user(user, pk, perm=perm)
    meeting = invitation.meeting
    registration = registration_selectors.registration_of(invitation)
    can_answer = user.has_perm("meetings.answer_invitation", invitation) and _is_open(meeting)
    form = None
    if can_answer:
        form = RegistrationForm(request.POST or None, registration=registration)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            if form.accepts:
                registration_services.registration_save(
                    actor=user, invitation=invitation, data=form.service_data()
                )
            else:
                registration_services.invitation_decline(actor=user, invitation=invitation)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your registration has been saved.")
                if form.accepts
                else _("Your answer has been saved: your organisation will not come."),
            )
            return redirect(invitation)
    places = registration_selectors.places(meeting, excluding=invitation)
    return render(
        request,
        "meetings/invitation_detail.html",
        {
            "invitation": invitation,
            "meeting": meeting,
            "registration": registration,
            "form": form,
            "places_left": places.left_for(invitation),
            "sees_meeting": user.has_perm("meetings.view_meeting", meeting),
            "is_open": _is_open(meeting),
        },
    )
