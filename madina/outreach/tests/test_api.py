"""The REST API of outreach: every signed-in user reads, the one write goes through the page's
service (same permission, same checks, same messages), and no participant is ever named."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from madina.accounts.models import Membership
from madina.accounts.services import api_token_create
from madina.accounts.tests.factories import MembershipFactory
from madina.core.models import AuditEvent
from madina.outreach import services
from madina.outreach.models import AdvocacyAction, Audience, AwarenessSession, Capsule, Training
from madina.outreach.tests.fixtures_sessions import (
    capsule_data,
    days_ago,
    record_session,
    school_data,
)
from madina.outreach.tests.fixtures_trainings import (  # noqa: F401 (fixtures)
    action_fixture,
    places_fixture,
    training_fixture,
)

pytestmark = pytest.mark.django_db

READERS = ["admin", "member", "readonly", "outsider", "coordinator"]
LISTS = [
    "/api/capsules/",
    "/api/schools/",
    "/api/awareness-sessions/",
    "/api/trainings/",
    "/api/advocacy-actions/",
]
SESSIONS = "/api/awareness-sessions/"


def _client(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def session(cast, capsule, school) -> AwarenessSession:
    return record_session(
        cast.member,
        cast.organisation,
        school,
        [capsule],
        [("P5", 12, 9), ("P6", 8, 11)],
        teachers=2,
        feedback="Les élèves ont posé beaucoup de questions.",
    )


def _payload(cast, capsule, school, **overrides) -> dict:
    payload = {
        "organisation": cast.organisation.pk,
        "school": school.pk,
        "held_on": days_ago(3).isoformat(),
        "capsules": [capsule.pk],
        "teachers_present": 1,
        "feedback": "Bon échange.",
        "audiences": [{"grade": "M1", "girls": 14, "boys": 13}],
    }
    payload.update(overrides)
    return payload


def _nothing_written() -> None:
    assert not AwarenessSession.objects.exists()
    assert not Audience.objects.exists()
    assert not AuditEvent.objects.filter(object_type="outreach.awarenesssession").exists()


# --- Who reads --------------------------------------------------------------------------------


def test_anonymous_requests_are_refused(cast, capsule, school):
    client = APIClient()
    for url in LISTS:
        assert client.get(url).status_code in {401, 403}, url
    assert client.get(f"/api/capsules/{capsule.pk}/").status_code in {401, 403}
    refused = client.post(SESSIONS, _payload(cast, capsule, school), format="json")
    assert refused.status_code in {401, 403}
    _nothing_written()


@pytest.mark.parametrize("name", READERS)
def test_every_signed_in_user_reads_every_record(cast, name, session, training, action):
    client = _client(getattr(cast, name))
    assert _ids(client.get("/api/capsules/")) == {session.capsules.get().pk}
    assert _ids(client.get("/api/schools/")) == {session.school_id}
    assert _ids(client.get(SESSIONS)) == {session.pk}
    assert _ids(client.get("/api/trainings/")) == {training.pk}
    assert _ids(client.get("/api/advocacy-actions/")) == {action.pk}
    for url in [
        f"/api/capsules/{session.capsules.get().pk}/",
        f"/api/schools/{session.school_id}/",
        f"{SESSIONS}{session.pk}/",
        f"/api/trainings/{training.pk}/",
        f"/api/advocacy-actions/{action.pk}/",
    ]:
        assert client.get(url).status_code == 200, url


def test_unknown_ids_are_404(cast):
    client = _client(cast.coordinator)
    for url in LISTS:
        assert client.get(f"{url}987654/").status_code == 404, url


def test_an_organisation_token_reads(cast, session):
    _token, key = api_token_create(actor=cast.readonly, organisation=cast.organisation, name="t")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert _ids(client.get(SESSIONS)) == {session.pk}


# --- Capsules and schools ------------------------------------------------------------------------


def test_capsules_are_filtered_like_the_page(cast, capsule):
    poster = services.capsule_create(
        actor=cast.coordinator,
        organisation=cast.other_organisation,
        data=capsule_data(
            title_fr="Affiche sur la santé",
            title_ar="",
            format=Capsule.Format.POSTER,
            languages=["es"],
            topics=[Capsule.Topic.HEALTH],
            audience=Capsule.Audience.ADULTS,
        ),
    )
    client = _client(cast.readonly)
    assert _ids(client.get("/api/capsules/")) == {capsule.pk, poster.pk}
    assert _ids(client.get("/api/capsules/", {"capsule_format": "poster"})) == {poster.pk}
    assert _ids(client.get("/api/capsules/", {"topic": "rights"})) == {capsule.pk}
    assert _ids(client.get("/api/capsules/", {"language": "es"})) == {poster.pk}
    assert _ids(client.get("/api/capsules/", {"audience": "12-14"})) == {capsule.pk}
    assert _ids(client.get("/api/capsules/", {"q": "sante"})) == {poster.pk}
    by_producer = client.get("/api/capsules/", {"organisation": cast.other_organisation.pk})
    assert _ids(by_producer) == {poster.pk}
    assert client.get("/api/capsules/", {"topic": "astrology"}).status_code == 400


def test_a_capsule_comes_with_its_languages_topics_and_sessions(cast, session):
    capsule = session.capsules.get()
    data = _client(cast.outsider).get(f"/api/capsules/{capsule.pk}/").json()
    assert data["languages"] == ["ar", "ary", "fr"]
    assert data["topics"] == ["rights", "non_discrimination"]
    assert data["organisation"] == cast.organisation.pk
    assert data["sessions"] == {"sessions": 1, "girls": 20, "boys": 20, "pupils": 40, "teachers": 2}


def test_schools_are_filtered_by_commune(cast, territory, session):
    other = services.school_create(
        actor=cast.coordinator,
        data=school_data(territory.selouane, name_fr="Collège Selouane", name_ar=""),
    )
    client = _client(cast.member)
    rows = client.get("/api/schools/").json()["results"]
    assert {row["id"]: row["session_count"] for row in rows} == {session.school_id: 1, other.pk: 0}
    assert _ids(client.get("/api/schools/", {"commune": territory.selouane.code})) == {other.pk}
    assert _ids(client.get("/api/schools/", {"q": "massira"})) == {session.school_id}
    detail = client.get(f"/api/schools/{session.school_id}/").json()
    assert detail["commune"] == territory.nador.code
    assert detail["sessions"]["pupils"] == 40


# --- Awareness sessions: reads -------------------------------------------------------------------


def test_a_session_has_its_audience_by_grade_and_sex(cast, session):
    data = _client(cast.outsider).get(f"{SESSIONS}{session.pk}/").json()
    assert data["audiences"] == [
        {"grade": "P5", "girls": 12, "boys": 9},
        {"grade": "P6", "girls": 8, "boys": 11},
    ]
    assert (data["girls"], data["boys"], data["pupils"]) == (20, 20, 40)
    assert data["teachers_present"] == 2
    assert data["capsules"] == [session.capsules.get().pk]


def test_sessions_are_filtered_by_school_commune_and_dates(cast, territory, capsule, school):
    other = services.school_create(
        actor=cast.coordinator, data=school_data(territory.beni_ansar, name_fr="École Beni Ansar")
    )
    recent = record_session(
        cast.member, cast.organisation, school, [capsule], [("P1", 5, 5)], held_on=days_ago(10)
    )
    older = record_session(
        cast.member, cast.organisation, school, [capsule], [("P2", 5, 5)], held_on=days_ago(40)
    )
    elsewhere = record_session(
        cast.member, cast.organisation, other, [capsule], [("P3", 5, 5)], held_on=days_ago(20)
    )
    client = _client(cast.readonly)
    assert _ids(client.get(SESSIONS)) == {recent.pk, older.pk, elsewhere.pk}
    assert _ids(client.get(SESSIONS, {"school": school.pk})) == {recent.pk, older.pk}
    assert _ids(client.get(SESSIONS, {"commune": territory.beni_ansar.code})) == {elsewhere.pk}
    assert _ids(client.get(SESSIONS, {"date_from": days_ago(30)})) == {recent.pk, elsewhere.pk}
    window = {"date_from": days_ago(45), "date_to": days_ago(15)}
    assert _ids(client.get(SESSIONS, window)) == {older.pk, elsewhere.pk}
    both = {"school": school.pk, "date_to": days_ago(15)}
    assert _ids(client.get(SESSIONS, both)) == {older.pk}
    assert client.get(SESSIONS, {"commune": "00.000"}).status_code == 400


def test_the_session_list_takes_as_many_queries_for_many_rows(cast, capsule, school):
    client = _client(cast.member)
    record_session(cast.member, cast.organisation, school, [capsule], [("P1", 1, 1)])
    with CaptureQueriesContext(connection) as one:
        client.get(SESSIONS)
    for days in (11, 12, 13, 14):
        record_session(
            cast.member,
            cast.organisation,
            school,
            [capsule],
            [("P1", 1, 1)],
            held_on=days_ago(days),
        )
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(SESSIONS).json()["results"]) == 5
    assert len(five) == len(one)


# --- Awareness sessions: the write ---------------------------------------------------------------


def test_a_member_records_a_session_through_the_service(cast, capsule, school):
    response = _client(cast.member).post(SESSIONS, _payload(cast, capsule, school), format="json")
    assert response.status_code == 201, response.json()
    session = AwarenessSession.objects.get()
    assert response.json()["id"] == session.pk
    assert response.json()["audiences"] == [{"grade": "M1", "girls": 14, "boys": 13}]
    assert (session.girls, session.boys, session.recorded_by) == (14, 13, cast.member)
    assert list(session.capsules.all()) == [capsule]
    event = AuditEvent.objects.get(object_type="outreach.awarenesssession")
    assert event.action == AuditEvent.Action.CREATE


def test_a_negative_audience_is_refused_and_nothing_written(cast, capsule, school):
    payload = _payload(cast, capsule, school, audiences=[{"grade": "P5", "girls": -3, "boys": 10}])
    response = _client(cast.member).post(SESSIONS, payload, format="json")
    assert response.status_code == 400
    (message,) = response.json()["audiences"]
    assert message.startswith("The numbers of girls and boys are whole numbers, zero or more")
    _nothing_written()


def test_the_services_messages_come_in_the_readers_language(cast, capsule, school):
    payload = _payload(cast, capsule, school, audiences=[{"grade": "P5", "girls": -3, "boys": 1}])
    response = _client(cast.member).post(
        SESSIONS, payload, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    (message,) = response.json()["audiences"]
    assert message.startswith("Les nombres de filles et de garçons sont des nombres entiers")
    _nothing_written()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"held_on": days_ago(-30).isoformat()},
            "held_on",
            "The date of the session cannot be in the future.",
        ),
        ({"held_on": "2014-06-01"}, "held_on", "The date of the session cannot be before 2015."),
        ({"capsules": []}, "capsules", "Choose at least one capsule shown at the session."),
        (
            {"audiences": [{"grade": "P5", "girls": 0, "boys": 0}]},
            "audiences",
            "Give the number of pupils reached: at least one girl or boy.",
        ),
        (
            {"audiences": [{"grade": "P9", "girls": 3, "boys": 0}]},
            "audiences",
            "Choose the grade of each row from the list.",
        ),
    ],
)
def test_the_services_checks_refuse_and_write_nothing(
    cast, capsule, school, overrides, field, message
):
    payload = _payload(cast, capsule, school, **overrides)
    response = _client(cast.member).post(SESSIONS, payload, format="json")
    assert response.status_code == 400
    assert message in response.json()[field]
    _nothing_written()


@pytest.mark.parametrize("name", ["readonly", "outsider"])
def test_readonly_and_outsiders_may_not_record_a_session(cast, capsule, school, name):
    response = _client(getattr(cast, name)).post(
        SESSIONS, _payload(cast, capsule, school), format="json"
    )
    assert response.status_code == 403
    _nothing_written()


def test_a_token_records_only_for_its_own_organisation(cast, capsule, school):
    MembershipFactory(
        user=cast.member, organisation=cast.other_organisation, role=Membership.Role.ADMIN
    )
    _token, key = api_token_create(actor=cast.member, organisation=cast.organisation, name="t")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    other = _payload(cast, capsule, school, organisation=cast.other_organisation.pk)
    assert client.post(SESSIONS, other, format="json").status_code == 403
    _nothing_written()
    assert _client(cast.member).post(SESSIONS, other, format="json").status_code == 201


# --- Trainings and advocacy ----------------------------------------------------------------------


def test_a_training_gives_figures_and_never_names(cast, training):
    for name in ["coordinator", "member", "outsider"]:
        response = _client(getattr(cast, name)).get(f"/api/trainings/{training.pk}/")
        body = response.content.decode()
        for participant in training.participants.all():
            assert participant.full_name not in body
            assert participant.function not in body
        summary = response.json()["summary"]
        assert (summary["women"], summary["men"], summary["participants"]) == (1, 1, 2)
        # Gains 8 and 4 points out of 20; 4 days present out of 2 × 3.
        assert (summary["scored"], summary["gain_average"], summary["gain_percent"]) == (2, 6, 30)
        assert (summary["days"], summary["attendance_rate"]) == (3, 67)
    listed = _client(cast.coordinator).get("/api/trainings/")
    assert "Amina Belkadi" not in listed.content.decode()
    (row,) = listed.json()["results"]
    assert (row["women"], row["men"], row["participants"]) == (1, 1, 2)
    assert (row["gain_average"], row["gain_percent"], row["attendance_rate"]) == (6, 30, 67)


def test_trainings_are_filtered(cast, training, places):
    other = Training.objects.create(
        organisation=cast.other_organisation,
        title="Cadre juridique de la migration",
        topic=Training.Topic.LEGAL,
        starts_on=datetime.date(2025, 6, 2),
        ends_on=datetime.date(2025, 6, 2),
        commune=places.beni_ansar,
    )
    client = _client(cast.readonly)
    assert _ids(client.get("/api/trainings/")) == {training.pk, other.pk}
    assert _ids(client.get("/api/trainings/", {"topic": "legal"})) == {other.pk}
    assert _ids(client.get("/api/trainings/", {"commune": places.nador.code})) == {training.pk}
    assert _ids(client.get("/api/trainings/", {"since": "2025-04-01"})) == {other.pk}
    assert _ids(client.get("/api/trainings/", {"until": "2025-03-11"})) == {training.pk}
    by_organisation = client.get("/api/trainings/", {"organisation": cast.organisation.pk})
    assert _ids(by_organisation) == {training.pk}


def test_advocacy_actions_are_filtered(cast, action):
    event = AdvocacyAction.objects.create(
        organisation=cast.other_organisation,
        kind=AdvocacyAction.Kind.MOBILISATION,
        held_on=datetime.date(2025, 5, 20),
        target="Habitants du quartier Ouled Mimoun",
        message="Journée portes ouvertes.",
        people_reached=120,
    )
    client = _client(cast.outsider)
    assert _ids(client.get("/api/advocacy-actions/")) == {action.pk, event.pk}
    assert _ids(client.get("/api/advocacy-actions/", {"kind": "mobilisation"})) == {event.pk}
    assert _ids(client.get("/api/advocacy-actions/", {"outcome": "partly"})) == {action.pk}
    assert _ids(client.get("/api/advocacy-actions/", {"until": "2025-04-30"})) == {action.pk}
    data = client.get(f"/api/advocacy-actions/{action.pk}/").json()
    assert (data["target"], data["people_reached"]) == ("Conseil communal de Nador", 25)


# --- The schema ----------------------------------------------------------------------------------


def test_the_schema_documents_the_endpoints_and_no_participant(cast):
    response = _client(cast.member).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/awareness-sessions/"])
    for path in ["/api/capsules/{id}/", "/api/schools/{id}/", "/api/trainings/{id}/"]:
        assert "get" in paths[path]
    assert "/api/advocacy-actions/{id}/" in paths
    assert "capsule_format" in {p["name"] for p in paths["/api/capsules/"]["get"]["parameters"]}
    properties = schema["components"]["schemas"]["TrainingSummary"]["properties"]
    assert "gain_percent" in properties
    assert "full_name" not in response.content.decode()
