import datetime

import factory

from madina.actors.tests.factories import AreaFactory, OrganisationFactory, SectorFactory
from madina.initiatives.models import (
    ActivityType,
    Initiative,
    InitiativePartner,
    ReachReport,
    ReportingPeriod,
    TargetGroup,
)


class TargetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetGroup
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"group-{n}")
    name_fr = factory.Sequence(lambda n: f"Groupe {n}")
    name_ar = factory.Sequence(lambda n: f"فئة {n}")
    name_en = factory.Sequence(lambda n: f"Group {n}")


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"activity-{n}")
    name_fr = factory.Sequence(lambda n: f"Activité {n}")
    name_ar = factory.Sequence(lambda n: f"نشاط {n}")
    name_en = factory.Sequence(lambda n: f"Activity {n}")


class InitiativeFactory(factory.django.DjangoModelFactory):
    """An ongoing initiative in one commune; pass ``communes=[…]`` or ``target_groups=[…]``."""

    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Initiative {n}")
    language = "fr"
    lead_organisation = factory.SubFactory(OrganisationFactory)
    sector = factory.SubFactory(SectorFactory)
    status = Initiative.Status.ONGOING
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2026, 12, 31)

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create:
            self.communes.set(extracted if extracted is not None else [AreaFactory()])

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_groups.set(extracted)


class InitiativePartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InitiativePartner

    initiative = factory.SubFactory(InitiativeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = InitiativePartner.Role.IMPLEMENTING


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ["month"]

    month = datetime.date(2026, 3, 1)


class ReachReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReachReport

    initiative = factory.SubFactory(InitiativeFactory)
    commune = factory.SubFactory(AreaFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    women = 10
    men = 5
    girls = 3
    boys = 2
