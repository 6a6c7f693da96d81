"""Locking reporting months (coordinators only) and editing the lists of terms."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from madina.core.models import AuditEvent
from madina.initiatives import services
from madina.initiatives.models import ActivityType, ReportingPeriod, TargetGroup

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)


def test_a_coordinator_locks_and_unlocks_a_month(cast):
    period = services.period_lock(actor=cast.coordinator, month=datetime.date(2026, 3, 20))
    assert period.month == MARCH
    assert period.is_locked and period.locked_by == cast.coordinator
    period = services.period_unlock(actor=cast.coordinator, month=MARCH)
    assert not period.is_locked
    assert AuditEvent.objects.filter(object_type="initiatives.reportingperiod").count() == 2


@pytest.mark.parametrize("who", ["admin", "member", "readonly", "outsider"])
def test_only_coordinators_lock(cast, who):
    with pytest.raises(PermissionDenied):
        services.period_lock(actor=getattr(cast, who), month=MARCH)
    assert ReportingPeriod.objects.count() == 0


def test_only_coordinators_unlock(cast):
    services.period_lock(actor=cast.coordinator, month=MARCH)
    with pytest.raises(PermissionDenied):
        services.period_unlock(actor=cast.admin, month=MARCH)
    assert ReportingPeriod.objects.get().is_locked


def test_a_coordinator_edits_the_lists(cast):
    group = services.target_group_create(
        actor=cast.coordinator,
        data={"code": "elderly", "name_fr": "Personnes âgées", "name_ar": "المسنون"},
    )
    services.target_group_update(
        actor=cast.coordinator, target_group=group, data={"is_active": False}
    )
    group.refresh_from_db()
    assert not group.is_active
    activity = services.activity_type_create(
        actor=cast.coordinator, data={"code": "sport", "name_fr": "Sport", "name_ar": "رياضة"}
    )
    services.activity_type_update(
        actor=cast.coordinator, activity_type=activity, data={"name_en": "Sport"}
    )
    assert AuditEvent.objects.count() == 4


def test_members_do_not_edit_the_lists(cast):
    with pytest.raises(PermissionDenied):
        services.target_group_create(
            actor=cast.admin, data={"code": "x", "name_fr": "X", "name_ar": "س"}
        )
    assert TargetGroup.objects.count() == 0


def test_a_repeated_code_is_refused(cast):
    data = {"code": "sport", "name_fr": "Sport", "name_ar": "رياضة"}
    services.activity_type_create(actor=cast.coordinator, data=data)
    with pytest.raises(ValidationError):
        services.activity_type_create(actor=cast.coordinator, data=data)
    assert ActivityType.objects.count() == 1
