from decimal import Decimal

import factory

from madina.territory.models import Area


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["code"]

    level = Area.Level.REGION
    code = factory.Sequence(lambda n: f"9{n:02d}")
    name_fr = factory.Sequence(lambda n: f"Région {n}")
    name_ar = factory.Sequence(lambda n: f"جهة {n}")


class ProvinceFactory(RegionFactory):
    level = Area.Level.PROVINCE
    parent = factory.SubFactory(RegionFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}.{n:03d}")
    name_fr = factory.Sequence(lambda n: f"Province {n}")
    name_ar = factory.Sequence(lambda n: f"إقليم {n}")


class CommuneFactory(RegionFactory):
    level = Area.Level.COMMUNE
    parent = factory.SubFactory(ProvinceFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}.01.{n:02d}")
    name_fr = factory.Sequence(lambda n: f"Commune {n}")
    name_ar = factory.Sequence(lambda n: f"جماعة {n}")
    latitude = Decimal("35.100000")
    longitude = Decimal("-2.900000")
