"""Fixtures of the training and advocacy tests, imported by those test modules.

Kept out of ``conftest.py``, which the capsules and sessions tests own. Each fixture function is
named ``<fixture>_fixture`` so that importing it does not shadow the tests' arguments.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from madina.actors.tests.factories import AreaFactory
from madina.outreach.models import AdvocacyAction, Attendance, Participant, Training
from madina.territory.models import Area

FIRST_DAY = datetime.date(2025, 3, 10)


@dataclass
class Places:
    province: Area
    nador: Area
    beni_ansar: Area


@pytest.fixture(name="places")
def places_fixture(db) -> Places:
    """A small territory of our own, as in the directory tests."""
    province = AreaFactory(
        level=Area.Level.PROVINCE, code="02.381", name_fr="Nador", name_ar="الناظور"
    )
    return Places(
        province=province,
        nador=AreaFactory(code="02.381.01.01", name_fr="Nador", name_ar="الناظور", parent=province),
        beni_ansar=AreaFactory(
            code="02.381.01.03", name_fr="Beni Ansar", name_ar="بني أنصار", parent=province
        ),
    )


@pytest.fixture(name="training")
def training_fixture(cast, places) -> Training:
    """A three-day training of the cast's organisation with two participants."""
    training = Training.objects.create(
        organisation=cast.organisation,
        title="Accompagnement des femmes victimes de violence",
        topic=Training.Topic.PROTECTION,
        starts_on=FIRST_DAY,
        ends_on=FIRST_DAY + datetime.timedelta(days=2),
        commune=places.nador,
        venue="Maison des associations",
        trainers="Nadia Amrani, Karim Boutaleb",
        pre_test_on=FIRST_DAY,
        post_test_on=FIRST_DAY + datetime.timedelta(days=2),
        max_score=20,
    )
    amina = Participant.objects.create(
        training=training,
        full_name="Amina Belkadi",
        sex=Participant.Sex.FEMALE,
        organisation=cast.other_organisation,
        function="assistante sociale",
        pre_score=Decimal(8),
        post_score=Decimal(16),
    )
    youssef = Participant.objects.create(
        training=training,
        full_name="Youssef Tahiri",
        sex=Participant.Sex.MALE,
        function="bénévole",
        pre_score=Decimal(10),
        post_score=Decimal(14),
    )
    Attendance.objects.bulk_create(
        [
            Attendance(participant=amina, day=FIRST_DAY),
            Attendance(participant=amina, day=FIRST_DAY + datetime.timedelta(days=1)),
            Attendance(participant=amina, day=FIRST_DAY + datetime.timedelta(days=2)),
            Attendance(participant=youssef, day=FIRST_DAY),
        ]
    )
    return training


@pytest.fixture(name="action")
def action_fixture(cast, places) -> AdvocacyAction:
    return AdvocacyAction.objects.create(
        organisation=cast.organisation,
        kind=AdvocacyAction.Kind.ADVOCACY,
        held_on=datetime.date(2025, 4, 2),
        target="Conseil communal de Nador",
        message="Inscrire l'accueil des personnes migrantes au plan d'action communal.",
        commune=places.nador,
        people_reached=25,
        outcome=AdvocacyAction.Outcome.PARTLY,
        outcome_notes="Une commission a été créée.",
    )
