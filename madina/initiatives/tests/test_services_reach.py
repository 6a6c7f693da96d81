"""Monthly reach reports: who may report, locked months, totals to date that never go down."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from madina.core.models import AuditEvent
from madina.initiatives import services
from madina.initiatives.models import ReachByGroup, ReachReport, ReportingPeriod
from madina.initiatives.tests.factories import (
    InitiativeFactory,
    InitiativePartnerFactory,
    ReachReportFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)
MAY = datetime.date(2026, 5, 1)


@pytest.fixture
def initiative(cast, registry):
    return InitiativeFactory(
        lead_organisation=cast.organisation,
        communes=[registry.nador, registry.beni_ansar],
        target_groups=[registry.women, registry.children],
    )


def _save(actor, initiative, commune, month, **values):
    return services.reach_report_save(
        actor=actor, initiative=initiative, commune=commune, month=month, values=values
    )


def test_a_member_reports_a_month_and_the_period_is_created(cast, registry, initiative):
    report = services.reach_report_save(
        actor=cast.member,
        initiative=initiative,
        commune=registry.nador,
        month=datetime.date(2026, 3, 17),
        values={"women": 10, "men": 4, "cumulative_women": 10},
        by_group={registry.women: 10, registry.children: None},
    )
    assert report.period.month == MARCH
    assert (report.women, report.men, report.girls, report.boys) == (10, 4, 0, 0)
    assert report.cumulative_women == 10 and report.cumulative_men is None
    assert list(report.by_group.values_list("target_group__code", "people")) == [("women", 10)]
    event = AuditEvent.objects.get(object_type="initiatives.reachreport")
    assert event.organisation_id == cast.organisation.pk


def test_saving_the_same_month_again_replaces_the_report(cast, registry, initiative):
    _save(cast.member, initiative, registry.nador, MARCH, women=10)
    _save(cast.member, initiative, registry.nador, MARCH, women=12)
    assert ReachReport.objects.get().women == 12
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "create",
        "update",
    ]


def test_an_implementing_partner_may_report(cast, registry):
    initiative = InitiativeFactory(
        lead_organisation=cast.other_organisation, communes=[registry.nador]
    )
    InitiativePartnerFactory(
        initiative=initiative, organisation=cast.organisation, role="implementing"
    )
    _save(cast.member, initiative, registry.nador, MARCH, women=3)
    assert ReachReport.objects.count() == 1


@pytest.mark.parametrize("who", ["readonly", "outsider"])
def test_others_cannot_report(cast, registry, initiative, who):
    with pytest.raises(PermissionDenied):
        _save(getattr(cast, who), initiative, registry.nador, MARCH, women=3)
    assert ReachReport.objects.count() == 0
    assert ReportingPeriod.objects.count() == 0


def test_a_locked_month_is_refused_and_nothing_is_written(cast, registry, initiative):
    report = ReachReportFactory(
        initiative=initiative,
        commune=registry.nador,
        period=ReportingPeriodFactory(month=MARCH),
        women=10,
    )
    services.period_lock(actor=cast.coordinator, month=MARCH)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        _save(cast.coordinator, initiative, registry.nador, MARCH, women=99)
    assert caught.value.code == "locked"
    report.refresh_from_db()
    assert report.women == 10
    with pytest.raises(ValidationError):
        _save(cast.member, initiative, registry.beni_ansar, MARCH, women=1)
    assert ReachReport.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_the_locked_refusal_is_translated(cast, registry, initiative):
    services.period_lock(actor=cast.coordinator, month=MARCH)
    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        _save(cast.member, initiative, registry.nador, MARCH, women=1)
    assert "verrouillé" in caught.value.messages[0]


def test_a_commune_outside_the_initiative_is_refused(cast, registry, initiative):
    with pytest.raises(ValidationError) as caught:
        _save(cast.member, initiative, registry.oujda, MARCH, women=1)
    assert "commune" in caught.value.message_dict
    assert ReachReport.objects.count() == 0
    assert ReportingPeriod.objects.count() == 0


def test_a_total_to_date_cannot_go_down(cast, registry, initiative):
    _save(cast.member, initiative, registry.nador, MARCH, women=10, cumulative_women=10)
    with pytest.raises(ValidationError) as caught:
        _save(cast.member, initiative, registry.nador, APRIL, women=5, cumulative_women=8)
    assert "cumulative_women" in caught.value.message_dict
    assert ReachReport.objects.count() == 1
    assert ReportingPeriod.objects.count() == 1
    # Another commune has its own totals.
    _save(cast.member, initiative, registry.beni_ansar, APRIL, women=5, cumulative_women=5)


def test_the_going_down_refusal_is_translated(cast, registry, initiative):
    _save(cast.member, initiative, registry.nador, MARCH, women=10, cumulative_women=10)
    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        _save(cast.member, initiative, registry.nador, APRIL, women=5, cumulative_women=8)
    assert "ne peut pas diminuer" in caught.value.message_dict["cumulative_women"][0]


def test_a_correction_cannot_exceed_a_later_total(cast, registry, initiative):
    _save(cast.member, initiative, registry.nador, MARCH, women=10, cumulative_women=10)
    _save(cast.member, initiative, registry.nador, MAY, women=5, cumulative_women=14)
    with pytest.raises(ValidationError):
        _save(cast.member, initiative, registry.nador, APRIL, women=5, cumulative_women=20)
    _save(cast.member, initiative, registry.nador, APRIL, women=5, cumulative_women=12)
    assert ReachReport.objects.count() == 3


def test_a_total_to_date_covers_the_month(cast, registry, initiative):
    with pytest.raises(ValidationError) as caught:
        _save(cast.member, initiative, registry.nador, MARCH, women=10, cumulative_women=4)
    assert "cumulative_women" in caught.value.message_dict


def test_negative_counts_are_refused(cast, registry, initiative):
    with pytest.raises(ValidationError) as caught:
        services.reach_report_save(
            actor=cast.member,
            initiative=initiative,
            commune=registry.nador,
            month=MARCH,
            values={"women": -1},
            by_group={registry.women: -3},
        )
    assert set(caught.value.message_dict) == {"women", "by_group"}
    assert ReachByGroup.objects.count() == 0


def test_a_month_not_yet_started_is_refused(cast, registry, initiative):
    with pytest.raises(ValidationError) as caught:
        _save(cast.member, initiative, registry.nador, datetime.date(2999, 1, 1), women=1)
    assert "month" in caught.value.message_dict
