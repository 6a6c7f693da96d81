"""Pages of the results framework, per role: everyone signed in reads; the project's
organisation's admins and members, and coordinators, write; the rest get 403; unknown ids 404."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from madina.core.models import AuditEvent
from madina.results import compute
from madina.results.models import IndicatorValue, NarrativeSection, Project, Result
from madina.results.tests.fixtures_pages import build_world

pytestmark = pytest.mark.django_db

READERS = ["admin", "member", "readonly", "outsider", "coordinator"]
WRITERS = ["admin", "member", "coordinator"]
REFUSED = ["readonly", "outsider"]


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world(cast)
    compute.compute_edition(world.edition)
    return world


def _manual_value(world, cast, *, approve_by=None) -> IndicatorValue:
    value = compute.manual_value_submit(
        actor=cast.member,
        indicator=world.manual,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 3, 31),
        value=4,
        evidence=SimpleUploadedFile("teachers.txt", b"names of the teachers\n"),
        note="Liste",
    )
    if approve_by is not None:
        value = compute.manual_value_decide(actor=approve_by, value=value, approve=True)
    return value


def _read_urls(world, value) -> list[str]:
    return [
        reverse("results:edition_list"),
        reverse("results:edition_detail", args=[world.edition.pk]),
        reverse("results:indicator_detail", args=[world.pupils.pk]),
        reverse("results:indicator_detail", args=[world.manual.pk]),
        reverse("results:value_records", args=[value.pk]),
        reverse("results:section_list", args=[world.edition.pk]),
    ]


def _write_urls(world) -> list[str]:
    return [
        reverse("results:project_update", args=[world.project.pk]),
        reverse("results:edition_create", args=[world.project.pk]),
        reverse("results:edition_update", args=[world.edition.pk]),
        reverse("results:result_create", args=[world.edition.pk]),
        reverse("results:result_update", args=[world.output.pk]),
        reverse("results:indicator_create", args=[world.output.pk]),
        reverse("results:indicator_update", args=[world.pupils.pk]),
        reverse("results:manual_value", args=[world.manual.pk]),
        reverse("results:section_create", args=[world.edition.pk]),
    ]


# --- Who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READERS)
def test_everyone_signed_in_reads(world, cast, name):
    client = cast.client_for(name)
    value = world.pupils.values.get(is_total=True)
    for url in _read_urls(world, value):
        assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_sign_in(world):
    response = Client().get(reverse("results:edition_detail", args=[world.edition.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("name", WRITERS)
def test_writers_open_every_form(world, cast, name):
    client = cast.client_for(name)
    assert client.get(reverse("results:project_create")).status_code == 200
    for url in _write_urls(world):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("name", REFUSED)
def test_readonly_and_outsiders_are_refused_the_forms(world, cast, name):
    client = cast.client_for(name)
    for url in _write_urls(world):
        assert client.get(url).status_code == 403, url
    recompute = reverse("results:edition_recompute", args=[world.edition.pk])
    assert client.post(recompute).status_code == 403


def test_the_readonly_member_may_not_add_a_project(world, cast):
    assert cast.client_for("readonly").get(reverse("results:project_create")).status_code == 403


def test_unknown_ids_are_404(world, cast):
    client = cast.client_for("admin")
    for name in (
        "edition_detail",
        "edition_update",
        "indicator_detail",
        "value_records",
        "value_evidence",
        "value_decide",
        "section_list",
        "section_update",
        "result_update",
        "project_update",
    ):
        assert client.get(reverse(f"results:{name}", args=[99999])).status_code == 404, name


# --- The framework -------------------------------------------------------------------------------


def _cell(html: str, indicator) -> str:
    match = re.search(rf'data-indicator="{indicator.pk}" data-total>(.*?)</td>', html, re.S)
    assert match, html
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_the_framework_shows_the_stored_values(world, cast):
    value = _manual_value(world, cast, approve_by=cast.admin)
    response = cast.client_for("readonly").get(
        reverse("results:edition_detail", args=[world.edition.pk])
    )
    html = response.content.decode()
    total = IndicatorValue.objects.get(indicator=world.pupils, is_total=True)
    assert Decimal(_cell(html, world.pupils)) == total.value == 34
    sessions = IndicatorValue.objects.get(indicator=world.sessions_indicator, is_total=True)
    assert Decimal(_cell(html, world.sessions_indicator)) == sessions.value == 2
    # Progress: (34 − 10) / (100 − 10) = 27 %.
    assert "27 %" in html
    # The manual value is for a quarter, not the whole edition: no total.
    assert _cell(html, world.manual) == "—"
    framework = response.context["framework"]
    rows = {row.indicator.pk: row for row in framework.outcomes[0].outputs[0].rows}
    for row in rows.values():
        for (start, end), shown in zip(framework.periods, row.periods, strict=True):
            assert shown == compute.reported_value(row.indicator, start, end)
    assert rows[world.manual.pk].periods[0] == value
    for stored in IndicatorValue.objects.filter(indicator=world.pupils, is_total=False):
        assert reverse("results:value_records", args=[stored.pk]) in html
    assert 'id="computed-at"' in html


def test_a_submitted_manual_value_is_not_shown_until_approved(world, cast):
    _manual_value(world, cast)
    response = cast.client_for("admin").get(
        reverse("results:edition_detail", args=[world.edition.pk])
    )
    rows = {
        row.indicator.pk: row for row in response.context["framework"].outcomes[0].outputs[0].rows
    }
    assert rows[world.manual.pk].periods[0] is None


def test_recompute_changes_a_value_after_a_record_changed(world, cast):
    """Acceptance 2 of issue 6: a changed record changes the value once recomputed."""
    url = reverse("results:edition_detail", args=[world.edition.pk])
    client = cast.client_for("member")
    assert _cell(client.get(url).content.decode(), world.pupils) == "34"
    session = world.sessions[1]
    session.girls = 27
    session.save()
    assert _cell(client.get(url).content.decode(), world.pupils) == "34"
    response = client.post(reverse("results:edition_recompute", args=[world.edition.pk]))
    assert response.status_code == 302
    assert response["Location"] == url
    assert _cell(client.get(url).content.decode(), world.pupils) == "54"


def test_recompute_takes_a_post(world, cast):
    url = reverse("results:edition_recompute", args=[world.edition.pk])
    assert cast.client_for("admin").get(url).status_code == 405


def test_markup_in_a_title_is_shown_as_text(world, cast):
    world.pupils.title_fr = "<script>alert(1)</script>Élèves"
    world.pupils.save()
    world.output.title_fr = "<b>gras</b>"
    world.output.save()
    client = cast.client_for("readonly")
    for url in (
        reverse("results:edition_detail", args=[world.edition.pk]),
        reverse("results:indicator_detail", args=[world.pupils.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = client.get(reverse("results:edition_detail", args=[world.edition.pk])).content.decode()
    assert "<b>gras</b>" not in html


# --- The drill-down ------------------------------------------------------------------------------


def test_the_drill_down_lists_exactly_the_records_counted(world, cast):
    total = IndicatorValue.objects.get(indicator=world.pupils, is_total=True)
    response = cast.client_for("outsider").get(reverse("results:value_records", args=[total.pk]))
    html = response.content.decode()
    linked = {int(pk) for pk in re.findall(r'href="/[a-z]{2}/outreach/sessions/(\d+)/"', html)}
    if not linked:  # without a language prefix
        linked = {int(pk) for pk in re.findall(r'href="[^"]*/sessions/(\d+)/"', html)}
    assert linked == set(total.records["ids"]) == {world.sessions[0].pk, world.sessions[1].pk}
    shown = {line.url for line in response.context["records"].lines}
    assert shown == {session.get_absolute_url() for session in world.sessions[:2]}


def test_the_drill_down_of_schools_links_to_the_school(world, cast):
    from madina.results import services

    indicator = services.indicator_create(
        actor=cast.member,
        result=world.output,
        data={"code": "1.1.d", "title_fr": "Écoles", "target": 5, "source": "schools"},
    )
    total = indicator.values.get(is_total=True)
    response = cast.client_for("member").get(reverse("results:value_records", args=[total.pk]))
    school = world.schools[world.nador]
    assert [line.url for line in response.context["records"].lines] == [
        reverse("outreach:school_detail", args=[school.pk])
    ]


def test_the_drill_down_takes_one_query_per_kind_of_record(
    world, cast, django_assert_max_num_queries
):
    total = IndicatorValue.objects.get(indicator=world.pupils, is_total=True)
    client = cast.client_for("member")
    url = reverse("results:value_records", args=[total.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        client.get(url)


def test_confidential_values_never_list_cases(world, cast):
    from madina.results import services

    indicator = services.indicator_create(
        actor=cast.member,
        result=world.outcome,
        data={"code": "2.a", "title_fr": "Incidents", "target": 20, "source": "incidents"},
    )
    total = indicator.values.get(is_total=True)
    html = (
        cast.client_for("coordinator")
        .get(reverse("results:value_records", args=[total.pk]))
        .content.decode()
    )
    assert "individual cases are never listed" in html
    assert 'id="records"' not in html


def test_the_indicator_page_names_the_communes_of_the_breakdown(world, cast):
    response = cast.client_for("readonly").get(
        reverse("results:indicator_detail", args=[world.pupils.pk])
    )
    total = response.context["rows"][-1]
    assert total.is_total
    # Each breakdown the records hold; the commune shown by its name, not its id.
    breakdowns = {b.label: {cell.label: cell.count for cell in b.cells} for b in total.breakdowns}
    assert list(breakdowns) == ["sex", "age band", "commune", "population group"]
    sex, commune = breakdowns["sex"], breakdowns["commune"]
    # These sessions were recorded without rows by grade: their pupils' age and group are unknown.
    assert breakdowns["age band"] == {"age unknown": 34}
    assert breakdowns["population group"] == {"not said or not counted": 34}
    assert sorted(sex.values()) == [17, 17]
    ((name, count),) = commune.items()
    assert count == 34
    assert name in {world.nador.name_ar, world.nador.name_fr}
    assert name in response.content.decode()


def test_small_cells_are_shown_as_fewer_than_five(world, cast):
    value = IndicatorValue.objects.get(indicator=world.pupils, is_total=True)
    value.breakdown = {"sex": {"female": None, "male": 7}}
    value.save()
    html = (
        cast.client_for("readonly")
        .get(reverse("results:indicator_detail", args=[world.pupils.pk]))
        .content.decode()
    )
    assert "&lt;5" in html


# --- Manual values -------------------------------------------------------------------------------


def _manual_post(world, **extra):
    return {
        "period_start": "2025-04-01",
        "period_end": "2025-06-30",
        "value": "6",
        "note": "Liste d'émargement",
        **extra,
    }


def test_a_manual_value_without_evidence_is_refused_and_nothing_written(world, cast):
    client = cast.client_for("member")
    response = client.post(
        reverse("results:manual_value", args=[world.manual.pk]), _manual_post(world)
    )
    assert response.status_code == 200
    form = response.context["form"]
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        expected = translation.gettext("Attach the evidence: a value typed by hand needs it.")
    assert form.errors["evidence"] == [expected]
    assert not world.manual.values.exists()
    assert not AuditEvent.objects.filter(object_type="results.indicatorvalue").exists()


def test_a_manual_value_is_entered_then_approved_by_someone_else(world, cast):
    url = reverse("results:manual_value", args=[world.manual.pk])
    response = cast.client_for("member").post(
        url,
        _manual_post(world, evidence=SimpleUploadedFile("liste.txt", b"12 enseignants\n")),
    )
    assert response.status_code == 302
    value = world.manual.values.get()
    assert value.state == IndicatorValue.State.SUBMITTED
    assert value.evidence_name == "liste.txt"
    assert value.entered_by == cast.member
    decide = reverse("results:value_decide", args=[value.pk])
    # The person who entered it may not approve it; nor may the read-only member.
    assert cast.client_for("member").get(decide).status_code == 403
    assert cast.client_for("member").post(decide, {"decision": "approve"}).status_code == 403
    assert cast.client_for("readonly").post(decide, {"decision": "approve"}).status_code == 403
    value.refresh_from_db()
    assert value.state == IndicatorValue.State.SUBMITTED
    # Sending back needs a reason.
    response = cast.client_for("admin").post(decide, {"decision": "reject", "note": ""})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    response = cast.client_for("admin").post(decide, {"decision": "approve"})
    assert response.status_code == 302
    value.refresh_from_db()
    assert value.state == IndicatorValue.State.APPROVED
    assert value.decided_by == cast.admin


def test_the_approver_sees_the_button_but_not_the_person_who_entered(world, cast):
    value = _manual_value(world, cast)
    url = reverse("results:indicator_detail", args=[world.manual.pk])
    decide = reverse("results:value_decide", args=[value.pk])
    assert decide in cast.client_for("admin").get(url).content.decode()
    assert decide not in cast.client_for("member").get(url).content.decode()
    assert decide not in cast.client_for("readonly").get(url).content.decode()


def test_a_computed_indicator_takes_no_typed_value(world, cast):
    url = reverse("results:manual_value", args=[world.pupils.pk])
    assert cast.client_for("admin").get(url).status_code == 404


def test_evidence_is_served_by_an_authorising_view(world, cast):
    value = _manual_value(world, cast)
    url = reverse("results:value_evidence", args=[value.pk])
    response = cast.client_for("outsider").get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert "teachers.txt" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"names of the teachers\n"
    assert Client().get(url).status_code == 302


# --- Forms through the pages ---------------------------------------------------------------------


def test_a_member_builds_a_framework_through_the_pages(world, cast):
    client = cast.client_for("member")
    response = client.post(
        reverse("results:result_create", args=[world.edition.pk]),
        {"level": "outcome", "code": "2", "title_fr": "Société civile"},
    )
    assert response.status_code == 302
    outcome = Result.objects.get(edition=world.edition, code="2")
    response = client.post(
        reverse("results:result_create", args=[world.edition.pk]),
        {"level": "output", "code": "2.1", "title_fr": "Sans parent"},
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    response = client.post(
        reverse("results:indicator_create", args=[outcome.pk]),
        {
            "code": "2.a",
            "title_fr": "Séances",
            "unit": "number",
            "baseline": "0",
            "target": "0",
            "source": "sessions",
        },
    )
    assert response.status_code == 200
    assert "target" in response.context["form"].errors
    response = client.post(
        reverse("results:indicator_create", args=[outcome.pk]),
        {
            "code": "2.a",
            "title_fr": "Séances",
            "unit": "number",
            "baseline": "0",
            "target": "4",
            "source": "sessions",
            "disaggregation": ["commune"],
        },
    )
    assert response.status_code == 302
    indicator = outcome.indicators.get()
    assert indicator.values.get(is_total=True).value == 2


def test_a_coordinator_adds_a_project_and_an_edition(world, cast):
    client = cast.client_for("coordinator")
    response = client.post(
        reverse("results:project_create"),
        {"organisation": cast.other_organisation.pk, "name_en": "Inclusive city"},
    )
    assert response.status_code == 302
    project = Project.objects.get(name_en="Inclusive city")
    response = client.post(
        reverse("results:edition_create", args=[project.pk]),
        {
            "name_en": "1st edition",
            "starts_on": "2025-06-30",
            "ends_on": "2025-01-01",
            "reporting_period": "quarter",
        },
    )
    assert response.status_code == 200
    assert "ends_on" in response.context["form"].errors
    response = client.post(
        reverse("results:edition_create", args=[project.pk]),
        {
            "name_en": "1st edition",
            "starts_on": "2025-01-01",
            "ends_on": "2025-06-30",
            "reporting_period": "quarter",
            "areas": [world.province.pk],
        },
    )
    assert response.status_code == 302
    edition = project.editions.get()
    assert list(edition.areas.all()) == [world.province]


def test_the_member_may_not_add_a_project_for_another_organisation(world, cast):
    response = cast.client_for("member").post(
        reverse("results:project_create"),
        {"organisation": cast.other_organisation.pk, "name_fr": "Détourné"},
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Project.objects.filter(name_fr="Détourné").exists()


def test_sections_are_written_and_listed(world, cast):
    client = cast.client_for("admin")
    response = client.post(
        reverse("results:section_create", args=[world.edition.pk]),
        {"order": "10", "title_fr": "Contexte", "body_fr": "<i>La ville</i>"},
    )
    assert response.status_code == 302
    section = NarrativeSection.objects.get()
    html = (
        cast.client_for("outsider")
        .get(reverse("results:section_list", args=[world.edition.pk]))
        .content.decode()
    )
    assert "Contexte" in html
    assert "<i>La ville</i>" not in html
    assert reverse("results:section_update", args=[section.pk]) not in html
    assert (
        cast.client_for("outsider")
        .get(reverse("results:section_update", args=[section.pk]))
        .status_code
        == 403
    )


def test_the_menu_has_results(world, cast):
    html = cast.client_for("readonly").get(reverse("results:edition_list")).content.decode()
    assert reverse("results:edition_list") in html
    assert "Al-Madina" in html
