"""The demo initiatives load on top of the core demo, once, through the services."""

import pytest
from django.core.management import call_command

from madina.initiatives.demo import INITIATIVES
from madina.initiatives.models import Initiative, ReachReport, ReportingPeriod

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_with_reach_and_a_locked_month(settings):
    settings.DEBUG = True
    call_command("madina_setup", demo=True, verbosity=0)
    assert Initiative.objects.count() == len(INITIATIVES) >= 25
    assert ReachReport.objects.exists()
    assert ReportingPeriod.objects.filter(locked_at__isnull=False).count() == 1
    assert Initiative.objects.filter(language="ar").exists()
    assert Initiative.objects.filter(visibility="partners").exists()
    reports = ReachReport.objects.count()
    call_command("madina_setup", demo=True, verbosity=0)
    assert Initiative.objects.count() == len(INITIATIVES)
    assert ReachReport.objects.count() == reports
