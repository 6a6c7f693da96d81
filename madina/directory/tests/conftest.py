"""A small territory of our own, so that these tests do not depend on the reference data files."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from madina.actors.tests.factories import AreaFactory
from madina.territory.models import Area


@dataclass
class Territory:
    province: Area
    nador: Area
    beni_ansar: Area
    selouane: Area
    other_province: Area
    oujda: Area


@pytest.fixture
def territory(db) -> Territory:
    region = AreaFactory(level=Area.Level.REGION, code="02", name_fr="Oriental", name_ar="الشرق")
    province = AreaFactory(
        level=Area.Level.PROVINCE, code="02.381", name_fr="Nador", name_ar="الناظور", parent=region
    )

    def commune(code, name_fr, name_ar, lat, lng, parent=province):
        return AreaFactory(
            code=code,
            name_fr=name_fr,
            name_ar=name_ar,
            parent=parent,
            latitude=Decimal(lat),
            longitude=Decimal(lng),
        )

    other = AreaFactory(
        level=Area.Level.PROVINCE,
        code="02.411",
        name_fr="Oujda-Angad",
        name_ar="وجدة أنكاد",
        parent=region,
    )
    return Territory(
        province=province,
        nador=commune("02.381.01.01", "Nador", "الناظور", "35.168", "-2.933"),
        beni_ansar=commune("02.381.01.03", "Beni Ansar", "بني أنصار", "35.262", "-2.928"),
        selouane=commune("02.381.05.11", "Selouane", "سلوان", "35.073", "-2.940"),
        other_province=other,
        oujda=commune("02.411.01.01", "Oujda", "وجدة", "34.681", "-1.908", parent=other),
    )
