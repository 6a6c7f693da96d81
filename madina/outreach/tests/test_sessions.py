"""Schools and awareness sessions: services (session and audience written together, totals kept
equal to the rows, refusals write nothing), the pages for the whole cast, the audience formset's
bad input, and every figure of the overview and the session list against a hand count."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from madina.core.models import AuditEvent
from madina.outreach import services
from madina.outreach.models import Audience, AwarenessSession, School
from madina.outreach.tests.fixtures_sessions import (
    capsule_data,
    days_ago,
    record_session,
    school_data,
)

pytestmark = pytest.mark.django_db


def _url(name, *args, language="fr"):
    return f"/{language}" + reverse(f"outreach:{name}", args=args)[3:]


# --- Schools ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "member", "outsider", "coordinator"])
def test_any_editor_of_any_organisation_adds_a_school(cast, territory, who):
    school = services.school_create(
        actor=getattr(cast, who), data=school_data(territory.beni_ansar, name_ar="")
    )
    assert school.added_by == getattr(cast, who)
    assert AuditEvent.objects.filter(object_type="outreach.school", action="create").count() == 1


def test_a_read_only_member_cannot_add_or_change_a_school(cast, territory, school):
    with pytest.raises(PermissionDenied):
        services.school_create(actor=cast.readonly, data=school_data(territory.nador))
    with pytest.raises(PermissionDenied):
        services.school_update(actor=cast.readonly, school=school, data={"name_fr": "X"})
    assert School.objects.count() == 1
    school.refresh_from_db()
    assert school.name_fr == "École Al Massira"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name_ar": "", "name_fr": "  "}, "name_ar"),
        ({"level": "university"}, "level"),
    ],
)
def test_bad_schools_are_refused(cast, territory, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.school_create(actor=cast.admin, data=school_data(territory.nador, **overrides))
    assert field in error.value.message_dict
    assert not School.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_school_is_in_a_commune_not_a_province(cast, territory):
    with pytest.raises(ValidationError) as error:
        services.school_create(actor=cast.admin, data=school_data(territory.province))
    assert "commune" in error.value.message_dict


@pytest.mark.parametrize("who", ["admin", "readonly", "outsider", "coordinator"])
def test_everyone_signed_in_sees_schools(cast, school, who):
    client = cast.client_for(who)
    assert client.get(_url("school_list")).status_code == 200
    assert client.get(_url("school_detail", school.pk)).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("member", 200), ("outsider", 200), ("coordinator", 200), ("readonly", 403)],
)
def test_who_may_open_the_school_forms(cast, school, who, status):
    client = cast.client_for(who)
    assert client.get(_url("school_create")).status_code == status
    assert client.get(_url("school_update", school.pk)).status_code == status


def test_a_school_that_does_not_exist_is_404(cast):
    client = cast.client_for("coordinator")
    assert client.get(_url("school_detail", 999)).status_code == 404
    assert client.get(_url("school_update", 999)).status_code == 404


def test_a_school_is_added_through_the_page_and_found_by_commune_and_name(cast, territory):
    client = cast.client_for("outsider")
    response = client.post(
        _url("school_create"),
        {
            "name_ar": "إعدادية ابن خلدون",
            "name_fr": "",
            "commune": territory.selouane.pk,
            "level": "middle",
            "sector": "public",
            "official_code": "",
        },
    )
    assert response.status_code == 302
    school = School.objects.get()
    assert school.commune == territory.selouane
    services.school_create(actor=cast.admin, data=school_data(territory.nador))

    def names(**query):
        return {s.name_ar for s in client.get(_url("school_list"), query).context["page"]}

    assert names(commune=territory.selouane.pk) == {"إعدادية ابن خلدون"}
    assert names(q="خلدون") == {"إعدادية ابن خلدون"}
    assert names(q="massira") == {"مدرسة المسيرة"}


def test_the_school_form_needs_a_name(cast, territory):
    response = cast.client_for("admin").post(
        _url("school_create"),
        {"name_ar": "", "name_fr": "", "commune": territory.nador.pk, "level": "primary"},
    )
    assert response.status_code == 200
    assert "name_ar" in response.context["form"].errors
    assert not School.objects.exists()


def test_the_school_page_counts_its_pupils_by_sex(cast, capsule, school, territory):
    record_session(cast.admin, cast.organisation, school, [capsule], [("P5", 10, 12)])
    record_session(cast.admin, cast.organisation, school, [capsule], [("P6", 7, 3), ("P4", 1, 0)])
    elsewhere = services.school_create(
        actor=cast.admin, data=school_data(territory.selouane, name_fr="Autre", name_ar="")
    )
    record_session(cast.admin, cast.organisation, elsewhere, [capsule], [("P1", 50, 50)])
    response = cast.client_for("readonly").get(_url("school_detail", school.pk, language="en"))
    totals = response.context["totals"]
    assert (totals.sessions, totals.girls, totals.boys) == (2, 18, 15)
    assert "2 sessions, 33 pupils reached (18 girls, 15 boys)." in response.content.decode()


# --- Session services ---------------------------------------------------------------------------


def test_a_session_and_its_audience_are_written_together(cast, capsule, school):
    session = record_session(
        cast.member,
        cast.organisation,
        school,
        [capsule],
        [("P5", 12, 10), ("P6", 9, 11)],
        teachers=3,
        feedback="Beaucoup de questions sur les papiers.",
    )
    session.refresh_from_db()
    assert (session.girls, session.boys, session.audience) == (21, 21, 42)
    assert session.recorded_by == cast.member
    assert list(session.capsules.all()) == [capsule]
    assert sorted(session.audiences.values_list("grade", "girls", "boys")) == [
        ("P5", 12, 10),
        ("P6", 9, 11),
    ]
    event = AuditEvent.objects.get(object_type="outreach.awarenesssession")
    assert event.action == AuditEvent.Action.CREATE
    # Grade, girls, boys, children of migrants (None: not counted).
    assert event.changes["audiences"] == [None, [["P5", 12, 10, None], ["P6", 9, 11, None]]]
    assert event.organisation_id == cast.organisation.pk


def test_an_update_replaces_the_audience_and_keeps_the_sums(cast, capsule, school):
    session = record_session(cast.admin, cast.organisation, school, [capsule], [("P5", 12, 10)])
    services.session_update(
        actor=cast.coordinator,
        session=session,
        data={"teachers_present": 2},
        audiences=[{"grade": "P6", "girls": 4, "boys": 5}, {"grade": "P1", "girls": 0, "boys": 1}],
    )
    session.refresh_from_db()
    assert (session.girls, session.boys, session.teachers_present) == (4, 6, 2)
    assert sorted(session.audiences.values_list("grade", flat=True)) == ["P1", "P6"]
    services.session_update(actor=cast.admin, session=session, data={"feedback": "Bien"})
    session.refresh_from_db()
    assert (session.girls, session.boys) == (4, 6)


BAD_AUDIENCES = {
    "negative": ([{"grade": "P5", "girls": -3, "boys": 10}], "audiences"),
    "not a number": ([{"grade": "P5", "girls": "dix", "boys": 10}], "audiences"),
    "duplicate grade": (
        [{"grade": "P5", "girls": 3, "boys": 1}, {"grade": "P5", "girls": 2, "boys": 2}],
        "audiences",
    ),
    "unknown grade": ([{"grade": "P9", "girls": 3, "boys": 1}], "audiences"),
    "nobody": ([{"grade": "P5", "girls": 0, "boys": 0}], "audiences"),
    "more children of migrants than pupils": (
        [{"grade": "P5", "girls": 3, "boys": 1, "migrants": 5}],
        "audiences",
    ),
    "negative children of migrants": (
        [{"grade": "P5", "girls": 3, "boys": 1, "migrants": -1}],
        "audiences",
    ),
    "no rows": ([], "audiences"),
}


@pytest.mark.parametrize("case", sorted(BAD_AUDIENCES))
def test_a_bad_audience_is_refused_and_nothing_is_written(cast, capsule, school, case):
    rows, field = BAD_AUDIENCES[case]
    with pytest.raises(ValidationError) as error:
        services.session_create(
            actor=cast.admin,
            organisation=cast.organisation,
            data={"school": school, "held_on": days_ago(3), "capsules": [capsule]},
            audiences=rows,
        )
    assert field in error.value.message_dict
    assert not AwarenessSession.objects.exists()
    assert not Audience.objects.exists()
    assert not AuditEvent.objects.filter(object_type="outreach.awarenesssession").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"held_on": days_ago(-1)}, "held_on"),
        ({"held_on": datetime.date(2014, 12, 31)}, "held_on"),
        ({"capsules": []}, "capsules"),
        ({"teachers_present": -1}, "teachers_present"),
    ],
)
def test_a_bad_session_is_refused_and_nothing_is_written(cast, capsule, school, data, field):
    values = {"school": school, "held_on": days_ago(3), "capsules": [capsule], **data}
    with pytest.raises(ValidationError) as error:
        services.session_create(
            actor=cast.admin,
            organisation=cast.organisation,
            data=values,
            audiences=[{"grade": "P5", "girls": 3, "boys": 4}],
        )
    assert field in error.value.message_dict
    assert not AwarenessSession.objects.exists()
    assert not Audience.objects.exists()


def test_a_refused_update_changes_nothing(cast, capsule, school):
    session = record_session(cast.admin, cast.organisation, school, [capsule], [("P5", 12, 10)])
    with pytest.raises(ValidationError):
        services.session_update(
            actor=cast.admin,
            session=session,
            data={"teachers_present": 5},
            audiences=[{"grade": "P5", "girls": -1, "boys": 0}],
        )
    session.refresh_from_db()
    assert (session.girls, session.boys, session.teachers_present) == (12, 10, 0)
    assert list(session.audiences.values_list("grade", "girls", "boys")) == [("P5", 12, 10)]


@pytest.mark.parametrize("who", ["readonly", "outsider"])
def test_only_the_organisations_editors_record_its_sessions(cast, capsule, school, who):
    with pytest.raises(PermissionDenied):
        record_session(getattr(cast, who), cast.organisation, school, [capsule], [("P5", 1, 1)])
    session = record_session(cast.admin, cast.organisation, school, [capsule], [("P5", 1, 1)])
    with pytest.raises(PermissionDenied):
        services.session_update(actor=getattr(cast, who), session=session, data={"feedback": "x"})
    assert AwarenessSession.objects.count() == 1


# --- Session pages ------------------------------------------------------------------------------


@pytest.fixture
def session(cast, capsule, school):
    return record_session(
        cast.admin, cast.organisation, school, [capsule], [("P5", 12, 10)], teachers=2
    )


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("who", ["admin", "member", "readonly", "outsider", "coordinator"])
def test_everyone_signed_in_sees_sessions(cast, session, who, language):
    client = cast.client_for(who)
    assert client.get(_url("session_list", language=language)).status_code == 200
    assert client.get(_url("session_detail", session.pk, language=language)).status_code == 200
    assert client.get(_url("overview", language=language)).status_code == 200


def test_anonymous_is_sent_to_sign_in(client, session):
    for url in (_url("overview"), _url("session_list"), _url("session_detail", session.pk)):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("member", 200), ("coordinator", 200), ("readonly", 403), ("outsider", 403)],
)
def test_who_may_edit_a_session(cast, session, who, status):
    assert cast.client_for(who).get(_url("session_update", session.pk)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("member", 200), ("coordinator", 200), ("outsider", 200), ("readonly", 403)],
)
def test_who_may_open_the_form_to_record_a_session(cast, who, status):
    assert cast.client_for(who).get(_url("session_create")).status_code == status


def test_a_session_that_does_not_exist_is_404(cast):
    client = cast.client_for("coordinator")
    assert client.get(_url("session_detail", 999)).status_code == 404
    assert client.get(_url("session_update", 999)).status_code == 404


def _session_post(organisation, school, shown, rows, **overrides) -> dict:
    data = {
        "organisation": organisation.pk,
        "school": school.pk,
        "held_on": days_ago(5).isoformat(),
        "capsules": [c.pk for c in shown],
        "teachers_present": "2",
        "feedback": "",
        "audience-TOTAL_FORMS": str(len(rows) + 1),
        "audience-INITIAL_FORMS": "0",
        "audience-MIN_NUM_FORMS": "0",
        "audience-MAX_NUM_FORMS": "13",
    }
    for index, (grade, girls, boys) in enumerate([*rows, ("", "0", "0")]):
        data[f"audience-{index}-grade"] = grade
        data[f"audience-{index}-girls"] = girls
        data[f"audience-{index}-boys"] = boys
    data.update(overrides)
    return data


def test_a_session_is_recorded_through_the_page(cast, capsule, school):
    response = cast.client_for("member").post(
        _url("session_create"),
        _session_post(cast.organisation, school, [capsule], [("P5", "12", "10"), ("P6", "8", "")]),
    )
    assert response.status_code == 302
    session = AwarenessSession.objects.get()
    assert (session.girls, session.boys, session.teachers_present) == (20, 10, 2)
    assert response["Location"].endswith(session.get_absolute_url()[3:])


@pytest.mark.parametrize(
    ("rows", "overrides"),
    [
        ([("P5", "-4", "10")], {}),
        ([("P5", "3", "1"), ("P5", "2", "2")], {}),
        ([("P5", "0", "0")], {}),
        ([], {}),
        ([("", "5", "5")], {}),
        ([("P5", "3", "1")], {"capsules": []}),
        ([("P5", "3", "1")], {"held_on": days_ago(-2).isoformat()}),
        ([("P5", "3", "1")], {"held_on": "2014-06-01"}),
    ],
)
def test_bad_input_on_the_session_page_is_refused_with_a_message(
    cast, capsule, school, rows, overrides
):
    response = cast.client_for("admin").post(
        _url("session_create"),
        _session_post(cast.organisation, school, [capsule], rows, **overrides),
    )
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    assert form.errors or formset.non_form_errors() or any(formset.errors)
    assert 'class="alert alert-danger"' in response.content.decode() or "invalid-feedback" in (
        response.content.decode()
    )
    assert not AwarenessSession.objects.exists()
    assert not Audience.objects.exists()


def test_a_duplicate_grade_is_named_on_the_row_and_above_the_rows(cast, capsule, school):
    response = cast.client_for("admin").post(
        _url("session_create", language="en"),
        _session_post(cast.organisation, school, [capsule], [("P5", "3", "1"), ("P5", "2", "2")]),
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.non_form_errors() == ["Give each grade once."]
    assert formset.forms[1].errors["grade"] == ["This grade is given twice."]
    body = response.content.decode()
    assert 'id="audience-errors"' in body
    assert "This grade is given twice." in body


def test_the_session_form_keeps_the_audience_when_editing(cast, session, capsule, school):
    client = cast.client_for("admin")
    formset = client.get(_url("session_update", session.pk)).context["formset"]
    assert formset.initial == [{"grade": "P5", "girls": 12, "boys": 10, "migrants": None}]
    data = _session_post(
        cast.organisation, school, [capsule], [("P5", "12", "10"), ("M1", "1", "1")]
    )
    del data["organisation"]
    response = client.post(_url("session_update", session.pk), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.girls, session.boys) == (13, 11)


def test_markup_in_feedback_is_shown_as_text(cast, capsule, school):
    session = record_session(
        cast.admin, cast.organisation, school, [capsule], [("P5", 1, 1)], feedback="<b>bien</b>"
    )
    body = cast.client_for("outsider").get(_url("session_detail", session.pk)).content.decode()
    assert "<b>bien</b>" not in body
    assert "&lt;b&gt;bien&lt;/b&gt;" in body


# --- Totals against a hand count ----------------------------------------------------------------


@pytest.fixture
def many_sessions(cast, capsule, school, territory):
    """Five sessions in three schools of two communes, by two organisations, two capsules."""
    second = services.capsule_create(
        actor=cast.coordinator,
        organisation=cast.other_organisation,
        data=capsule_data(title_fr="Affiche", title_ar="", format="poster"),
    )
    services.capsule_create(
        actor=cast.coordinator,
        organisation=cast.other_organisation,
        data=capsule_data(title_fr="Ancienne", title_ar="", is_active=False),
    )
    nador_2 = services.school_create(
        actor=cast.admin, data=school_data(territory.nador, name_fr="Collège Nador", name_ar="")
    )
    selouane = services.school_create(
        actor=cast.admin, data=school_data(territory.selouane, name_fr="École Selouane", name_ar="")
    )
    org, other = cast.organisation, cast.other_organisation
    return {
        "s1": record_session(
            cast.admin,
            org,
            school,
            [capsule],
            [("P5", 10, 12), ("P6", 8, 7)],
            held_on=days_ago(200),
            teachers=2,
        ),
        "s2": record_session(
            cast.admin,
            org,
            nador_2,
            [capsule, second],
            [("M1", 15, 14)],
            held_on=days_ago(100),
            teachers=3,
        ),
        "s3": record_session(
            cast.outsider,
            other,
            selouane,
            [second],
            [("P3", 9, 11)],
            held_on=days_ago(50),
            teachers=1,
        ),
        "s4": record_session(
            cast.outsider,
            other,
            school,
            [second],
            [("P4", 5, 0), ("P2", 0, 6)],
            held_on=days_ago(20),
            teachers=0,
        ),
        "s5": record_session(
            cast.admin,
            org,
            selouane,
            [capsule],
            [("P1", 4, 4)],
            held_on=days_ago(5),
            teachers=4,
        ),
        "second": second,
        "nador_2": nador_2,
        "selouane": selouane,
    }


def test_every_figure_of_the_overview_equals_a_hand_count(cast, many_sessions):
    response = cast.client_for("readonly").get(_url("overview", language="en"))
    figures = response.context["figures"]
    # Hand count: girls 10+8+15+9+5+0+4 = 51; boys 12+7+14+11+0+6+4 = 54; teachers 2+3+1+0+4.
    assert figures.capsules_in_use == 2
    assert figures.sessions.sessions == 5
    assert (figures.sessions.girls, figures.sessions.boys) == (51, 54)
    assert figures.sessions.pupils == 105
    assert figures.sessions.teachers == 10
    assert figures.schools_reached == 3
    assert figures.communes_reached == 2
    assert (figures.trainings, figures.participants, figures.advocacy_actions) == (0, 0, 0)
    body = response.content.decode()
    for element, value in [
        ("figure-sessions", "5"),
        ("figure-pupils", "105"),
        ("figure-schools", "3"),
        ("figure-communes", "2"),
        ("figure-teachers", "10"),
    ]:
        start = body.index(f'id="{element}"')
        assert f">{value}<" in body[start : start + 200].replace("\n", "").replace(" ", "")
    assert "51 girls" in body
    assert "54 boys" in body


def _totals(client, **query):
    response = client.get(_url("session_list"), query)
    totals = response.context["totals"]
    shown = {session.pk for session in response.context["page"]}
    return (totals.sessions, totals.girls, totals.boys, totals.teachers), shown, response


def test_the_session_list_totals_follow_the_filters(
    cast, many_sessions, territory, capsule, school
):
    s = many_sessions
    client = cast.client_for("outsider")
    totals, shown, response = _totals(client)
    assert totals == (5, 51, 54, 10)
    body = response.content.decode()
    assert 'id="total-girls">51<' in body
    assert 'id="total-boys">54<' in body
    assert 'id="total-teachers">10<' in body
    assert _totals(client, organisation=cast.other_organisation.pk)[0] == (2, 14, 17, 1)
    assert _totals(client, commune=territory.selouane.pk)[0] == (2, 13, 15, 5)
    assert _totals(client, school=school.pk)[0] == (2, 23, 25, 2)
    totals, shown, _response = _totals(client, capsule=capsule.pk)
    assert totals == (3, 37, 37, 9)
    assert shown == {s["s1"].pk, s["s2"].pk, s["s5"].pk}
    totals, shown, _response = _totals(
        client, date_from=days_ago(120).isoformat(), date_to=days_ago(10).isoformat()
    )
    assert totals == (3, 29, 31, 4)
    assert shown == {s["s2"].pk, s["s3"].pk, s["s4"].pk}


def test_the_capsule_page_counts_the_sessions_that_showed_it(cast, many_sessions):
    second = many_sessions["second"]
    response = cast.client_for("readonly").get(_url("capsule_detail", second.pk, language="en"))
    totals = response.context["totals"]
    assert (totals.sessions, totals.girls, totals.boys) == (3, 29, 31)
    assert "3 sessions, 60 pupils reached (29 girls, 31 boys)." in response.content.decode()


def test_the_session_list_costs_the_same_for_few_or_many_sessions(cast, many_sessions):
    client = cast.client_for("readonly")
    client.get(_url("session_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(_url("session_list"))
    school = many_sessions["selouane"]
    capsule = many_sessions["second"]
    for days in range(1, 9):
        record_session(
            cast.admin, cast.organisation, school, [capsule], [("P1", 1, 1)], held_on=days_ago(days)
        )
    with CaptureQueriesContext(connection) as many:
        client.get(_url("session_list"))
    assert len(many.captured_queries) == len(few.captured_queries)
