"""Writes of projects, editions, results, indicators and report sections: permission, validation
with translated messages, audit; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from madina.actors.tests.factories import AreaFactory, SectorFactory
from madina.core.models import AuditEvent
from madina.results import services
from madina.results.models import (
    Edition,
    Indicator,
    IndicatorValue,
    NarrativeSection,
    Project,
    Result,
)
from madina.results.tests.fixtures_pages import build_world
from madina.territory.models import Area

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world(cast)


def _events(model: str) -> int:
    return AuditEvent.objects.filter(object_type=f"results.{model}").count()


def _refused(call, key: str | None = None):
    with pytest.raises(ValidationError) as error:
        call()
    if key is not None:
        assert key in error.value.message_dict, error.value
    return error.value


# --- Projects and editions -----------------------------------------------------------------------


def test_a_member_adds_a_project_with_donors_and_it_is_audited(cast):
    project = services.project_create(
        actor=cast.member,
        organisation=cast.organisation,
        data={"name_fr": " Al-Madina ", "donors": [cast.other_organisation]},
    )
    assert project.name_fr == "Al-Madina"
    assert list(project.donors.all()) == [cast.other_organisation]
    event = AuditEvent.objects.get(object_type="results.project", object_id=str(project.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == cast.member
    assert event.organisation_id == cast.organisation.pk
    services.project_update(actor=cast.coordinator, project=project, data={"name_en": "City"})
    assert _events("project") == 2


@pytest.mark.parametrize("name", ["readonly", "outsider"])
def test_who_may_not_edit_the_organisation_adds_no_project(cast, name):
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=getattr(cast, name), organisation=cast.organisation, data={"name_fr": "X"}
        )
    assert not Project.objects.exists()
    assert _events("project") == 0


def test_a_project_needs_a_name_and_is_not_its_own_donor(cast):
    with translation.override("fr"):
        error = _refused(
            lambda: services.project_create(
                actor=cast.admin,
                organisation=cast.organisation,
                data={"name_fr": " ", "donors": [cast.organisation]},
            )
        )
    assert set(error.message_dict) == {"name_ar", "donors"}
    assert not Project.objects.exists()


def test_an_edition_cannot_end_before_it_starts(world, cast):
    count = Edition.objects.count()
    _refused(
        lambda: services.edition_create(
            actor=cast.member,
            project=world.project,
            data={
                "name_fr": "3e édition",
                "starts_on": dt.date(2026, 1, 1),
                "ends_on": dt.date(2025, 12, 31),
                "reporting_period": "quarter",
            },
        ),
        "ends_on",
    )
    assert Edition.objects.count() == count
    assert _events("edition") == 0


def test_an_edition_covers_communes_or_provinces(world, cast):
    region = AreaFactory(level=Area.Level.REGION, code="02", name_fr="Oriental")
    data = {
        "name_fr": "3e édition",
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2026, 12, 31),
        "reporting_period": "semester",
    }
    _refused(
        lambda: services.edition_create(
            actor=cast.member, project=world.project, data={**data, "areas": [region]}
        ),
        "areas",
    )
    edition = services.edition_create(
        actor=cast.member,
        project=world.project,
        data={**data, "areas": [world.province, world.oujda]},
    )
    assert set(edition.areas.all()) == {world.province, world.oujda}
    assert _events("edition") == 1
    services.edition_update(actor=cast.admin, edition=edition, data={"reporting_period": "year"})
    edition.refresh_from_db()
    assert edition.reporting_period == "year"
    assert _events("edition") == 2


def test_an_edition_of_another_organisation_is_refused(world, cast):
    with pytest.raises(PermissionDenied):
        services.edition_update(actor=cast.outsider, edition=world.edition, data={"name_fr": "X"})
    world.edition.refresh_from_db()
    assert world.edition.name_fr == "2e édition"


# --- Results -------------------------------------------------------------------------------------


def test_an_output_sits_under_an_outcome_of_the_same_edition(world, cast):
    count = Result.objects.count()
    _refused(
        lambda: services.result_create(
            actor=cast.member,
            edition=world.edition,
            data={"level": "output", "parent": None, "code": "1.2", "title_fr": "Sans parent"},
        ),
        "parent",
    )
    _refused(
        lambda: services.result_create(
            actor=cast.member,
            edition=world.edition,
            data={"level": "output", "parent": world.output, "code": "1.2", "title_fr": "X"},
        ),
        "parent",
    )
    other = Edition.objects.create(
        project=world.project,
        name_fr="1re",
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2024, 12, 31),
    )
    foreign = Result.objects.create(edition=other, level="outcome", code="9", title_fr="Autre")
    _refused(
        lambda: services.result_create(
            actor=cast.member,
            edition=world.edition,
            data={"level": "output", "parent": foreign, "code": "1.2", "title_fr": "X"},
        ),
        "parent",
    )
    _refused(
        lambda: services.result_create(
            actor=cast.member,
            edition=world.edition,
            data={"level": "outcome", "parent": world.outcome, "code": "2", "title_fr": "X"},
        ),
        "parent",
    )
    assert Result.objects.count() == count + 1  # only the other edition's outcome
    assert _events("result") == 0
    output = services.result_create(
        actor=cast.member,
        edition=world.edition,
        data={"level": "output", "parent": world.outcome, "code": "1.2", "title_fr": "Capsules"},
    )
    assert output.parent == world.outcome
    assert _events("result") == 1


def test_a_result_code_is_unique_in_its_edition(world, cast):
    error = _refused(
        lambda: services.result_create(
            actor=cast.member,
            edition=world.edition,
            data={"level": "outcome", "parent": None, "code": "1.1", "title_fr": "Doublon"},
        ),
        "code",
    )
    assert error.message_dict["code"] == ["Another result of this edition has this code."]
    assert _events("result") == 0


def test_an_outcome_with_outputs_does_not_become_an_output(world, cast):
    second = services.result_create(
        actor=cast.member,
        edition=world.edition,
        data={"level": "outcome", "parent": None, "code": "2", "title_fr": "Société civile"},
    )
    _refused(
        lambda: services.result_update(
            actor=cast.member,
            result=world.outcome,
            data={"level": "output", "parent": second},
        ),
        "level",
    )
    world.outcome.refresh_from_db()
    assert world.outcome.level == "outcome"


# --- Indicators ----------------------------------------------------------------------------------

GOOD = {
    "code": "1.1.d",
    "title_fr": "Écoles touchées",
    "unit": "number",
    "baseline": 0,
    "target": 6,
    "source": "schools",
    "disaggregation": ["commune"],
    "sector": None,
}


def test_an_indicator_is_added_computed_and_audited(world, cast):
    sector = SectorFactory(code="SNIA-05")
    indicator = services.indicator_create(
        actor=cast.member, result=world.output, data={**GOOD, "sector": sector}
    )
    assert indicator.sector == sector
    assert indicator.disaggregation == ["commune"]
    total = IndicatorValue.objects.get(indicator=indicator, is_total=True)
    assert total.value == 1  # the school of Nador; Oujda is outside the territory
    assert _events("indicator") == 1


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"baseline": -1}, "baseline"),
        ({"target": 0}, "target"),
        ({"target": -3}, "target"),
        ({"source": "horoscope"}, "source"),
        ({"code": "1.1.a"}, "code"),
        ({"title_fr": ""}, "title_ar"),
        ({"disaggregation": ["religion"]}, "disaggregation"),
    ],
)
def test_a_wrong_indicator_is_refused_and_nothing_written(world, cast, change, key):
    count = Indicator.objects.count()
    _refused(
        lambda: services.indicator_create(
            actor=cast.member, result=world.output, data={**GOOD, **change}
        ),
        key,
    )
    assert Indicator.objects.count() == count
    assert _events("indicator") == 0


def test_a_sub_sector_is_not_a_programme(world, cast):
    programme = SectorFactory(code="SNIA-05")
    sub = SectorFactory(code="SNIA-05-01", parent=programme, kind="subsector")
    _refused(
        lambda: services.indicator_create(
            actor=cast.member, result=world.output, data={**GOOD, "sector": sub}
        ),
        "sector",
    )


def test_the_readonly_member_adds_no_indicator(world, cast):
    with pytest.raises(PermissionDenied):
        services.indicator_create(actor=cast.readonly, result=world.output, data=GOOD)
    assert not Indicator.objects.filter(code="1.1.d").exists()


def test_another_source_drops_the_old_values(world, cast):
    from madina.results import compute

    compute.compute_edition(world.edition)
    assert world.pupils.values.get(is_total=True).value == 34
    services.indicator_update(
        actor=cast.member, indicator=world.pupils, data={"source": "sessions"}
    )
    assert world.pupils.values.get(is_total=True).value == 2
    assert _events("indicator") == 1


# --- Sections ------------------------------------------------------------------------------------


def test_a_section_needs_a_title_and_is_audited(world, cast):
    _refused(
        lambda: services.section_create(
            actor=cast.member, edition=world.edition, data={"body_fr": "Sans titre"}
        ),
        "title_ar",
    )
    assert not NarrativeSection.objects.exists()
    section = services.section_create(
        actor=cast.member,
        edition=world.edition,
        data={"order": 10, "title_fr": "Contexte", "body_fr": "La ville…"},
    )
    services.section_update(actor=cast.admin, section=section, data={"title_ar": "السياق"})
    section.refresh_from_db()
    assert section.title_ar == "السياق"
    assert _events("narrativesection") == 2
    with pytest.raises(PermissionDenied):
        services.section_update(actor=cast.outsider, section=section, data={"title_fr": "X"})
