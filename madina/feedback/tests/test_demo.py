"""The demo loader: about thirty items of every type and status, a few sensitive; idempotent."""

import pytest
from django.core.management import call_command

from madina.feedback.demo import ITEMS, feedback_demo_load
from madina.feedback.models import Feedback, YouSaidWeDid

pytestmark = pytest.mark.django_db


@pytest.fixture
def core_demo(db):
    from madina.core.demo import demo_load

    call_command("load_areas", verbosity=0)
    call_command("load_sectors", verbosity=0)
    demo_load()


def test_demo_loads_once(core_demo):
    created = feedback_demo_load()
    assert created == len(ITEMS) + 2
    assert Feedback.objects.count() == len(ITEMS)
    assert Feedback.objects.filter(is_sensitive=True).count() == 4
    assert set(Feedback.objects.values_list("status", flat=True)) == set(Feedback.Status.values)
    assert set(Feedback.objects.values_list("type", flat=True)) == set(Feedback.Type.values)
    assert YouSaidWeDid.objects.filter(is_published=True).count() == 2
    assert Feedback.objects.filter(channel="portal", entered_by__isnull=False).count() == 0
    assert feedback_demo_load() == 0
    assert Feedback.objects.count() == len(ITEMS)
