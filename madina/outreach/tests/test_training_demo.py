"""The trainings and advocacy demo: loads through the services, shows a gain, loads once."""

import io

import pytest
from django.core.management import call_command

from madina.core.demo import demo_load
from madina.core.models import AuditEvent
from madina.outreach import training_selectors as selectors
from madina.outreach.models import AdvocacyAction, Attendance, Participant, Training
from madina.outreach.training_demo import ACTIONS, TRAININGS, training_demo_load


@pytest.mark.django_db
def test_the_training_demo_loads_once():
    out = io.StringIO()
    call_command("load_areas", stdout=out, stderr=out)
    call_command("load_sectors", stdout=out, stderr=out)
    demo_load()
    people = sum(len(spec.participants) for spec in TRAININGS)
    assert training_demo_load() == len(TRAININGS) + people + len(ACTIONS)
    assert training_demo_load() == 0
    assert Training.objects.count() == 2
    assert Participant.objects.count() == people
    assert AdvocacyAction.objects.count() == 3
    for training in Training.objects.all():
        assert 10 <= training.participants.count() <= 15
        assert training.organisation.acronym == "ARAS"
        summary = selectors.training_summary(training, selectors.training_participants(training))
        assert summary.gain_average > 0
        assert 80 < summary.attendance_rate < 100
    assert Attendance.objects.exists()
    assert AuditEvent.objects.filter(object_type="outreach.participant").count() == people
