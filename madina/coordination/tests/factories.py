import datetime

import factory

from madina.accounts.tests.factories import UserFactory
from madina.actors.tests.factories import OrganisationFactory
from madina.coordination.models import (
    Programme,
    ProgrammeItem,
    Responsibility,
    Space,
    SpaceMember,
    SpaceRole,
)


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    name_fr = factory.Sequence(lambda n: f"Espace de coordination {n}")
    name_ar = factory.Sequence(lambda n: f"فضاء التنسيق {n}")
    type = Space.Type.LOCAL_CSO
    visibility = Space.Visibility.PUBLIC
    created_on = datetime.date(2024, 1, 1)


class SpaceMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpaceMember

    space = factory.SubFactory(SpaceFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    position = SpaceMember.Position.MEMBER
    start_date = datetime.date(2024, 2, 1)


class SpaceRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpaceRole

    space = factory.SubFactory(SpaceFactory)
    user = factory.SubFactory(UserFactory)
    role = SpaceRole.Role.EDITOR


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    space = factory.SubFactory(SpaceFactory)
    title = factory.Sequence(lambda n: f"Programme d'action {n}")
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2026, 12, 31)
    status = Programme.Status.ADOPTED


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeItem

    programme = factory.SubFactory(ProgrammeFactory)
    kind = ProgrammeItem.Kind.ACTION
    code = factory.Sequence(lambda n: f"A{n}")
    title = factory.Sequence(lambda n: f"Action {n}")
    start_date = datetime.date(2025, 1, 1)
    due_date = datetime.date(2025, 6, 30)


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    item = factory.SubFactory(ItemFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Responsibility.Role.ACCOUNTABLE
