import csv
import io
import re

import hxl
import pytest
from django.urls import reverse
from django.utils import translation

from madina.initiatives.tests.factories import (
    InitiativeFactory,
    InitiativePartnerFactory,
    ReachReportFactory,
)
from madina.interop.exports import HXL_COLUMNS


def _url() -> str:
    with translation.override("fr"):
        return reverse("interop:export_download", args=["hxl"])


EXPECTED_TAGS = [
    "#meta+id",
    "#org+prog+name",
    "#org+prog+code",
    "#org+impl+name",
    "#org+impl+type",
    "#org+technical+name",
    "#org+funding+name",
    "#org+funder+name",
    "#sector+name",
    "#sector+code",
    "#subsector+name",
    "#activity+name",
    "#activity+code",
    "#country+code",
    "#adm1+name",
    "#adm1+code",
    "#adm2+name",
    "#adm2+code",
    "#loc+name",
    "#geo+lat",
    "#geo+lon",
    "#status",
    "#date+start",
    "#date+end",
    "#date+reported",
    "#beneficiary+name",
    "#targeted+total",
    "#reached+total",
    "#reached+f",
    "#reached+m",
    "#reached+children",
    "#contact+email",
]


@pytest.fixture
def registry(cast, reference):
    initiative = InitiativeFactory(
        title="Permanence juridique",
        lead_organisation=cast.organisation,
        sector=reference["health"],
        communes=[reference["bni_ansar"]],
        target_groups=[reference["women"]],
        target_people=400,
        external_id="R-1",
    )
    InitiativePartnerFactory(initiative=initiative, organisation=cast.other_organisation)
    ReachReportFactory(initiative=initiative, commune=reference["bni_ansar"])
    InitiativeFactory(
        title="Soutien scolaire",
        lead_organisation=cast.organisation,
        sector=reference["education"],
        communes=[reference["nador"], reference["bni_ansar"]],
        start_date=None,
        end_date=None,
    )
    return initiative


def test_the_tags_follow_the_research_note(registry):
    assert [tag for _header, tag in HXL_COLUMNS] == EXPECTED_TAGS
    assert all(re.fullmatch(r"#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*", t) for t in EXPECTED_TAGS)


def test_the_hxl_export_parses_with_libhxl(cast, registry, tmp_path):
    response = cast.client_for("member").get(_url())
    assert response.status_code == 200
    path = tmp_path / "3w.csv"
    path.write_bytes(b"".join(response.streaming_content))

    dataset = hxl.data(str(path), hxl.InputOptions(allow_local=True))

    assert [column.display_tag for column in dataset.columns] == EXPECTED_TAGS
    rows = list(dataset)
    assert len(rows) == 2
    first = next(row for row in rows if row.get("#meta+id") == "R-1")
    assert first.get("#org+prog+name") == "Association Rif Solidarité"
    assert first.get("#org+impl+name") == "Association Oujda Accueil"
    assert first.get("#loc+name") == "Bni Ansar"
    assert first.get("#adm2+code") == "02.381"
    assert first.get("#country+code") == "MAR"
    assert first.get("#targeted+total") == "400"
    assert first.get("#reached+total") == "20"
    assert first.get("#reached+f") == "13"
    assert first.get("#date+start") == "2026-01-01"
    assert first.get("#date+reported") == "2026-03-31"
    # Numbers and dates pass libhxl's default schema.
    assert dataset.validate()


def test_the_export_imports_back_with_the_proposed_mapping(cast, registry, run_import):
    response = cast.client_for("member").get(_url())
    content = b"".join(response.streaming_content)
    header = next(csv.reader(io.StringIO(content.decode())))
    assert len(header) == len(EXPECTED_TAGS)

    job = run_import(cast.member, "export.csv", content)

    assert job.status == "done", job.report
    # Both are already there: R-1 by its identifier, the other by its "MADINA-<pk>" record id.
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)


def test_the_partners_of_every_role_survive_an_export_and_an_import(
    cast, registry, run_import, tmp_path
):
    from madina.actors.tests.factories import OrganisationFactory
    from madina.initiatives.models import Initiative

    technical = OrganisationFactory(name_fr="Commune de Nador")
    funding = OrganisationFactory(name_fr="Fondation Orient Solidaire")
    InitiativePartnerFactory(initiative=registry, organisation=technical, role="technical")
    InitiativePartnerFactory(initiative=registry, organisation=funding, role="funding")
    roles = set(registry.partnerships.values_list("organisation_id", "role"))
    exported = b"".join(cast.client_for("coordinator").get(_url()).streaming_content)

    path = tmp_path / "3w.csv"
    path.write_bytes(exported)
    rows = list(hxl.data(str(path), hxl.InputOptions(allow_local=True)))
    first = next(row for row in rows if row.get("#meta+id") == "R-1")
    assert first.get("#org+technical+name") == "Commune de Nador"
    assert first.get("#org+funding+name") == "Fondation Orient Solidaire"

    # Imported back where the record is missing, it comes back with the same partners.
    Initiative.objects.filter(pk=registry.pk).delete()
    job = run_import(cast.coordinator, "3w-hxl.csv", exported)
    assert job.status == "done", job.report
    again = Initiative.objects.get(external_id="R-1")
    assert set(again.partnerships.values_list("organisation_id", "role")) == roles
