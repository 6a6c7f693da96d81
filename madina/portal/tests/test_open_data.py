"""Open data: the catalogue, and files that hold only what anyone may see."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from madina.actors.tests.factories import FocalPersonFactory
from madina.directory.models import Service
from madina.directory.tests.factories import ServiceFactory
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import InitiativeFactory, ReachReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiatives(territory):
    shared = InitiativeFactory(title="Initiative partagée", communes=[territory.nador])
    kept = InitiativeFactory(
        title="Initiative réservée aux partenaires",
        visibility=Initiative.Visibility.PARTNERS,
        communes=[territory.nador],
    )
    return shared, kept


def _get(client, **params):
    return client.get(reverse("portal:open_data"), params)


def _body(response) -> str:
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8")
    return content.removeprefix("\ufeff")


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response))))


def test_the_page_lists_every_download_with_licence_and_date(client, initiatives):
    response = _get(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "?download=initiatives-3w&amp;format=csv" in html
    assert "?download=initiatives&amp;format=xlsx" in html
    assert "?download=services-hsds&amp;format=zip" in html
    assert "CC BY 4.0" in html
    assert "OpenStreetMap" in html
    # The date of the initiatives' data: the shared initiative's last change.
    assert f'datetime="{initiatives[0].updated_at.date().isoformat()}"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"download": "nothing", "format": "csv"},
        {"download": "services", "format": "pdf"},
        {"download": "services-hsds", "format": "csv"},
        {"download": "services"},
        {"format": "csv"},
        {"download": "", "format": ""},
    ],
)
def test_an_unknown_download_is_a_404(client, params):
    assert _get(client, **params).status_code == 404


def test_the_3w_csv_has_hxl_tags_and_only_shared_initiatives(client, initiatives):
    shared, kept = initiatives
    response = _get(client, download="initiatives-3w", format="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[1][0] == "#meta+id"
    assert "#org+prog+name" in rows[1]
    titles = [row[rows[1].index("#activity+name")] for row in rows[2:]]
    assert titles == [shared.title]
    assert kept.title not in _body(_get(client, download="initiatives-3w", format="csv"))


def test_the_3w_csv_leaves_out_the_contact_and_small_counts(client, initiatives, territory):
    shared, _kept = initiatives
    shared.lead_organisation.email = "contact@association.ma"
    shared.lead_organisation.save()
    # 3 women, 1 man, no children: every figure under 5 but the total.
    ReachReportFactory(initiative=shared, commune=territory.nador, women=3, men=1, girls=0, boys=0)
    rows = _csv(_get(client, download="initiatives-3w", format="csv"))
    tags, row = rows[1], rows[2]
    assert row[tags.index("#contact+email")] == ""
    assert row[tags.index("#reached+total")] == ""
    assert row[tags.index("#reached+f")] == ""
    assert row[tags.index("#reached+m")] == ""


def test_a_total_of_five_or_more_is_shown_but_its_small_breakdown_is_not(
    client, initiatives, territory
):
    shared, _kept = initiatives
    ReachReportFactory(initiative=shared, commune=territory.nador, women=10, men=2, girls=0, boys=0)
    rows = _csv(_get(client, download="initiatives-3w", format="csv"))
    tags, row = rows[1], rows[2]
    assert row[tags.index("#reached+total")] == "12"
    assert row[tags.index("#reached+f")] == ""
    assert row[tags.index("#reached+m")] == ""


def test_the_xlsx_opens_and_holds_only_shared_initiatives(client, initiatives, territory):
    shared, kept = initiatives
    ReachReportFactory(
        initiative=shared, commune=territory.nador, women=20, men=10, girls=6, boys=7
    )
    response = _get(client, download="initiatives", format="xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][1] == "title"
    assert [row[1] for row in rows[1:]] == [shared.title]
    assert rows[1][-5:] == (20, 10, 6, 7, 43)


def test_the_services_csv_has_hxl_tags_and_only_active_services(client, territory):
    active = ServiceFactory(name_fr="Service ouvert", commune=territory.nador)
    closed = ServiceFactory(name_fr="Service fermé", is_active=False)
    rows = _csv(_get(client, download="services", format="csv"))
    assert rows[1][:2] == ["#meta+id", "#service+name"]
    assert [row[0] for row in rows[2:]] == [str(active.uuid)]
    assert row_value(rows, 2, "#adm3+code") == territory.nador.code
    assert closed.name_fr not in str(rows)


def row_value(rows, index, tag):
    return rows[index][rows[1].index(tag)]


def test_the_hsds_package_leaves_out_the_focal_person(client):
    service = ServiceFactory(name_fr="Service orienteur", accepts_referrals=True)
    person = FocalPersonFactory(
        organisation=service.organisation, full_name="Fatima Personne", is_public=True
    )
    Service.objects.filter(pk=service.pk).update(referral_focal_point=person)
    response = _get(client, download="services-hsds", format="zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Service orienteur" in everything
    assert "Fatima Personne" not in everything


def test_statistics_count_services_and_shared_initiatives_by_commune(
    client, territory, initiatives
):
    ServiceFactory.create_batch(2, commune=territory.nador, type=Service.Type.LEGAL)
    ServiceFactory(commune=territory.nador, type=Service.Type.LEGAL, is_active=False)
    rows = _csv(_get(client, download="services-by-commune", format="csv"))
    assert rows[1:] == [[territory.nador.code, "Nador", "legal", "legal aid", "2"]]
    rows = _csv(_get(client, download="initiatives-by-commune", format="csv"))
    shared = initiatives[0]
    assert rows[1:] == [
        [territory.nador.code, "Nador", shared.sector.code, shared.sector.name, "ongoing", "1"]
    ]
