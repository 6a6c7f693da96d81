"""The dashboard of a coordination space: figures equal to a hand count of the records, its
filters, who may read it, and a query count that does not grow with the records."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from madina.actors.tests.factories import AreaFactory, OrganisationFactory
from madina.coordination.models import Space
from madina.coordination.tests.factories import SpaceFactory, SpaceMemberFactory
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import InitiativeFactory
from madina.meetings.models import Meeting, Recommendation, RecommendationUpdate
from madina.meetings.tests.factories import MeetingFactory, RecommendationFactory
from madina.outreach.models import AdvocacyAction, AwarenessSession, Participant, School, Training
from madina.results import space_report
from madina.territory.models import Area

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2025-01", "end": "2025-06"}


def _url(space, language="fr"):
    return f"/{language}" + reverse("results:space_dashboard", args=[space.pk])[3:]


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@pytest.fixture
def world(cast):
    """A public space of Nador with two member organisations and their records, plus records
    that must not count: an organisation outside the space, a former member, other dates."""
    province = AreaFactory(level=Area.Level.PROVINCE, code="02.381", name_fr="Province de Nador")
    nador = AreaFactory(code="02.381.01.01", name_fr="Nador", name_ar="الناظور", parent=province)
    beni = AreaFactory(code="02.381.01.02", name_fr="Beni Ansar", parent=province)
    oujda = AreaFactory(code="02.411.01.01", name_fr="Oujda")
    space = SpaceFactory(name_fr="Espace de Nador", visibility=Space.Visibility.PUBLIC)
    space.territory.set([province])
    partner = OrganisationFactory(name_fr="Association Partenaire")
    former = OrganisationFactory(name_fr="Ancien membre")
    SpaceMemberFactory(space=space, organisation=cast.organisation)
    SpaceMemberFactory(space=space, organisation=partner, start_date=dt.date(2024, 9, 1))
    SpaceMemberFactory(
        space=space,
        organisation=former,
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 6, 30),
    )
    outside = cast.other_organisation  # not seated in the space
    school = {
        area.name_fr: School.objects.create(
            name_fr=f"École {area.name_fr}", commune=area, level="primary", sector="public"
        )
        for area in (nador, beni, oujda)
    }

    def session(organisation, commune, day, girls, boys):
        return AwarenessSession.objects.create(
            organisation=organisation, school=school[commune], held_on=day, girls=girls, boys=boys
        )

    session(cast.organisation, "Nador", dt.date(2025, 1, 15), 10, 8)
    session(cast.organisation, "Nador", dt.date(2025, 2, 3), 3, 0)
    session(cast.organisation, "Beni Ansar", dt.date(2025, 3, 4), 2, 1)
    session(partner, "Nador", dt.date(2025, 3, 20), 5, 5)
    session(outside, "Nador", dt.date(2025, 2, 10), 50, 50)  # not a member
    session(former, "Nador", dt.date(2025, 2, 10), 40, 40)  # seat ended in 2024
    session(cast.organisation, "Nador", dt.date(2025, 7, 1), 9, 9)  # after the period

    def training(organisation, day, commune, people):
        created = Training.objects.create(
            organisation=organisation,
            title="Formation",
            topic=Training.Topic.PROTECTION,
            starts_on=day,
            ends_on=day,
            commune=commune,
        )
        for index in range(people):
            Participant.objects.create(
                training=created, full_name=f"Personne {index}", sex="female"
            )
        return created

    training(cast.organisation, dt.date(2025, 4, 7), nador, 3)
    training(partner, dt.date(2025, 5, 12), None, 2)  # online: counts in every commune
    training(outside, dt.date(2025, 4, 8), nador, 6)

    def action(organisation, kind, day, commune):
        AdvocacyAction.objects.create(
            organisation=organisation,
            kind=kind,
            held_on=day,
            target="Commune",
            message="Accès à l'école",
            commune=commune,
        )

    action(cast.organisation, AdvocacyAction.Kind.ADVOCACY, dt.date(2025, 1, 20), nador)
    action(cast.organisation, AdvocacyAction.Kind.MOBILISATION, dt.date(2025, 2, 21), beni)
    action(partner, AdvocacyAction.Kind.MOBILISATION, dt.date(2025, 2, 22), None)
    action(outside, AdvocacyAction.Kind.ADVOCACY, dt.date(2025, 1, 20), nador)

    InitiativeFactory(
        lead_organisation=cast.organisation,
        start_date=dt.date(2025, 2, 1),
        end_date=dt.date(2025, 4, 30),
        communes=[nador],
    )
    InitiativeFactory(lead_organisation=partner, start_date=None, end_date=None, communes=[beni])
    InitiativeFactory(lead_organisation=outside, start_date=None, end_date=None, communes=[nador])
    InitiativeFactory(
        lead_organisation=partner,
        start_date=dt.date(2025, 8, 1),
        end_date=None,
        communes=[nador],
    )

    held = MeetingFactory(
        space=space,
        starts_at=_at(dt.date(2025, 3, 6)),
        ends_at=_at(dt.date(2025, 3, 6), 12),
        commune=nador,
    )
    MeetingFactory(
        space=space,
        starts_at=_at(dt.date(2025, 6, 2)),
        ends_at=_at(dt.date(2025, 6, 2), 12),
        commune=None,
        mode=Meeting.Mode.ONLINE,
    )
    MeetingFactory(
        space=space,
        status=Meeting.Status.CANCELLED,
        starts_at=_at(dt.date(2025, 4, 2)),
        ends_at=_at(dt.date(2025, 4, 2), 12),
        commune=nador,
    )
    MeetingFactory(starts_at=_at(dt.date(2025, 3, 6)), ends_at=_at(dt.date(2025, 3, 6), 12))
    done = RecommendationFactory(meeting=held, state=Recommendation.State.IMPLEMENTED)
    RecommendationUpdate.objects.create(
        recommendation=done,
        on=dt.date(2025, 5, 10),
        state_before=Recommendation.State.ADOPTED,
        state_after=Recommendation.State.IMPLEMENTED,
    )
    started = RecommendationFactory(meeting=held, state=Recommendation.State.IN_PROGRESS)
    RecommendationUpdate.objects.create(
        recommendation=started,
        on=dt.date(2025, 5, 11),
        state_before=Recommendation.State.ADOPTED,
        state_after=Recommendation.State.IN_PROGRESS,
    )
    return {
        "space": space,
        "nador": nador,
        "beni": beni,
        "school": school,
        "partner": partner,
    }


# Counted by hand from the records above, January to June 2025.
HAND_COUNT = {
    "sessions": [1, 1, 2, 0, 0, 0],
    # Pupils from 1 to 4 are a small cell (None, shown "<5").
    "pupils": [18, None, 13, 0, 0, 0],
    "girls": [10, None, 7, 0, 0, 0],
    "boys": [8, 0, 6, 0, 0, 0],
    "trainings": [0, 0, 0, 1, 1, 0],
    "people_trained": [0, 0, 0, 3, 2, 0],
    "advocacy": [1, 0, 0, 0, 0, 0],
    "mobilisation": [0, 2, 0, 0, 0, 0],
    # The member's initiative runs February to April, the partner's has no dates.
    "initiatives": [1, 2, 2, 2, 1, 1],
    "meetings": [0, 0, 1, 0, 0, 1],
    "recommendations": [0, 0, 0, 0, 1, 0],
}
HAND_TOTALS = {
    "sessions": 4,
    "pupils": 34,
    "girls": 20,
    "boys": 14,
    "trainings": 2,
    "people_trained": 5,
    "advocacy": 1,
    "mobilisation": 2,
    "initiatives": 2,
    "meetings": 2,
    "recommendations": 1,
}


def _figures(response) -> tuple[dict, dict]:
    report = response.context["report"]
    return (
        {line.code: line.values for line in report.series},
        {line.code: line.total for line in report.series},
    )


def test_the_figures_equal_the_hand_count(cast, world):
    response = cast.client_for("coordinator").get(_url(world["space"]), PERIOD)
    assert response.status_code == 200
    values, totals = _figures(response)
    assert values == HAND_COUNT
    assert totals == HAND_TOTALS
    assert response.context["report"].members == 2
    communes = {
        line.name: (line.sessions, line.pupils, line.girls, line.boys)
        for line in response.context["report"].communes
    }
    # Nador: 18 + 3 + 10 pupils; Beni Ansar: 3 pupils, a small cell.
    assert communes == {"Nador": (3, 31, 18, 13), "Beni Ansar": (1, None, None, None)}
    html = response.content.decode()
    assert "&lt;5" in html
    assert 'class="results-chart"' in html  # the edition report's chart, by month
    assert ">03/2025</text>" in html and ">2</text>" in html
    # No names of people or records, no inline script or style (CSP).
    # (Recommendation titles are "Recommandation <n>"; the page's own label is a plural.)
    assert "Personne 0" not in html and not re.search(r"Recommandation \d", html)
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert "<script" not in html.split("</footer>")[0].split("<main")[-1]


def test_the_filters_keep_a_commune_and_a_period(cast, world):
    client = cast.client_for("coordinator")
    response = client.get(_url(world["space"]), {**PERIOD, "commune": world["beni"].pk})
    values, totals = _figures(response)
    assert values["sessions"] == [0, 0, 1, 0, 0, 0]
    assert values["pupils"] == [0, 0, None, 0, 0, 0]
    # Online trainings and meetings (no commune) count in every commune.
    assert values["trainings"] == [0, 0, 0, 0, 1, 0] and totals["people_trained"] == 2
    assert values["mobilisation"] == [0, 2, 0, 0, 0, 0] and totals["advocacy"] == 0
    assert values["initiatives"] == [1, 1, 1, 1, 1, 1] and totals["initiatives"] == 1
    assert values["meetings"] == [0, 0, 0, 0, 0, 1]
    assert totals["recommendations"] == 0
    assert [line.name for line in response.context["report"].communes] == ["Beni Ansar"]

    response = client.get(_url(world["space"]), {"start": "2025-03", "end": "2025-04"})
    values, totals = _figures(response)
    assert [month.short for month in response.context["report"].months] == ["03/2025", "04/2025"]
    assert values["sessions"] == [2, 0] and totals["sessions"] == 2
    assert values["initiatives"] == [2, 2] and totals["initiatives"] == 2
    # Months given backwards are put in order.
    response = client.get(_url(world["space"]), {"start": "2025-04", "end": "2025-03"})
    assert [month.short for month in response.context["report"].months] == ["03/2025", "04/2025"]
    # The trend of another series.
    html = client.get(_url(world["space"]), {**PERIOD, "series": "people_trained"})
    assert ">3</text>" in html.content.decode()


def test_the_default_period_is_the_last_twelve_months(cast, world):
    response = cast.client_for("member").get(_url(world["space"]))
    months = response.context["report"].months
    today = timezone.localdate()
    assert len(months) == 12
    assert (months[-1].start.year, months[-1].start.month) == (today.year, today.month)
    # A wrong filter is ignored, not an error; a long span is cut to the last 36 months.
    client = cast.client_for("member")
    assert client.get(_url(world["space"]), {"start": "nonsense"}).status_code == 200
    response = client.get(_url(world["space"]), {"start": "2020-01", "end": "2025-06"})
    months = response.context["report"].months
    assert len(months) == space_report.MAX_MONTHS and months[-1].short == "06/2025"


def test_who_reads_the_dashboard(cast, world):
    public = world["space"]
    assert cast.client_for("outsider").get(_url(public)).status_code == 200
    private = SpaceFactory(name_fr="Espace privé", visibility=Space.Visibility.PRIVATE)
    assert cast.client_for("outsider").get(_url(private)).status_code == 404
    assert cast.client_for("coordinator").get(_url(private)).status_code == 200
    SpaceMemberFactory(space=private, organisation=cast.organisation)
    assert cast.client_for("readonly").get(_url(private)).status_code == 200
    response = cast.client_for("outsider").get(_url(private) + "?start=2025-01")
    assert response.status_code == 404
    assert (
        cast.client_for("outsider").get(_url(public).replace(str(public.pk), "999999")).status_code
        == 404
    )


def test_signed_out_readers_are_sent_to_sign_in(client, world):
    response = client.get(_url(world["space"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_space_page_links_to_its_dashboard(cast, world):
    space = world["space"]
    html = cast.client_for("member").get(space.get_absolute_url()).content.decode()
    assert reverse("results:space_dashboard", args=[space.pk]) in html


def test_the_query_count_does_not_grow_with_the_records(cast, world, django_assert_max_num_queries):
    client = cast.client_for("member")
    url = _url(world["space"])
    filters = {**PERIOD, "commune": world["nador"].pk}
    client.get(url, filters)  # warm: session, user
    with CaptureQueriesContext(connection) as small:
        client.get(url, filters)
    assert len(small.captured_queries) <= 20
    organisations = (cast.organisation, world["partner"])
    AwarenessSession.objects.bulk_create(
        AwarenessSession(
            organisation=organisations[day % 2],
            school=world["school"]["Nador" if day % 3 else "Beni Ansar"],
            held_on=dt.date(2025, 1, 1) + dt.timedelta(days=day),
            girls=day % 7,
            boys=3,
        )
        for day in range(180)
    )
    trainings = Training.objects.bulk_create(
        Training(
            organisation=cast.organisation,
            title="Formation",
            topic=Training.Topic.ADVOCACY,
            starts_on=dt.date(2025, 1, 1) + dt.timedelta(days=day),
            ends_on=dt.date(2025, 1, 1) + dt.timedelta(days=day),
            commune=world["nador"],
        )
        for day in range(0, 180, 3)
    )
    Participant.objects.bulk_create(
        Participant(training=training, full_name="X", sex="male")
        for training in trainings
        for _index in range(4)
    )
    AdvocacyAction.objects.bulk_create(
        AdvocacyAction(
            organisation=world["partner"],
            kind=AdvocacyAction.Kind.ADVOCACY,
            held_on=dt.date(2025, 1, 1) + dt.timedelta(days=day),
            target="Commune",
            message="Accès",
        )
        for day in range(0, 180, 2)
    )
    for index in range(20):
        InitiativeFactory(
            lead_organisation=cast.organisation,
            start_date=dt.date(2025, 1 + index % 6, 1),
            end_date=None,
            communes=[world["nador"]],
            visibility=Initiative.Visibility.SHARED,
        )
    for day in range(10):
        meeting = MeetingFactory(
            space=world["space"],
            starts_at=_at(dt.date(2025, 1, 10) + dt.timedelta(days=day * 15)),
            ends_at=_at(dt.date(2025, 1, 10) + dt.timedelta(days=day * 15), 12),
            commune=world["nador"],
        )
        recommendation = RecommendationFactory(meeting=meeting)
        RecommendationUpdate.objects.create(
            recommendation=recommendation,
            on=dt.date(2025, 1, 20) + dt.timedelta(days=day * 15),
            state_after=Recommendation.State.IMPLEMENTED,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, filters)
    assert response.status_code == 200
    values, _totals = _figures(response)
    assert sum(values["sessions"]) > 100
