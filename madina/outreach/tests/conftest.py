"""Fixtures of the capsules, schools and sessions tests: a small territory of our own (as in the
directory tests), a capsule and a school; plain helpers are in ``fixtures_sessions.py``.

The training and advocacy tests keep theirs in ``fixtures_trainings.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from madina.actors.tests.factories import AreaFactory
from madina.outreach import services
from madina.outreach.models import Capsule, School
from madina.outreach.tests.fixtures_sessions import capsule_data, school_data
from madina.territory.models import Area


@dataclass
class Territory:
    province: Area
    nador: Area
    beni_ansar: Area
    selouane: Area


@pytest.fixture
def territory(db) -> Territory:
    region = AreaFactory(level=Area.Level.REGION, code="02", name_fr="Oriental", name_ar="الشرق")
    province = AreaFactory(
        level=Area.Level.PROVINCE, code="02.381", name_fr="Nador", name_ar="الناظور", parent=region
    )

    def commune(code, name_fr, name_ar, lat, lng):
        return AreaFactory(
            code=code,
            name_fr=name_fr,
            name_ar=name_ar,
            parent=province,
            latitude=Decimal(lat),
            longitude=Decimal(lng),
        )

    return Territory(
        province=province,
        nador=commune("02.381.01.01", "Nador", "الناظور", "35.168", "-2.933"),
        beni_ansar=commune("02.381.01.03", "Beni Ansar", "بني أنصار", "35.262", "-2.928"),
        selouane=commune("02.381.05.11", "Selouane", "سلوان", "35.073", "-2.940"),
    )


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def capsule(cast) -> Capsule:
    return services.capsule_create(
        actor=cast.coordinator, organisation=cast.organisation, data=capsule_data()
    )


@pytest.fixture
def school(cast, territory) -> School:
    return services.school_create(actor=cast.coordinator, data=school_data(territory.nador))


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English unless a test asks for a language (/ar/…, override)."""
    from django.utils import translation

    with translation.override("en"):
        yield
