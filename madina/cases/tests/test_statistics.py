"""The statistics page: consented incidents only, small cells hidden, for supervisors and
coordinators only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from madina.cases import services
from madina.cases.models import Incident
from madina.cases.tests.conftest import verify

pytestmark = pytest.mark.django_db

URL = "cases:statistics"


def _incidents(ccast, case, type_, count, commune=None):
    worker = verify(ccast.worker)
    for n in range(count):
        services.incident_record(
            actor=worker,
            case=case,
            type=type_,
            occurred_on=timezone.localdate() - dt.timedelta(days=30 + n),
            commune=commune or ccast.commune,
        )


@pytest.fixture
def counted(ccast):
    """Five physical assaults and two rapes with consent; six more incidents without it."""
    consented = ccast.open_case(consents=("services", "statistics"))
    _incidents(ccast, consented, Incident.Type.PHYSICAL_ASSAULT, 5)
    _incidents(ccast, consented, Incident.Type.RAPE, 2)
    without = ccast.open_case(consents=("services",))
    _incidents(ccast, without, Incident.Type.PHYSICAL_ASSAULT, 3)
    withdrawn = ccast.open_case(consents=("services", "statistics"))
    _incidents(ccast, withdrawn, Incident.Type.PHYSICAL_ASSAULT, 3)
    services.consent_withdraw(
        actor=verify(ccast.worker), consent=withdrawn.consents.get(purpose="statistics")
    )
    return ccast


def _rows(response) -> dict:
    return {row["type"]: row for row in response.context["table"]["rows"]}


def test_only_consented_incidents_are_counted_and_small_cells_hidden(counted):
    response = counted.client_for("supervisor").get(reverse(URL), {"dimension": "commune"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    rows = _rows(response)
    assert rows[Incident.Type.PHYSICAL_ASSAULT]["cells"] == [5]
    assert rows[Incident.Type.RAPE]["cells"] == [None]
    assert response.context["table"]["total"] == 7
    page = response.content.decode()
    assert counted.commune.name in page
    assert "&lt;5" in page and "Cells under 5 are hidden" in page


def test_every_dimension_renders(counted):
    client = counted.client_for("supervisor")
    for dimension in ("month", "province", "commune", "age_band", "sex"):
        response = client.get(reverse(URL), {"dimension": dimension})
        assert response.status_code == 200, dimension
    sex = client.get(reverse(URL), {"dimension": "sex"})
    assert sex.context["labels"] == ["female"]
    assert _rows(sex)[Incident.Type.PHYSICAL_ASSAULT]["cells"] == [5]


def test_filters_by_period_and_province(counted):
    client = counted.client_for("supervisor")
    later = client.get(
        reverse(URL), {"start": (timezone.localdate() - dt.timedelta(days=31)).isoformat()}
    )
    assert later.context["table"]["total"] is None  # two or three incidents only
    other = client.get(reverse(URL), {"province": counted.commune.pk})  # not a province
    assert other.status_code == 200 and other.context["form"].errors


def test_the_spreadsheet_holds_the_same_suppressed_table(counted):
    response = counted.client_for("coordinator").get(
        reverse(URL), {"dimension": "commune", "export": "xlsx"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert [5, 5] in [row[1:3] for row in values]
    assert ["<5", "<5"] in [row[1:3] for row in values]


def test_who_sees_the_statistics(counted):
    # Platform administrators count as coordinators (User.is_coordinator).
    for name in ("coordinator", "admin"):
        assert counted.client_for(name).get(reverse(URL)).status_code == 200, name
    for name in ("worker", "member", "receiver", "court_member", "outsider"):
        assert counted.client_for(name).get(reverse(URL)).status_code == 404, name
    # A supervisor of another organisation counts only its own incidents: none here.
    other = counted.client_for("other_supervisor").get(reverse(URL))
    assert other.status_code == 200 and other.context["table"]["rows"] == []
    verify(counted.supervisor)  # has a device, but this session did not use it
    response = counted.client_for("supervisor", verified=False).get(reverse(URL))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
