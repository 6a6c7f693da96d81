"""A small territory and taxonomy of our own for the registry's tests (no reference files).

``registry`` gives two provinces with communes, a sector with a sub-sector and another sector,
two target groups and an activity type. Use it beside the shared ``cast``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from madina.actors.models import Sector
from madina.actors.tests.factories import AreaFactory, SectorFactory
from madina.initiatives.models import ActivityType, TargetGroup
from madina.initiatives.tests.factories import ActivityTypeFactory, TargetGroupFactory
from madina.territory.models import Area


@dataclass
class Registry:
    nador_province: Area
    oujda_province: Area
    nador: Area
    beni_ansar: Area
    oujda: Area
    health: Sector
    mental_health: Sector
    education: Sector
    women: TargetGroup
    children: TargetGroup
    awareness: ActivityType


@pytest.fixture
def registry(db) -> Registry:
    region = AreaFactory(level=Area.Level.REGION, code="02", name_fr="Oriental", name_ar="الشرق")
    nador_province = AreaFactory(
        level=Area.Level.PROVINCE, code="02.381", name_fr="Nador", name_ar="الناظور", parent=region
    )
    oujda_province = AreaFactory(
        level=Area.Level.PROVINCE,
        code="02.411",
        name_fr="Oujda-Angad",
        name_ar="وجدة أنكاد",
        parent=region,
    )

    def commune(code, name_fr, name_ar, parent):
        return AreaFactory(
            code=code,
            name_fr=name_fr,
            name_ar=name_ar,
            parent=parent,
            latitude=Decimal("35.1"),
            longitude=Decimal("-2.9"),
        )

    health = SectorFactory(code="SNIA-03", name_fr="Santé", name_ar="الصحة", name_en="Health")
    return Registry(
        nador_province=nador_province,
        oujda_province=oujda_province,
        nador=commune("02.381.01.05", "Nador", "الناظور", nador_province),
        beni_ansar=commune("02.381.01.03", "Beni Ansar", "بني أنصار", nador_province),
        oujda=commune("02.411.01.23", "Oujda", "وجدة", oujda_province),
        health=health,
        mental_health=SectorFactory(
            code="SNIA-03-PSY",
            kind=Sector.Kind.SUBSECTOR,
            parent=health,
            name_fr="Santé mentale",
            name_ar="الصحة النفسية",
        ),
        education=SectorFactory(code="SNIA-01", name_fr="Éducation", name_ar="التربية"),
        women=TargetGroupFactory(code="women", name_fr="Femmes", name_ar="النساء"),
        children=TargetGroupFactory(
            code="unaccompanied-children",
            name_fr="Enfants non accompagnés",
            name_ar="الأطفال غير المرافقين",
        ),
        awareness=ActivityTypeFactory(code="awareness", name_fr="Sensibilisation", name_ar="تحسيس"),
    )
