"""Reads of invitations and registrations (docs/decisions/0019).

``places`` counts what is taken and what is left of a meeting's places; ``summary`` is what an
organiser needs to prepare the room: answers, people by sex, interpreters, childcare,
accessibility. ``invitation_get_for_user`` answers 404 to whoever is neither of the invited
organisation nor an editor of the meeting, and 403 to whoever sees it but may not do ``perm``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from madina.accounts.rules import organisation_ids
from madina.actors.models import Organisation
from madina.core.permissions import require
from madina.meetings.models import InterpretationLanguage, Invitation, Meeting, Registration


@dataclass(frozen=True)
class Places:
    """A meeting's places: ``capacity`` None means no limit.

    Two rules hold: everyone registered fits in ``capacity``, and those registered by invitations
    that do not use the reserved places fit in ``capacity - reserved``.
    """

    capacity: int | None
    reserved: int
    registered: int
    registered_reserved: int

    @property
    def is_limited(self) -> bool:
        return self.capacity is not None

    @property
    def registered_general(self) -> int:
        return self.registered - self.registered_reserved

    @property
    def left(self) -> int | None:
        """Places left for an ordinary invitation: what everyone is shown."""
        if self.capacity is None:
            return None
        return max(
            0,
            min(
                self.capacity - self.registered,
                self.capacity - self.reserved - self.registered_general,
            ),
        )

    @property
    def reserved_left(self) -> int | None:
        """Reserved places not taken yet by the invitations that may use them."""
        if self.capacity is None:
            return None
        return max(
            0, min(self.capacity - self.registered, self.reserved - self.registered_reserved)
        )

    def left_for(self, invitation: Invitation) -> int | None:
        """How many people ``invitation`` may register (its own registration counted out)."""
        if self.capacity is None:
            return None
        if invitation.uses_reserved_places:
            return max(0, self.capacity - self.registered)
        return self.left


def _people():
    return Sum("women") + Sum("men") + Sum("other")


def places(meeting: Meeting, *, excluding: Invitation | None = None) -> Places:
    """The meeting's places, leaving out ``excluding``'s registration (the one being changed)."""
    registrations = Registration.objects.filter(
        invitation__meeting=meeting, invitation__state=Invitation.State.ACCEPTED
    )
    if excluding is not None:
        registrations = registrations.exclude(invitation=excluding)
    totals = registrations.aggregate(
        registered=_people(),
        reserved=Sum("women", filter=Q(invitation__uses_reserved_places=True), default=0)
        + Sum("men", filter=Q(invitation__uses_reserved_places=True), default=0)
        + Sum("other", filter=Q(invitation__uses_reserved_places=True), default=0),
    )
    return Places(
        capacity=meeting.capacity,
        reserved=meeting.reserved_places,
        registered=totals["registered"] or 0,
        registered_reserved=totals["reserved"] or 0,
    )


def invitation_get_for_user(user, pk: int, *, perm: str = "meetings.view_invitation") -> Invitation:
    """The invitation ``pk`` for its organisation's people and the meeting's editors (else 404),
    if ``user`` may do ``perm`` on it (else 403)."""
    invitation = get_object_or_404(
        Invitation.objects.select_related(
            "meeting__space", "meeting__commune", "meeting__organiser", "organisation"
        ),
        pk=pk,
    )
    require(user, perm, invitation, visible=user.has_perm("meetings.view_invitation", invitation))
    return invitation


def registration_of(invitation: Invitation) -> Registration | None:
    return Registration.objects.filter(invitation=invitation).first()


def my_invitations(user, meeting: Meeting) -> list[Invitation]:
    """The invitations of ``user``'s organisations to ``meeting``."""
    mine = organisation_ids(user)
    if not mine:
        return []
    return list(meeting.invitations.filter(organisation_id__in=mine).select_related("organisation"))


def invitations(meeting: Meeting) -> QuerySet[Invitation]:
    """Every invitation of the meeting with its registration, in a fixed number of queries."""
    return meeting.invitations.select_related("organisation", "registration").order_by(
        "organisation__name_fr", "organisation__name_ar", "pk"
    )


def members_not_invited(meeting: Meeting) -> QuerySet[Organisation]:
    """The space's current member organisations that have no invitation yet."""
    return (
        Organisation.objects.filter(
            pk__in=meeting.space.members.current().values("organisation_id"), is_active=True
        )
        .exclude(meeting_invitations__meeting=meeting)
        .order_by("name_fr", "name_ar")
    )


def others_not_invited(meeting: Meeting) -> QuerySet[Organisation]:
    """Active organisations outside the space that have no invitation yet."""
    return (
        Organisation.objects.filter(is_active=True)
        .exclude(pk__in=meeting.space.members.current().values("organisation_id"))
        .exclude(meeting_invitations__meeting=meeting)
        .order_by("name_fr", "name_ar")
    )


@dataclass
class LanguageNeed:
    code: str
    label: str
    people: int
    organisations: int


@dataclass
class NamedNeed:
    organisation: Organisation
    text: str


@dataclass
class RegistrationSummary:
    """What an organiser needs to prepare: answers, people by sex, and their needs."""

    invited: int = 0
    accepted: int = 0
    declined: int = 0
    women: int = 0
    men: int = 0
    other: int = 0
    interpretation: list[LanguageNeed] = field(default_factory=list)
    other_languages: list[NamedNeed] = field(default_factory=list)
    childcare_places: int = 0
    wheelchair_access: int = 0
    sign_language: int = 0
    other_needs: list[NamedNeed] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.women + self.men + self.other

    @property
    def answered(self) -> int:
        return self.accepted + self.declined


def summary(meeting: Meeting) -> RegistrationSummary:
    """Answers and accepted registrations of ``meeting`` added up (three queries)."""
    result = RegistrationSummary()
    states = dict(
        meeting.invitations.values_list("state").annotate(n=Count("pk")).order_by("state")
    )
    result.accepted = states.get(Invitation.State.ACCEPTED, 0)
    result.declined = states.get(Invitation.State.DECLINED, 0)
    result.invited = sum(states.values())
    registrations = Registration.objects.filter(
        invitation__meeting=meeting, invitation__state=Invitation.State.ACCEPTED
    ).select_related("invitation__organisation")
    people: dict[str, int] = {}
    asking: dict[str, int] = {}
    for registration in registrations:
        organisation = registration.invitation.organisation
        result.women += registration.women
        result.men += registration.men
        result.other += registration.other
        result.childcare_places += registration.childcare_places
        result.wheelchair_access += registration.wheelchair_access
        result.sign_language += registration.sign_language
        for code, count in (registration.interpretation or {}).items():
            people[code] = people.get(code, 0) + count
            asking[code] = asking.get(code, 0) + 1
        if registration.interpretation_other:
            result.other_languages.append(
                NamedNeed(organisation, registration.interpretation_other)
            )
        if registration.other_needs:
            result.other_needs.append(NamedNeed(organisation, registration.other_needs))
    result.interpretation = [
        LanguageNeed(language.value, language.label, people[language.value], asking[language.value])
        for language in InterpretationLanguage
        if people.get(language.value)
    ]
    return result


@dataclass
class MeetingPanel:
    """What the meeting page shows of registration to ``user``."""

    places: Places | None
    mine: list[Invitation]
    summary: RegistrationSummary | None
    manages: bool


def meeting_panel(user, meeting: Meeting) -> MeetingPanel:
    manages = user.has_perm("meetings.manage_invitations", meeting)
    return MeetingPanel(
        places=places(meeting) if meeting.capacity is not None else None,
        mine=my_invitations(user, meeting),
        summary=summary(meeting) if manages else None,
        manages=manages,
    )
