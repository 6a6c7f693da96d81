"""The directory demo: the specialised cells as services of their institutions; idempotent."""

import io

import pytest
from django.core.management import call_command

from madina.core.demo import demo_load
from madina.core.models import AuditEvent
from madina.directory.demo import SERVICES, directory_demo_load
from madina.directory.models import Service


@pytest.mark.django_db
def test_demo_services_and_cells_load_once():
    out = io.StringIO()
    call_command("load_areas", stdout=out, stderr=out)
    call_command("load_sectors", stdout=out, stderr=out)
    demo_load()
    assert directory_demo_load() == len(SERVICES)
    assert directory_demo_load() == 0
    assert Service.objects.count() == len(SERVICES)
    cells = Service.objects.filter(is_specialised_cell=True).select_related(
        "organisation", "referral_focal_point"
    )
    assert {cell.cell_kind for cell in cells} == {"court", "hospital", "police", "gendarmerie"}
    for cell in cells:
        assert cell.organisation.type == "public_institution"
        assert cell.accepts_referrals
        assert cell.referral_focal_point.organisation == cell.organisation
    assert AuditEvent.objects.filter(object_type="directory.service").count() == len(SERVICES)
