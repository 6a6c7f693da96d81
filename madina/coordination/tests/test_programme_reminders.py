"""Reminders and the weekly digest, with time frozen by passing the day the job runs for.

Neither freezegun nor time-machine is installed: the jobs take ``today``.
"""

import datetime

import pytest
from django.core import mail

from madina.accounts.tests.factories import MembershipFactory, UserFactory
from madina.actors.tests.factories import FocalPersonFactory
from madina.coordination import programme_services, reminders, tasks
from madina.coordination.models import Reminder, Responsibility
from madina.coordination.tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a job and return the e-mails it sent, as {address: message}."""

    def run(job, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            job(**kwargs)
        return {message.to[0]: message for message in mail.outbox}

    return run


def test_the_lead_is_reminded_a_week_before_and_once(cast, plan, run):
    plan.milestone.delete()
    contact = FocalPersonFactory(
        organisation=cast.organisation, email="suivi@ars.example.org", is_public=True
    )
    Responsibility.objects.filter(item=plan.action, role="accountable").update(contact=contact)
    assert run(reminders.send_reminders, today=D(2025, 6, 22)) == {}
    sent = run(reminders.send_reminders, today=D(2025, 6, 23))
    assert set(sent) == {cast.admin.email, cast.member.email, "suivi@ars.example.org"}
    body = sent[cast.member.email].body
    assert "Cartographier les services" in body and cast.organisation.name_ar in body
    assert cast.member.full_name not in body and plan.consulted.name_ar not in body
    assert run(reminders.send_reminders, today=D(2025, 6, 24)) == {}


def test_a_reminder_is_written_in_the_language_of_its_reader(cast, plan, run):
    plan.milestone.delete()
    cast.member.preferred_language = "ar"
    cast.member.save()
    cast.admin.preferred_language = "fr"
    cast.admin.save()
    sent = run(reminders.send_reminders, today=D(2025, 6, 23))
    assert sent[cast.member.email].subject.startswith("موعد")
    assert sent[cast.admin.email].subject.startswith("Échéance")


def test_the_lead_is_told_once_when_the_action_is_late(cast, plan, run):
    plan.milestone.delete()
    Reminder.objects.create(
        item=plan.action, kind="due_soon", due_date=D(2025, 6, 30), sent_on=D(2025, 6, 23)
    )
    sent = run(tasks.programme_reminders_daily.call_local)
    assert sent  # the task runs for the real today, long after 2025: the action is late
    plan.action.refresh_from_db()
    assert plan.action.status == "late"
    assert {cast.admin.email, cast.member.email} <= set(sent)
    assert Reminder.objects.filter(item=plan.action, kind="late").count() == 1
    assert not {cast.admin.email, cast.member.email} & set(
        run(reminders.send_reminders, today=D(2025, 7, 5))
    )


def test_an_override_with_a_reason_stops_the_late_reminders(cast, plan, run):
    plan.milestone.delete()
    programme_services.mark_late(today=D(2025, 7, 1))
    programme_services.item_set_status(
        actor=cast.member,
        item=plan.action,
        status="on_track",
        reason="La commune a repoussé l'atelier.",
        today=D(2025, 7, 1),
    )
    assert run(reminders.send_reminders, today=D(2025, 7, 2)) == {}


def test_an_action_without_lead_earns_no_reminder(cast, plan, run):
    gap = ItemFactory(programme=plan.programme, parent=plan.axis, due_date=D(2025, 6, 30))
    run(reminders.send_reminders, today=D(2025, 6, 25))
    assert not Reminder.objects.filter(item=gap).exists()


def test_the_weekly_digest_goes_to_the_secretariat(cast, plan, run):
    ItemFactory(programme=plan.programme, parent=plan.axis, code="1.2", title="Sans chef")
    elsewhere = UserFactory()
    MembershipFactory(user=elsewhere)
    sent = run(reminders.send_weekly_digest, today=D(2025, 6, 23))
    assert set(sent) == {cast.admin.email, cast.member.email, cast.readonly.email}
    body = sent[cast.admin.email].body
    assert "Cartographier les services" in body  # due within two weeks
    assert "Atelier de lancement" in body  # past its due date
    assert "Sans chef" in body  # no lead
    assert cast.organisation.name_ar in body
    assert cast.admin.full_name not in body


def test_the_weekly_task_sends_the_digest(cast, plan, run):
    sent = run(tasks.programme_digest_weekly.call_local)
    assert cast.admin.email in sent
