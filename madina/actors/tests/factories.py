import factory

from madina.actors.models import FocalPerson, Organisation, Sector
from madina.territory.models import Area


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"TEST-{n:02d}")
    kind = Sector.Kind.SECTORAL
    name_fr = factory.Sequence(lambda n: f"Secteur {n}")
    name_ar = factory.Sequence(lambda n: f"قطاع {n}")
    name_en = factory.Sequence(lambda n: f"Sector {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_fr = factory.Sequence(lambda n: f"Association numéro {n}")
    name_ar = factory.Sequence(lambda n: f"جمعية رقم {n}")
    type = Organisation.Type.CSO


class FocalPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocalPerson

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Sequence(lambda n: f"Point focal {n}")
    role = "orientation"
    is_public = True


class AreaFactory(factory.django.DjangoModelFactory):
    """An administrative area; communes by default. Tests build their own small territory."""

    class Meta:
        model = Area
        django_get_or_create = ["code"]

    level = Area.Level.COMMUNE
    code = factory.Sequence(lambda n: f"99.{n:03d}")
    name_fr = factory.Sequence(lambda n: f"Commune {n}")
    name_ar = factory.Sequence(lambda n: f"جماعة {n}")
