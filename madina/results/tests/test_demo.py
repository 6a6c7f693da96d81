"""The results demo: the project, its second edition and framework through the services, one
approved manual value with its evidence, two sections; idempotent, and computed."""

import io

import pytest
from django.core.management import call_command

from madina.core.demo import demo_load
from madina.core.models import AuditEvent
from madina.outreach.demo import outreach_demo_load
from madina.results.demo import FRAMEWORK, MANUAL_CODE, MANUAL_VALUE, results_demo_load
from madina.results.models import Indicator, IndicatorValue, NarrativeSection, Project, Result


@pytest.mark.django_db
def test_the_demo_loads_once_through_the_services(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("load_areas", stdout=out, stderr=out)
    call_command("load_sectors", stdout=out, stderr=out)
    demo_load()
    outreach_demo_load()
    results = len(FRAMEWORK) + sum(len(outcome.outputs) for outcome in FRAMEWORK)
    indicators = sum(len(o.indicators) for r in FRAMEWORK for o in r.outputs)
    created = results_demo_load()
    assert created == 1 + 1 + results + indicators + 1 + 2
    assert results_demo_load() == 0
    project = Project.objects.get()
    assert project.organisation.acronym == "ARAS"
    edition = project.editions.get()
    assert {area.code for area in edition.areas.all()} >= {"02.381"}
    assert (edition.ends_on - edition.starts_on).days > 700
    assert Result.objects.count() == results
    assert Indicator.objects.count() == indicators
    assert NarrativeSection.objects.filter(edition=edition).count() == 2
    edition.refresh_from_db()
    assert edition.computed_at is not None
    manual = IndicatorValue.objects.get(indicator__code=MANUAL_CODE)
    assert manual.state == IndicatorValue.State.APPROVED
    assert manual.value == MANUAL_VALUE
    assert manual.entered_by != manual.decided_by
    assert manual.evidence_name.endswith(".txt")
    sessions = IndicatorValue.objects.get(indicator__code="1.1.a", is_total=True)
    assert sessions.value > 0
    assert len(sessions.records["ids"]) == sessions.value
    assert AuditEvent.objects.filter(object_type="results.indicator").count() == indicators
