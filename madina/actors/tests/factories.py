import factory

from madina.actors.models import Organisation, Sector


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
