"""Indicator values computed from the records, per period, with the records they counted."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from madina.actors.tests.factories import AreaFactory
from madina.outreach.models import AwarenessSession, Capsule, School
from madina.results import compute
from madina.results.models import Edition, Indicator, IndicatorValue, Project, Result
from madina.territory.models import Area

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    province = AreaFactory(level=Area.Level.PROVINCE, code="02.381", name_fr="Nador")
    nador = AreaFactory(code="02.381.01.01", name_fr="Nador", parent=province)
    oujda = AreaFactory(code="02.411.01.01", name_fr="Oujda")
    project = Project.objects.create(organisation=cast.organisation, name_fr="Al-Madina")
    edition = Edition.objects.create(
        project=project,
        name_fr="2e édition",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
        reporting_period=Edition.Period.QUARTER,
    )
    edition.areas.set([province])
    outcome = Result.objects.create(edition=edition, level="outcome", code="1", title_fr="Écoles")
    output = Result.objects.create(
        edition=edition, parent=outcome, level="output", code="1.1", title_fr="Séances"
    )
    capsule = Capsule.objects.create(
        organisation=cast.organisation, title_fr="Vivre ensemble", format="video", audience="12-14"
    )
    schools = {
        commune: School.objects.create(
            name_fr=f"École {commune.pk}", commune=commune, level="primary", sector="public"
        )
        for commune in (nador, oujda)
    }
    sessions = []
    for day, commune, girls, boys in [
        (dt.date(2025, 2, 3), nador, 10, 12),
        (dt.date(2025, 5, 6), nador, 7, 5),
        (dt.date(2025, 5, 7), oujda, 30, 30),  # outside the territory
        (dt.date(2026, 1, 2), nador, 9, 9),  # outside the edition
    ]:
        session = AwarenessSession.objects.create(
            organisation=cast.organisation,
            school=schools[commune],
            held_on=day,
            girls=girls,
            boys=boys,
        )
        session.capsules.set([capsule])
        sessions.append(session)
    pupils = Indicator.objects.create(
        result=output, code="1.1.a", title_fr="Élèves", target=100, source="pupils"
    )
    manual = Indicator.objects.create(
        result=output, code="1.1.b", title_fr="Enseignants formés", target=10, source="manual"
    )
    return {"edition": edition, "pupils": pupils, "manual": manual, "sessions": sessions}


def test_periods_are_calendar_quarters():
    edition = Edition(
        starts_on=dt.date(2025, 2, 15), ends_on=dt.date(2025, 11, 30), reporting_period="quarter"
    )
    assert compute.periods(edition) == [
        (dt.date(2025, 2, 15), dt.date(2025, 3, 31)),
        (dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        (dt.date(2025, 10, 1), dt.date(2025, 11, 30)),
    ]


def test_values_equal_a_hand_count_and_drill_down_to_the_records(world):
    assert compute.compute_edition(world["edition"]) == 5  # four quarters and the total
    values = {
        (v.period_start, v.is_total): v
        for v in IndicatorValue.objects.filter(indicator=world["pupils"])
    }
    total = values[(dt.date(2025, 1, 1), True)]
    assert total.value == Decimal(10 + 12 + 7 + 5)
    assert total.breakdown["sex"] == {"female": 17, "male": 17}
    first, second = world["sessions"][:2]
    assert sorted(total.records["ids"]) == sorted([first.pk, second.pk])
    assert values[(dt.date(2025, 1, 1), False)].value == 22
    assert values[(dt.date(2025, 4, 1), False)].value == 12
    assert values[(dt.date(2025, 7, 1), False)].value == 0
    # A changed record changes the value once recomputed.
    second.girls = 27
    second.save()
    compute.compute_edition(world["edition"])
    total.refresh_from_db()
    assert total.value == 54
    assert not IndicatorValue.objects.filter(indicator=world["manual"]).exists()


def test_a_manual_value_needs_evidence_a_period_inside_and_another_approver(world, cast):
    indicator = world["manual"]
    with pytest.raises(ValidationError) as error:
        compute.manual_value_submit(
            actor=cast.member,
            indicator=indicator,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 3, 31),
            value=4,
            evidence=None,
        )
    assert "evidence" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        compute.manual_value_submit(
            actor=cast.member,
            indicator=indicator,
            period_start=dt.date(2024, 12, 1),
            period_end=dt.date(2025, 3, 31),
            value=4,
            evidence=SimpleUploadedFile("list.txt", b"names of the teachers\n"),
        )
    assert "period_start" in error.value.message_dict
    value = compute.manual_value_submit(
        actor=cast.member,
        indicator=indicator,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 3, 31),
        value=4,
        evidence=SimpleUploadedFile("list.txt", b"names of the teachers\n"),
    )
    assert compute.reported_value(indicator, dt.date(2025, 1, 1), dt.date(2025, 3, 31)) is None
    with pytest.raises(PermissionDenied):
        compute.manual_value_decide(actor=cast.member, value=value, approve=True)
    compute.manual_value_decide(actor=cast.admin, value=value, approve=True)
    shown = compute.reported_value(indicator, dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert shown is not None and shown.value == 4
