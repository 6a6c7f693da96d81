"""The demo consultation: published, open, about 25 responses through the services; idempotent."""

import io

import pytest
from django.core.management import call_command

from madina.consultations import selectors
from madina.consultations.demo import RESPONSES, consultations_demo_load
from madina.consultations.models import Consultation, Response
from madina.core.demo import demo_load


@pytest.mark.django_db
def test_the_demo_loads_once_and_has_results():
    out = io.StringIO()
    call_command("load_areas", stdout=out, stderr=out)
    call_command("load_sectors", stdout=out, stderr=out)
    demo_load()
    assert consultations_demo_load() == RESPONSES
    assert consultations_demo_load() == 0
    consultation = Consultation.objects.get()
    assert consultation.is_open()
    assert set(consultation.title) == {"ar", "fr", "en", "es"}
    assert all(set(q.text) == {"ar", "fr", "en", "es"} for q in consultation.questions.all())
    assert Response.objects.count() == RESPONSES
    assert Response.objects.filter(channel=Response.Channel.PORTAL, entered_by=None).count() == 20
    first = selectors.results(consultation)["questions"][0]
    assert first.answered == RESPONSES
    assert sum(row.count for row in first.rows) == RESPONSES
    assert consultation in selectors.public_list()["open"]
