import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from madina.initiatives.tests.factories import InitiativeFactory
from madina.interop.exports import TABLE_COLUMNS


def _url(name: str, *args) -> str:
    with translation.override("fr"):
        return reverse(name, args=args)


@pytest.fixture
def registry(cast, reference):
    shared = InitiativeFactory(
        title="Partagée",
        lead_organisation=cast.other_organisation,
        sector=reference["health"],
        communes=[reference["oujda"]],
    )
    private = InitiativeFactory(
        title="Réservée aux partenaires",
        lead_organisation=cast.other_organisation,
        sector=reference["health"],
        visibility="partners",
        communes=[reference["oujda"]],
    )
    own = InitiativeFactory(
        title="La nôtre",
        lead_organisation=cast.organisation,
        sector=reference["education"],
        communes=[reference["nador"]],
        external_id="R-9",
    )
    return shared, private, own


def _csv_titles(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return sorted(row[1] for row in rows[1:])


def test_the_csv_export_holds_only_what_the_user_may_see(cast, registry):
    response = cast.client_for("member").get(_url("interop:export_download", "csv"))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    assert _csv_titles(response) == ["La nôtre", "Partagée"]


def test_a_coordinator_exports_everything(cast, registry):
    response = cast.client_for("coordinator").get(_url("interop:export_download", "csv"))

    assert _csv_titles(response) == ["La nôtre", "Partagée", "Réservée aux partenaires"]


def test_the_csv_export_follows_the_filters_of_the_list(cast, reference, registry):
    url = _url("interop:export_download", "csv") + f"?sector={reference['education'].pk}"

    response = cast.client_for("coordinator").get(url)

    assert _csv_titles(response) == ["La nôtre"]


def test_the_xlsx_export_holds_only_what_the_user_may_see(cast, registry):
    response = cast.client_for("outsider").get(_url("interop:export_download", "xlsx"))

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows[0]) == len(TABLE_COLUMNS) == 27
    assert sorted(row[1] for row in rows[1:]) == [
        "La nôtre",
        "Partagée",
        "Réservée aux partenaires",
    ]


def test_the_export_page_carries_the_filters_to_every_format(cast, reference, registry):
    query = f"sector={reference['health'].pk}&status=ongoing"

    response = cast.client_for("readonly").get(_url("interop:export") + "?" + query)

    assert response.status_code == 200
    content = response.content.decode()
    for fmt in ("csv", "xlsx", "hxl", "iati"):
        assert f"{_url('interop:export_download', fmt)}?{query.replace('&', '&amp;')}" in content
    assert response.context["count"] == 1


def test_the_export_needs_a_signed_in_user(client, registry):
    response = client.get(_url("interop:export_download", "csv"))

    assert response.status_code == 302


def test_an_unknown_format_is_404(cast, registry):
    response = cast.client_for("member").get(_url("interop:export_download", "pdf"))

    assert response.status_code == 404
