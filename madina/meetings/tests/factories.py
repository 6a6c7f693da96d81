import datetime

import factory

from madina.actors.tests.factories import AreaFactory, OrganisationFactory
from madina.coordination.tests.factories import SpaceFactory
from madina.meetings.models import (
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    Minutes,
    Recommendation,
    Registration,
    Session,
    Speaker,
)

UTC = datetime.UTC


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    space = factory.SubFactory(SpaceFactory)
    title = factory.Sequence(lambda n: f"Rencontre de concertation {n}")
    type = Meeting.Type.CONSULTATION
    mode = Meeting.Mode.IN_PERSON
    status = Meeting.Status.HELD
    starts_at = datetime.datetime(2025, 3, 6, 9, 30, tzinfo=UTC)
    ends_at = datetime.datetime(2025, 3, 6, 13, 0, tzinfo=UTC)
    commune = factory.SubFactory(AreaFactory)
    address = "Salle de conférences"
    organiser = factory.SubFactory(OrganisationFactory)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Point {n}")
    order = factory.Sequence(lambda n: n + 1)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Séance {n}")
    order = factory.Sequence(lambda n: n + 1)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    session = factory.SubFactory(SessionFactory)
    name = factory.Sequence(lambda n: f"Intervenant {n}")
    position = "Coordinateur de projet"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    women = 3
    men = 2


class MinutesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Minutes

    meeting = factory.SubFactory(MeetingFactory)
    text = "Compte rendu de la rencontre."


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Recommandation {n}")
    text = "Renforcer la coordination régionale."
    state = Recommendation.State.ADOPTED


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration
        skip_postgeneration_save = True

    invitation = factory.SubFactory(InvitationFactory, state=Invitation.State.ACCEPTED)
    women = 2
    men = 1

    @factory.post_generation
    def _accepted(self, create, extracted, **kwargs):
        """A registration belongs to an accepted invitation."""
        if create and self.invitation.state != Invitation.State.ACCEPTED:
            Invitation.objects.filter(pk=self.invitation_id).update(state=Invitation.State.ACCEPTED)
            self.invitation.state = Invitation.State.ACCEPTED
