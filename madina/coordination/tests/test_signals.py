"""``coordination.signals.item_changed``: once per committed change of an item's status, due date
or title; never for a refused or rolled-back one; free text never passed."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from madina.coordination import programme_services as services
from madina.coordination.models import ProgrammeItem, ReviewRequest
from madina.coordination.signals import item_changed

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def heard():
    calls = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    item_changed.connect(receiver, weak=False)
    yield calls
    item_changed.disconnect(receiver)


def test_a_status_change_is_sent_once_after_the_commit(
    cast, plan, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.item_set_status(
            actor=cast.member, item=plan.action, status="at_risk", today=D(2025, 2, 1)
        )
        assert heard == []  # not before the commit
    assert len(heard) == 1
    call = heard[0]
    assert call["sender"] is ProgrammeItem
    assert call["item"].pk == plan.action.pk and call["actor"] == cast.member
    assert call["changes"] == {"status": ("not_started", "at_risk")}


def test_a_new_due_date_and_title_are_sent_together_with_dates_as_dates(
    cast, plan, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.item_update(
            actor=cast.coordinator,
            item=plan.action,
            data={"title": "Cartographier les services de santé", "due_date": D(2025, 9, 30)},
        )
    assert len(heard) == 1
    assert heard[0]["changes"] == {
        "title": ("Cartographier les services", "Cartographier les services de santé"),
        "due_date": (D(2025, 6, 30), D(2025, 9, 30)),
    }


def test_other_changes_send_nothing(cast, plan, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.item_update(
            actor=cast.coordinator, item=plan.action, data={"description": "Plus de détails"}
        )
        services.item_set_status(
            actor=cast.member,
            item=plan.milestone,
            status="not_started",
            progress=20,
            today=D(2025, 2, 1),
        )
    assert heard == []


def test_a_refused_change_sends_nothing(cast, plan, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(PermissionDenied):
            services.item_set_status(actor=cast.readonly, item=plan.action, status="at_risk")
        with pytest.raises(ValidationError):
            services.item_set_status(
                actor=cast.member, item=plan.action, status="dropped", today=D(2025, 2, 1)
            )
        with pytest.raises(ValidationError):
            services.item_update(
                actor=cast.coordinator,
                item=plan.action,
                data={"title": "Autre", "due_date": D(2024, 1, 1)},
            )
    assert heard == []
    plan.action.refresh_from_db()
    assert plan.action.title == "Cartographier les services"


def test_a_change_rolled_back_afterwards_sends_nothing(
    cast, plan, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.item_set_status(
                actor=cast.member, item=plan.action, status="at_risk", today=D(2025, 2, 1)
            )
            raise RuntimeError
    assert heard == []


def test_done_is_sent_when_the_last_consulted_approves_not_when_proposed(
    cast, plan, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.item_set_status(
            actor=cast.member, item=plan.action, status="done", today=D(2025, 2, 1)
        )
    assert heard == []
    review = ReviewRequest.objects.get(item=plan.action, state="pending")
    with django_capture_on_commit_callbacks(execute=True):
        services.review_answer(actor=plan.consulted_user, review=review, approve=True)
    assert [call["changes"] for call in heard] == [{"status": ("not_started", "done")}]
    assert heard[0]["actor"] == plan.consulted_user


def test_lateness_marked_by_the_daily_job_is_sent_without_an_actor(
    plan, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_late(today=D(2025, 7, 1))
    changed = {call["item"].pk: call for call in heard}
    assert set(changed) == {plan.action.pk, plan.milestone.pk}
    assert all(call["actor"] is None for call in heard)
    assert changed[plan.action.pk]["changes"] == {"status": ("not_started", "late")}


def test_a_failing_receiver_neither_undoes_the_change_nor_stops_the_others(
    cast, plan, heard, django_capture_on_commit_callbacks, caplog
):
    def broken(sender, **kwargs):
        raise ValueError("Fatima's phone number")

    item_changed.connect(broken, weak=False)
    try:
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            services.item_set_status(
                actor=cast.member, item=plan.action, status="at_risk", today=D(2025, 2, 1)
            )
    finally:
        item_changed.disconnect(broken)
    plan.action.refresh_from_db()
    assert plan.action.status == "at_risk" and len(heard) == 1
    ours = [r.getMessage() for r in caplog.records if r.name == "madina.coordination.signals"]
    assert len(ours) == 1 and "ValueError" in ours[0] and "Fatima" not in ours[0]
