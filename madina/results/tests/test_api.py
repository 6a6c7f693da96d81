"""The REST API of results frameworks: the pages' selectors and rules (every signed-in user reads,
unknown ids are 404), stored values with small cells kept null, and a drill-down that lists only
what the reader may see and never the records of a confidential source."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from madina.coordination.tests.factories import SpaceFactory, SpaceMemberFactory
from madina.meetings.tests.factories import MeetingFactory
from madina.results import compute, services
from madina.results.models import IndicatorValue
from madina.results.tests.fixtures_pages import build_world

pytestmark = pytest.mark.django_db

READERS = ["admin", "member", "readonly", "outsider", "coordinator"]


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world(cast)
    compute.compute_edition(world.edition)
    return world


def _client(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def _total(indicator) -> IndicatorValue:
    return indicator.values.get(is_total=True)


def _urls(world) -> list[str]:
    return [
        "/api/projects/",
        f"/api/editions/{world.edition.pk}/",
        f"/api/editions/{world.edition.pk}/framework/",
        f"/api/indicators/{world.pupils.pk}/",
        f"/api/indicator-values/{_total(world.pupils).pk}/records/",
    ]


# --- Who reads --------------------------------------------------------------------------------


def test_anonymous_requests_are_refused(world):
    for url in _urls(world):
        assert APIClient().get(url).status_code in {401, 403}, url


@pytest.mark.parametrize("name", READERS)
def test_everyone_signed_in_reads(world, cast, name):
    client = _client(getattr(cast, name))
    for url in _urls(world):
        assert client.get(url).status_code == 200, url


def test_unknown_ids_are_404(world, cast):
    client = _client(cast.coordinator)
    for url in [
        "/api/editions/987654/",
        "/api/editions/987654/framework/",
        "/api/indicators/987654/",
        "/api/indicator-values/987654/records/",
    ]:
        assert client.get(url).status_code == 404, url


# --- Projects, editions, the framework ------------------------------------------------------------


def test_projects_come_with_their_editions(world, cast):
    (project,) = _client(cast.outsider).get("/api/projects/").json()["results"]
    assert (project["id"], project["organisation"]) == (world.project.pk, cast.organisation.pk)
    assert [edition["id"] for edition in project["editions"]] == [world.edition.pk]


def test_an_edition_gives_its_territory_and_periods(world, cast):
    data = _client(cast.readonly).get(f"/api/editions/{world.edition.pk}/").json()
    assert data["areas"] == [world.province.code]
    assert data["reporting_period"] == "quarter"
    assert [period["start"] for period in data["periods"]] == [
        "2025-01-01",
        "2025-04-01",
        "2025-07-01",
        "2025-10-01",
    ]


def test_the_framework_nests_outcomes_outputs_and_indicators(world, cast):
    data = _client(cast.outsider).get(f"/api/editions/{world.edition.pk}/framework/").json()
    assert len(data["periods"]) == 4
    (outcome,) = data["outcomes"]
    assert (outcome["code"], outcome["indicators"]) == ("1", [])
    (output,) = outcome["outputs"]
    assert output["code"] == "1.1"
    rows = {row["indicator"]["code"]: row for row in output["indicators"]}
    assert sorted(rows) == ["1.1.a", "1.1.b", "1.1.c"]
    pupils = rows["1.1.a"]
    assert pupils["indicator"]["baseline"] == 10 and pupils["indicator"]["target"] == 100
    assert pupils["indicator"]["source"] == "pupils" and pupils["indicator"]["unit"] == "number"
    # Nador's sessions of 2025 only: 22 pupils in Q1, 12 in Q2; (34 − 10) / (100 − 10) = 27 %.
    assert pupils["total"] == 34 and pupils["progress"] == 27
    assert pupils["period_values"] == [22, 12, 0, 0]
    # A manual indicator has no value until one is approved.
    assert rows["1.1.c"]["total"] is None and rows["1.1.c"]["period_values"] == [None] * 4


# --- An indicator's values -----------------------------------------------------------------------


def test_an_indicator_gives_its_values_per_period_with_breakdowns(world, cast):
    data = _client(cast.outsider).get(f"/api/indicators/{world.pupils.pk}/").json()
    assert (data["edition"], data["confidential"]) == (world.edition.pk, False)
    assert [row["is_total"] for row in data["values"]] == [False] * 4 + [True]
    total = data["values"][-1]["value"]
    assert total["value"] == 34 and total["state"] == "computed"
    assert total["breakdown"]["sex"] == {"female": 17, "male": 17}
    assert total["breakdown"]["commune"] == {world.nador.code: 34}


def test_small_cells_stay_null(world, cast):
    value = _total(world.pupils)
    value.breakdown = {"sex": {"female": None, "male": 7}}
    value.save()
    data = _client(cast.readonly).get(f"/api/indicators/{world.pupils.pk}/").json()
    assert data["values"][-1]["value"]["breakdown"] == {"sex": {"female": None, "male": 7}}


def test_a_manual_value_is_shown_once_approved(world, cast):
    value = compute.manual_value_submit(
        actor=cast.member,
        indicator=world.manual,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 3, 31),
        value=4,
        evidence=SimpleUploadedFile("teachers.txt", b"names of the teachers\n"),
        note="Liste",
    )
    url = f"/api/indicators/{world.manual.pk}/"
    client = _client(cast.readonly)
    assert client.get(url).json()["values"][0]["value"] is None
    compute.manual_value_decide(actor=cast.admin, value=value, approve=True)
    first = client.get(url).json()["values"][0]["value"]
    assert (first["value"], first["state"]) == (4, "approved")


# --- The drill-down ------------------------------------------------------------------------------


def test_the_drill_down_gives_the_ids_of_the_records_counted(world, cast):
    total = _total(world.pupils)
    data = _client(cast.outsider).get(f"/api/indicator-values/{total.pk}/records/").json()
    assert data["model"] == "outreach.awarenesssession"
    assert data["ids"] == sorted([world.sessions[0].pk, world.sessions[1].pk])
    assert (data["hidden"], data["confidential"]) == (0, False)
    assert data["value"]["id"] == total.pk


def test_the_drill_down_lists_only_the_meetings_the_reader_may_see(world, cast):
    private = SpaceFactory(visibility="private")
    SpaceMemberFactory(space=private, organisation=cast.organisation)
    shared = MeetingFactory(space=SpaceFactory(visibility="public"), commune=world.nador)
    closed = MeetingFactory(space=private, commune=world.nador)
    indicator = services.indicator_create(
        actor=cast.member,
        result=world.outcome,
        data={"code": "3.a", "title_fr": "Réunions", "target": 4, "source": "meetings"},
    )
    url = f"/api/indicator-values/{_total(indicator).pk}/records/"
    member = _client(cast.member).get(url).json()
    assert (member["ids"], member["hidden"]) == (sorted([shared.pk, closed.pk]), 0)
    outsider = _client(cast.outsider).get(url).json()
    assert (outsider["ids"], outsider["hidden"]) == ([shared.pk], 1)


def test_a_confidential_value_never_lists_records(world, cast):
    indicator = services.indicator_create(
        actor=cast.member,
        result=world.outcome,
        data={"code": "2.a", "title_fr": "Incidents", "target": 20, "source": "incidents"},
    )
    total = _total(indicator)
    # Even were ids stored on it, the drill-down of a confidential source lists none.
    total.records = {"model": "outreach.awarenesssession", "ids": [world.sessions[0].pk]}
    total.save()
    for name in ["coordinator", "admin"]:
        data = _client(getattr(cast, name)).get(f"/api/indicator-values/{total.pk}/records/")
        assert data.status_code == 200
        body = data.json()
        assert body["confidential"] is True
        assert (body["model"], body["ids"], body["hidden"]) == ("", [], 0)
    detail = _client(cast.coordinator).get(f"/api/indicators/{indicator.pk}/").json()
    assert detail["confidential"] is True


# --- The schema ----------------------------------------------------------------------------------


def test_the_schema_documents_the_endpoints(cast):
    response = _client(cast.member).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/projects/",
        "/api/editions/{id}/",
        "/api/editions/{id}/framework/",
        "/api/indicators/{id}/",
        "/api/indicator-values/{id}/records/",
    ]:
        assert set(paths[path]) == {"get"}, path
