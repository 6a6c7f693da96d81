"""Breakdowns by age band and population group: computed from the records that hold them,
refused for sources whose records do not, and shown in the donor report."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from madina.outreach.models import Audience, Participant
from madina.results import compute, services
from madina.results.models import Indicator, IndicatorValue
from madina.results.tests.report_fixtures import (  # noqa: F401 -- the fixture
    edition_world_fixture,
)

pytestmark = pytest.mark.django_db


def _count_migrants(world):
    nador_p5 = Audience.objects.get(grade="P5", session__held_on="2025-02-10")
    nador_p5.migrants = 5
    nador_p5.save()
    beni_ansar = Audience.objects.get(grade="M1")
    beni_ansar.migrants = 6
    beni_ansar.save()
    Participant.objects.filter(full_name="Amina Belkadi").update(population_group="migrant")
    Participant.objects.filter(full_name="Youssef Amrani").update(population_group="host")
    pupils = world["indicators"]["1.1.b"]
    pupils.disaggregation = ["sex", "age_band", "commune", "group"]
    pupils.save()
    trained = world["indicators"]["2.1.a"]
    trained.disaggregation = ["sex", "group"]
    trained.save()
    compute.compute_edition(world["edition"])
    return pupils, trained


def _total(indicator):
    return IndicatorValue.objects.get(indicator=indicator, is_total=True)


def test_pupils_are_broken_down_by_the_age_of_their_grade_and_by_group(edition_world):
    pupils, trained = _count_migrants(edition_world)
    breakdown = _total(pupils).breakdown
    # Nador P5 18 + P6 15 + P4 7 are primary (0-11); Beni Ansar M1 23 is middle school (12-17).
    assert breakdown["age_band"] == {"0-11": 40, "12-17": 23}
    # Counted: 5 of P5's 18 and 6 of M1's 23; P6 (15) and P4 (7) were not counted.
    assert breakdown["group"] == {"migrant": 11, "host": 13 + 17, "not_said": 15 + 7}
    assert sum(breakdown["group"].values()) == _total(pupils).value == 63
    # Five people trained: one migrant, one of the host community, three unsaid: every group
    # is a small cell, hidden.
    assert _total(trained).breakdown["group"] == {"migrant": None, "host": None, "not_said": None}


def test_the_report_shows_the_breakdowns_asked_for(cast, edition_world):
    _count_migrants(edition_world)
    response = cast.client_for("readonly").get(
        reverse("results:report_xlsx", args=[edition_world["edition"].pk])
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]
    rows = [
        tuple(cell for cell in row if cell is not None) for row in sheet.iter_rows(values_only=True)
    ]
    assert ("By age band", "Age band") in rows
    assert ("1.1.b Élèves sensibilisés", "0–11 years", 40) in rows
    assert ("1.1.b Élèves sensibilisés", "12–17 years", 23) in rows
    assert ("By population group", "Population group") in rows
    assert ("1.1.b Élèves sensibilisés", "migrant", 11) in rows
    assert ("1.1.b Élèves sensibilisés", "host community", 30) in rows
    assert ("1.1.b Élèves sensibilisés", "not said or not counted", 22) in rows
    assert ("2.1.a Personnes formées", "migrant", "<5") in rows


@pytest.mark.parametrize(
    ("source", "asked", "message"),
    [
        ("schools", ["group"], "do not say: population group"),
        ("capsules", ["sex", "commune"], "do not say: sex, commune"),
        ("manual", ["sex"], "entered by hand is one figure"),
    ],
)
def test_a_breakdown_the_records_do_not_hold_is_refused(
    cast, edition_world, source, asked, message
):
    result = edition_world["indicators"]["1.1.a"].result
    count = Indicator.objects.count()
    with pytest.raises(ValidationError) as error:
        services.indicator_create(
            actor=cast.member,
            result=result,
            data={
                "code": "9.9",
                "title_fr": "Essai",
                "unit": "number",
                "target": 10,
                "source": source,
                "disaggregation": asked,
            },
        )
    assert message in " ".join(error.value.message_dict["disaggregation"])
    assert Indicator.objects.count() == count
