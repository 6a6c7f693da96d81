"""The reach report form, the reporting months page and the pages of the lists."""

import datetime

import pytest
from django.urls import reverse

from madina.initiatives.models import ReachReport, ReportingPeriod, TargetGroup
from madina.initiatives.tests.factories import (
    InitiativeFactory,
    ReachReportFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db
PERIODS = reverse("initiatives:period_list")


@pytest.fixture
def initiative(cast, registry):
    return InitiativeFactory(
        lead_organisation=cast.organisation,
        communes=[registry.nador, registry.beni_ansar],
        target_groups=[registry.women],
    )


def _url(initiative):
    return reverse("initiatives:reach_report", args=[initiative.pk])


def _data(registry, **overrides):
    data = {
        "commune": registry.nador.pk,
        "month": "2026-03",
        "women": "10",
        "men": "2",
        "girls": "",
        "boys": "1",
        "cumulative_women": "10",
        f"group_{registry.women.pk}": "7",
        "comment": "",
    }
    data.update(overrides)
    return data


def test_a_member_reports_a_month(cast, registry, initiative):
    client = cast.client_for("member")
    body = client.get(_url(initiative)).content.decode()
    assert 'type="month"' in body and f'name="group_{registry.women.pk}"' in body
    response = client.post(_url(initiative), _data(registry))
    assert response.status_code == 302
    report = ReachReport.objects.get()
    assert (report.women, report.men, report.girls, report.boys) == (10, 2, 0, 1)
    assert report.period.month == datetime.date(2026, 3, 1)
    assert list(report.by_group.values_list("people", flat=True)) == [7]


def test_the_form_opens_on_an_existing_report_to_correct_it(cast, registry, initiative):
    ReachReportFactory(
        initiative=initiative,
        commune=registry.nador,
        period=ReportingPeriodFactory(month=datetime.date(2026, 3, 1)),
        women=44,
    )
    response = cast.client_for("member").get(
        _url(initiative), {"commune": registry.nador.pk, "month": "2026-03"}
    )
    assert response.context["form"]["women"].value() == 44


def test_a_locked_month_is_refused_on_the_page(cast, registry, initiative):
    ReportingPeriod.objects.create(month=datetime.date(2026, 3, 1), locked_at="2026-04-02T10:00Z")
    response = cast.client_for("member").post("/fr" + _url(initiative)[3:], _data(registry))
    assert response.status_code == 200
    assert "verrouillé" in response.content.decode()
    assert ReachReport.objects.count() == 0


def test_a_commune_of_another_initiative_is_refused(cast, registry, initiative):
    response = cast.client_for("member").post(
        _url(initiative), _data(registry, commune=registry.oujda.pk)
    )
    assert response.status_code == 200
    assert "commune" in response.context["form"].errors
    assert ReachReport.objects.count() == 0


def test_a_total_to_date_going_down_is_refused_on_the_page(cast, registry, initiative):
    client = cast.client_for("member")
    client.post(_url(initiative), _data(registry, cumulative_women="20"))
    response = client.post(
        _url(initiative), _data(registry, month="2026-04", cumulative_women="15")
    )
    assert "cumulative_women" in response.context["form"].errors
    assert ReachReport.objects.count() == 1


def test_outsiders_and_read_only(cast, registry, initiative):
    assert cast.client_for("readonly").post(_url(initiative), _data(registry)).status_code == 403
    assert cast.client_for("outsider").post(_url(initiative), _data(registry)).status_code == 403
    hidden = InitiativeFactory(visibility="partners", communes=[registry.nador])
    assert cast.client_for("member").get(_url(hidden)).status_code == 404
    assert ReachReport.objects.count() == 0


def test_the_coordinator_locks_and_unlocks_a_month(cast):
    client = cast.client_for("coordinator")
    assert client.get(PERIODS).status_code == 200
    response = client.post(PERIODS, {"month": "2026-03", "action": "lock"})
    assert response.status_code == 302
    assert ReportingPeriod.objects.get().is_locked
    client.post(PERIODS, {"month": "2026-03", "action": "unlock"})
    assert not ReportingPeriod.objects.get().is_locked


@pytest.mark.parametrize("who", ["admin", "member", "readonly", "outsider"])
def test_only_coordinators_reach_the_months_page(cast, who):
    client = cast.client_for(who)
    assert client.get(PERIODS).status_code == 404
    assert client.post(PERIODS, {"month": "2026-03", "action": "lock"}).status_code == 404
    assert ReportingPeriod.objects.count() == 0


def test_the_coordinator_edits_the_lists(cast, registry):
    client = cast.client_for("coordinator")
    url = reverse("initiatives:taxonomy_list", args=["target-groups"])
    assert registry.women.name_fr in client.get(url).content.decode()
    response = client.post(
        reverse("initiatives:taxonomy_create", args=["target-groups"]),
        {
            "code": "elderly",
            "name_fr": "Personnes âgées",
            "name_ar": "المسنون",
            "order": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert TargetGroup.objects.get(code="elderly").is_active
    response = client.post(
        reverse("initiatives:taxonomy_update", args=["target-groups", registry.women.pk]),
        {
            "code": "women",
            "name_fr": "Femmes adultes",
            "name_ar": "النساء",
            "order": 1,
            "is_active": "on",
        },
    )
    registry.women.refresh_from_db()
    assert registry.women.name_fr == "Femmes adultes"
    assert client.get(reverse("initiatives:taxonomy_list", args=["nope"])).status_code == 404


def test_members_do_not_reach_the_lists(cast):
    client = cast.client_for("admin")
    url = reverse("initiatives:taxonomy_list", args=["activity-types"])
    assert client.get(url).status_code == 404
    create = reverse("initiatives:taxonomy_create", args=["activity-types"])
    assert client.post(create, {"code": "x", "name_fr": "X", "name_ar": "س"}).status_code == 404


def test_the_form_offers_the_last_month_and_the_only_commune(cast, registry):
    from django.utils import timezone

    initiative = InitiativeFactory(lead_organisation=cast.organisation, communes=[registry.oujda])
    form = cast.client_for("member").get(_url(initiative)).context["form"]
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    assert form["month"].value() == last_month
    assert form["commune"].value() == registry.oujda.pk


def test_an_existing_report_is_replaced_only_once_the_user_has_seen_it(cast, registry, initiative):
    report = ReachReportFactory(
        initiative=initiative,
        commune=registry.nador,
        period=ReportingPeriodFactory(month=datetime.date(2026, 3, 1)),
        women=44,
    )
    client = cast.client_for("member")
    response = client.post(_url(initiative), _data(registry))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert f'name="replace" value="{report.pk}"' in response.content.decode()
    report.refresh_from_db()
    assert report.women == 44
    response = client.post(_url(initiative), _data(registry, replace=str(report.pk)))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.women == 10
