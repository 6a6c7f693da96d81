"""Invitations and registrations: places, reserved places, answers by the right organisation,
the invitation e-mail. Refusals write nothing."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone, translation

from madina.accounts.models import Membership
from madina.accounts.tests.factories import MembershipFactory, UserFactory
from madina.actors.tests.factories import OrganisationFactory
from madina.core.models import AuditEvent
from madina.meetings import registration_selectors, registration_services, services
from madina.meetings.models import Invitation, Registration
from madina.meetings.tests.factories import InvitationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

register = registration_services.registration_save


def _written():
    return (
        Registration.objects.count(),
        AuditEvent.objects.count(),
        list(Invitation.objects.values_list("state", flat=True).order_by("pk")),
    )


def test_a_member_registers_and_the_invitation_is_accepted(cast, invitation):
    registration = register(
        actor=cast.admin,
        invitation=invitation,
        data={"women": 2, "men": 1, "interpretation": {"ber": 1}, "childcare_places": 1},
    )
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED and invitation.answered_at
    assert registration.total == 3 and registration.interpretation == {"ber": 1}
    assert registration_selectors.places(invitation.meeting).left == 5  # 10 - 2 reserved - 3
    events = AuditEvent.objects.filter(organisation_id=cast.organisation.pk)
    assert {e.object_type for e in events} == {"meetings.registration", "meetings.invitation"}


def test_over_capacity_is_refused_and_nothing_is_saved(cast, invitation):
    other = InvitationFactory(meeting=invitation.meeting, state="accepted")
    RegistrationFactory(invitation=other, women=4, men=2, other=0)
    before = _written()
    with translation.override("fr"), pytest.raises(ValidationError) as refusal:
        register(actor=cast.admin, invitation=invitation, data={"women": 2, "men": 1})
    assert "Il ne reste que 2 places" in refusal.value.messages[0]
    assert _written() == before
    register(actor=cast.admin, invitation=invitation, data={"women": 2})
    assert registration_selectors.places(invitation.meeting).left == 0


def test_reserved_places_are_kept_for_the_invitations_that_may_use_them(cast, invitation):
    meeting = invitation.meeting
    ordinary = InvitationFactory(meeting=meeting, organisation=cast.other_organisation)
    register(actor=cast.outsider, invitation=ordinary, data={"women": 8})
    with pytest.raises(ValidationError):
        register(actor=cast.admin, invitation=invitation, data={"men": 1})
    reserved = registration_services.invitation_set_reserved(
        actor=cast.coordinator, invitation=invitation, uses_reserved_places=True
    )
    register(actor=cast.admin, invitation=reserved, data={"men": 2})
    places = registration_selectors.places(meeting)
    assert (places.registered, places.left, places.reserved_left) == (10, 0, 0)


def test_changing_a_registration_counts_its_own_people_out(cast, invitation):
    register(actor=cast.admin, invitation=invitation, data={"women": 8})
    register(actor=cast.admin, invitation=invitation, data={"women": 7, "men": 1})
    assert Registration.objects.get().total == 8


def test_capacity_cannot_drop_below_the_people_registered(cast, invitation):
    register(actor=cast.admin, invitation=invitation, data={"women": 6})
    with pytest.raises(ValidationError) as refusal:
        services.meeting_update(
            actor=cast.coordinator, meeting=invitation.meeting, data={"capacity": 5}
        )
    assert "capacity" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        services.meeting_update(
            actor=cast.coordinator, meeting=invitation.meeting, data={"reserved_places": 11}
        )
    assert "reserved_places" in refusal.value.message_dict


@pytest.mark.parametrize(
    "data",
    [
        {"women": -1},
        {"women": 0, "men": 0},
        {"women": 2, "interpretation": {"ber": 3}},
        {"women": 2, "interpretation": {"klingon": 1}},
        {"women": 2, "interpretation": {"other": 1}},
        {"women": 2, "interpretation_other": "wolof"},
        {"women": 2, "childcare_places": -2},
        {"women": "2"},
    ],
)
def test_bad_registrations_are_refused_and_nothing_is_saved(cast, invitation, data):
    before = _written()
    with pytest.raises(ValidationError):
        register(actor=cast.admin, invitation=invitation, data=data)
    assert _written() == before


@pytest.mark.parametrize("who", ["readonly", "outsider", "coordinator"])
def test_only_the_invited_organisations_admins_and_members_answer(cast, invitation, who):
    before = _written()
    with pytest.raises(PermissionDenied):
        register(actor=getattr(cast, who), invitation=invitation, data={"women": 1})
    with pytest.raises(PermissionDenied):
        registration_services.invitation_decline(actor=getattr(cast, who), invitation=invitation)
    assert _written() == before


def test_declining_frees_the_places(cast, invitation):
    register(actor=cast.admin, invitation=invitation, data={"women": 5})
    registration_services.invitation_decline(actor=cast.member, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.state == "declined" and not Registration.objects.exists()
    assert registration_selectors.places(invitation.meeting).left == 8


def test_registration_closes_when_the_meeting_starts(cast, invitation):
    meeting = invitation.meeting
    meeting.starts_at = timezone.now() - datetime.timedelta(minutes=1)
    meeting.save()
    with pytest.raises(ValidationError):
        register(actor=cast.admin, invitation=invitation, data={"women": 1})
    assert not Registration.objects.exists()


def test_invitations_go_to_new_organisations_and_are_audited(cast, invitation):
    meeting = invitation.meeting
    outside = OrganisationFactory()
    created = registration_services.invitations_send(
        actor=cast.member, meeting=meeting, organisations=[cast.organisation, outside]
    )
    assert [i.organisation for i in created] == [outside]
    with pytest.raises(ValidationError):
        registration_services.invitations_send(
            actor=cast.member, meeting=meeting, organisations=[outside]
        )
    with pytest.raises(PermissionDenied):
        registration_services.invitations_send(
            actor=cast.admin, meeting=meeting, organisations=[OrganisationFactory()]
        )
    assert meeting.invitations.count() == 2


def test_the_invitation_email_speaks_each_recipients_language_and_names_no_one(
    cast, invitation, django_capture_on_commit_callbacks
):
    meeting = invitation.meeting
    meeting.title = "Rencontre sur l'accueil"
    meeting.save()
    outside = OrganisationFactory(name_fr="Association Oujda Solidarité", name_ar="جمعية وجدة")
    arabic = UserFactory(preferred_language="ar", full_name="Nadia Amrani")
    french = UserFactory(preferred_language="fr", full_name="Omar Benali")
    gone = UserFactory(preferred_language="fr", is_active=False)
    for user in (arabic, french, gone):
        MembershipFactory(user=user, organisation=outside, role=Membership.Role.READONLY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.invitations_send(
            actor=cast.coordinator,
            meeting=meeting,
            organisations=[outside],
            base_url="https://madina.example.org/",
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([arabic.email, french.email])
    by_person = {m.to[0]: m for m in mail.outbox}
    assert all(len(m.to) == 1 for m in mail.outbox)
    french_mail, arabic_mail = by_person[french.email], by_person[arabic.email]
    assert "Invitation à la rencontre" in french_mail.subject
    assert "Association Oujda Solidarité" in french_mail.body
    assert meeting.organiser.name_fr in french_mail.body
    assert "Rencontre sur l'accueil" in arabic_mail.body and "جمعية وجدة" in arabic_mail.body
    assert "/ar/meetings/invitations/" in arabic_mail.body
    assert "/fr/meetings/invitations/" in french_mail.body
    for message in mail.outbox:
        for person in (cast.coordinator, arabic, french):
            assert person.full_name not in message.body + message.subject
            assert person.email not in message.body
    assert meeting.address in french_mail.body


@pytest.mark.django_db(transaction=True)
def test_two_registrations_at_once_cannot_overbook(cast, invitation):
    """On PostgreSQL: the second registration waits for the first to commit, then is refused."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks are tried on PostgreSQL; SQLite serialises every write anyway.")
    other = InvitationFactory(meeting=invitation.meeting, organisation=cast.other_organisation)
    first_saved, second_started = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                register(actor=cast.admin, invitation=invitation, data={"women": 6})
                first_saved.set()
                second_started.wait(5)
                threading.Event().wait(0.5)  # the second is now waiting on the meeting's row
            outcome["first"] = "saved"
        finally:
            connections.close_all()

    def second():
        try:
            first_saved.wait(5)
            second_started.set()
            register(actor=cast.outsider, invitation=other, data={"men": 6})
            outcome["second"] = "saved"
        except ValidationError as error:
            outcome["second"] = error.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert outcome == {"first": "saved", "second": "full"}
    assert registration_selectors.places(invitation.meeting).registered == 6
