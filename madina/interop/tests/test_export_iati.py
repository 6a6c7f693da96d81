import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from lxml import etree

from madina.initiatives.tests.factories import (
    InitiativeFactory,
    InitiativePartnerFactory,
    ReachReportFactory,
)
from madina.interop import exports

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "iati-activities-schema.xsd")))


def _download(client) -> etree._Element:
    with translation.override("fr"):
        url = reverse("interop:export_download", args=["iati"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return etree.fromstring(response.content)


@pytest.fixture
def registry(cast, reference):
    cast.organisation.iati_ref = "MA-ASSOC-1234"
    cast.organisation.save()
    today = timezone.localdate()
    full = InitiativeFactory(
        title="Permanence juridique",
        description="Conseil juridique aux migrants",
        lead_organisation=cast.organisation,
        sector=reference["health"],
        communes=[reference["bni_ansar"], reference["nador"]],
        target_people=400,
        funder=cast.other_organisation,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 12, 31),
        status="completed",
    )
    InitiativePartnerFactory(initiative=full, organisation=cast.other_organisation)
    ReachReportFactory(initiative=full, commune=reference["bni_ansar"])
    planned = InitiativeFactory(
        title="حملة تحسيسية",
        language="ar",
        lead_organisation=cast.other_organisation,
        sector=reference["education"],
        communes=[reference["oujda"]],
        status="planned",
        start_date=today + datetime.timedelta(days=30),
        end_date=None,
        latitude="34.68",
        longitude="-1.91",
    )
    return full, planned


def test_the_iati_export_validates_against_the_vendored_schema(cast, registry, schema):
    root = _download(cast.client_for("coordinator"))

    schema.assertValid(root)
    assert root.get("version") == "2.03"
    assert len(root.findall("iati-activity")) == 2


def test_the_elements_follow_the_order_of_the_research_note(cast, registry):
    root = _download(cast.client_for("coordinator"))
    full, planned = registry
    activity = next(
        a for a in root.iter("iati-activity") if a.findtext("title/narrative") == full.title
    )

    order = list(dict.fromkeys(child.tag for child in activity))
    assert order == [
        "iati-identifier",
        "reporting-org",
        "title",
        "description",
        "participating-org",
        "activity-status",
        "activity-date",
        "recipient-country",
        "location",
        "sector",
        "result",
    ]
    assert activity.findtext("iati-identifier") == f"MA-ASSOC-1234-{full.pk}"
    assert activity.find("reporting-org").get("ref") == "MA-ASSOC-1234"
    assert activity.find("activity-status").get("code") == "4"
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert dates == {"2": "2025-01-01", "4": "2025-12-31"}
    roles = sorted(p.get("role") for p in activity.findall("participating-org"))
    assert roles == ["1", "2", "4"]
    sectors = {s.get("vocabulary"): s.get("code") for s in activity.findall("sector")}
    assert sectors == {"99": "SNIA-03", "1": "12220"}
    assert activity.find("sector[@vocabulary='99']/narrative").text == "Santé"
    assert len(activity.findall("location")) == 2
    assert activity.find("location/point/pos").text == "35.268378 -2.982691"
    assert activity.find("result/indicator/period/actual").get("value") == "20"


def test_identifiers_without_an_iati_reference_use_the_madina_prefix(cast, registry):
    root = _download(cast.client_for("coordinator"))
    _full, planned = registry
    activity = next(
        a for a in root.iter("iati-activity") if a.findtext("title/narrative") == planned.title
    )

    identifier = activity.findtext("iati-identifier")
    assert identifier == f"{exports.IATI_PREFIX}-ORG{cast.other_organisation.pk}-{planned.pk}"
    assert not set("/&|?") & set(identifier)
    assert activity.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    # A planned start in the future is a planned date, never an actual one.
    assert [d.get("type") for d in activity.findall("activity-date")] == ["1"]
    assert activity.find("sector[@vocabulary='1']").get("code") == "11220"
    assert activity.find("location/exactness").get("code") == "1"
    assert activity.find("result") is None


def test_the_iati_export_only_holds_what_the_user_may_see(cast, registry, schema):
    _full, planned = registry
    planned.visibility = "partners"
    planned.save()

    root = _download(cast.client_for("member"))

    schema.assertValid(root)
    assert [a.findtext("title/narrative") for a in root.iter("iati-activity")] == [
        "Permanence juridique"
    ]
