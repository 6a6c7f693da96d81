import factory

from madina.actors.tests.factories import OrganisationFactory
from madina.directory.models import Service


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name_fr = factory.Sequence(lambda n: f"Service numéro {n}")
    name_ar = factory.Sequence(lambda n: f"خدمة رقم {n}")
    type = Service.Type.PSYCHOSOCIAL
    cost = Service.Cost.FREE
    languages = "ar ary fr"
