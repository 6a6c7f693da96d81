"""The outreach demo: capsules, schools and a year of sessions, through the services; idempotent."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from madina.core.demo import demo_load
from madina.core.models import AuditEvent
from madina.outreach.demo import CAPSULES, SCHOOLS, SESSIONS, outreach_demo_load
from madina.outreach.models import Audience, AwarenessSession, Capsule, School


@pytest.mark.django_db
def test_the_demo_loads_once_with_consistent_totals():
    out = io.StringIO()
    call_command("load_areas", stdout=out, stderr=out)
    call_command("load_sectors", stdout=out, stderr=out)
    demo_load()
    assert outreach_demo_load() == len(CAPSULES) + len(SCHOOLS) + len(SESSIONS)
    assert outreach_demo_load() == 0
    assert Capsule.objects.count() == len(CAPSULES)
    assert School.objects.count() == len(SCHOOLS)
    assert AwarenessSession.objects.count() == len(SESSIONS)
    assert {c.organisation.acronym for c in Capsule.objects.all()} == {"ARAS"}
    assert all(c.partners.exists() for c in Capsule.objects.all())
    today = timezone.localdate()
    for session in AwarenessSession.objects.all():
        rows = list(Audience.objects.filter(session=session))
        assert session.girls == sum(row.girls for row in rows)
        assert session.boys == sum(row.boys for row in rows)
        assert 0 <= (today - session.held_on).days <= 366
        assert session.capsules.exists()
    assert AuditEvent.objects.filter(object_type="outreach.awarenesssession").count() == len(
        SESSIONS
    )
    assert {s.commune.name_fr for s in School.objects.select_related("commune")} >= {"Selouane"}
