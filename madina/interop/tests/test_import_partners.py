"""Partners in a 3W sheet: implementing, technical and funding partners, and the funder.

Each partner column gives ``InitiativePartner`` records of its role, as the registry form does
(``partners_implementing``, ``partners_technical``, ``partners_funding``); the funder column
fills the initiative's funder, and, as in the form, is not turned into a partner. Both write
paths — ``initiative_create`` row by row and the bulk path — must give the same records.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from madina.actors.tests.factories import OrganisationFactory
from madina.core.models import AuditEvent
from madina.initiatives.models import Initiative, InitiativePartner
from madina.interop.models import ImportJob
from madina.interop.tests.conftest import HEADERS, clean_rows, csv_bytes, xlsx_bytes

PARTNER_HEADERS = ["Partenaires techniques", "Partenaires financiers", "Bailleur"]


@pytest.fixture
def partners(db):
    return {
        "unhcr": OrganisationFactory(name_fr="Haut-Commissariat aux réfugiés", acronym="HCR"),
        "oim": OrganisationFactory(
            name_fr="Organisation internationale pour les migrations",
            name_ar="المنظمة الدولية للهجرة",
            acronym="OIM",
        ),
        "region": OrganisationFactory(name_fr="Conseil de la région de l'Oriental"),
        "amal": OrganisationFactory(name_fr="Association Amal", name_ar="جمعية الأمل"),
    }


def partner_rows(technical: list[str], funding: list[str], funder: list[str]) -> list[list]:
    rows = clean_rows("Association Rif Solidarité")
    rows[0] = [*HEADERS, *PARTNER_HEADERS]
    for row, values in zip(rows[1:], zip(technical, funding, funder, strict=True), strict=True):
        row.extend(values)
    return rows


ROWS = partner_rows(
    technical=["HCR; Association Amal", "", "المنظمة الدولية للهجرة"],
    funding=["Conseil de la région de l'Oriental; OIM", "OIM", ""],
    funder=["OIM", "", "Conseil de la region de l'Oriental"],
)


def _partnerships(external_id: str) -> set[tuple[str, str]]:
    initiative = Initiative.objects.get(external_id=external_id)
    return {
        (partner.organisation.acronym or partner.organisation.name_fr, partner.role)
        for partner in initiative.partnerships.select_related("organisation")
    }


@pytest.mark.parametrize("path", ["service", "bulk"])
def test_technical_and_funding_partners_are_imported(
    cast, reference, partners, run_import, monkeypatch, path
):
    if path == "bulk":
        monkeypatch.setattr("madina.interop.services.SERVICE_WRITE_LIMIT", 1)

    job = run_import(cast.member, "3w.csv", csv_bytes(ROWS))

    assert job.status == ImportJob.Status.DONE, job.report
    assert {"technical_partners", "funding_partners", "funder"} <= set(job.mapping)
    assert _partnerships("R-1") == {
        ("HCR", "technical"),
        ("Association Amal", "technical"),
        ("Conseil de la région de l'Oriental", "funding"),
        ("OIM", "funding"),
    }
    assert _partnerships("R-2") == {("OIM", "funding")}
    assert _partnerships("R-3") == {("OIM", "technical")}
    # The funder is the initiative's funder; as in the registry form, not also a partner.
    assert Initiative.objects.get(external_id="R-1").funder == partners["oim"]
    assert Initiative.objects.get(external_id="R-2").funder is None
    assert Initiative.objects.get(external_id="R-3").funder == partners["region"]
    first = Initiative.objects.get(external_id="R-1")
    event = AuditEvent.objects.get(object_id=str(first.pk), action="create")
    assert event.changes["partnerships"][1] == sorted(
        f"{organisation}:{role}"
        for organisation, role in first.partnerships.values_list("organisation_id", "role")
    )
    assert event.changes["funder"] == [None, partners["oim"].pk]


def test_both_write_paths_give_the_same_records(cast, reference, partners, run_import, monkeypatch):
    def records():
        result = {}
        for initiative in Initiative.objects.all():
            event = AuditEvent.objects.get(object_id=str(initiative.pk), action="create")
            result[initiative.external_id] = (
                initiative.funder_id,
                sorted(initiative.partnerships.values_list("organisation_id", "role")),
                sorted(initiative.communes.values_list("pk", flat=True)),
                initiative.search_text,
                event.changes,
            )
        return result

    run_import(cast.member, "3w.csv", csv_bytes(ROWS))
    by_service = records()
    InitiativePartner.objects.all().delete()
    Initiative.objects.all().delete()
    AuditEvent.objects.all().delete()
    monkeypatch.setattr("madina.interop.services.SERVICE_WRITE_LIMIT", 1)

    run_import(cast.member, "3w.csv", csv_bytes(ROWS))

    assert records() == by_service


def test_reimporting_partners_unchanged_changes_nothing(cast, reference, partners, run_import):
    content = xlsx_bytes(ROWS)
    run_import(cast.member, "3w.xlsx", content)
    before = sorted(
        InitiativePartner.objects.values_list("initiative_id", "organisation_id", "role")
    )
    events = AuditEvent.objects.count()

    again = run_import(cast.member, "3w.xlsx", content)

    assert again.status == ImportJob.Status.DONE, again.report
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    after = sorted(
        InitiativePartner.objects.values_list("initiative_id", "organisation_id", "role")
    )
    assert after == before
    assert AuditEvent.objects.count() == events


def test_a_changed_partner_column_replaces_that_role_only(cast, reference, partners, run_import):
    run_import(cast.member, "3w.csv", csv_bytes(ROWS))
    first = Initiative.objects.get(external_id="R-1")
    InitiativePartner.objects.create(
        initiative=first, organisation=cast.other_organisation, role="implementing"
    )
    changed = [list(row) for row in ROWS]
    changed[1][len(HEADERS) + 1] = "OIM"  # the funding partners of R-1

    job = run_import(cast.member, "3w.csv", csv_bytes(changed))

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2), job.report
    assert _partnerships("R-1") == {
        ("HCR", "technical"),
        ("Association Amal", "technical"),
        ("OIM", "funding"),
        # Not in the file: the implementing partner added in the registry stays.
        (cast.other_organisation.acronym, "implementing"),
    }
    event = AuditEvent.objects.get(object_id=str(first.pk), action="update")
    assert set(event.changes) == {"partnerships"}


@pytest.fixture
def _french():
    with translation.override("fr"):
        yield


@pytest.mark.usefixtures("_french")
def test_the_lead_cannot_be_its_own_technical_partner(cast, reference, partners, run_import):
    rows = [list(row) for row in ROWS]
    rows[2][len(HEADERS)] = "Association Rif Solidarité"

    job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.FAILED
    [issue] = job.issues
    assert (issue["row"], issue["column"]) == (3, "Partenaires techniques (K)")
    assert "ne peut pas être aussi" in issue["message"]
    assert Initiative.objects.count() == 0
    assert InitiativePartner.objects.count() == 0


@pytest.mark.usefixtures("_french")
def test_an_unknown_funding_partner_is_refused_with_suggestions(
    cast, reference, partners, run_import
):
    rows = [list(row) for row in ROWS]
    rows[2][len(HEADERS) + 1] = "Conseil de la region de l'Orient"

    job = run_import(cast.member, "3w.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.FAILED
    [issue] = job.issues
    assert (issue["row"], issue["column"]) == (3, "Partenaires financiers (L)")
    assert "Conseil de la région de l'Oriental" in issue["message"]
    assert Initiative.objects.count() == 0


def test_partner_columns_are_proposed_from_hxl_hashtags(cast, reference, partners, run_import):
    rows = partner_rows(technical=["HCR", "", ""], funding=["OIM", "", ""], funder=["", "", "OIM"])
    tags = ["#meta+id", "#org+prog", "", "#sector", "#loc+name", "#beneficiary", "#status"]
    tags += ["#date+start", "#date+end", "#targeted", "#org+technical", "#org+funder+partner"]
    rows.insert(1, [*tags, "#org+funder"])

    job = run_import(cast.member, "3w-hxl.csv", csv_bytes(rows))

    assert job.status == ImportJob.Status.DONE, job.report
    assert (job.mapping["technical_partners"], job.mapping["funding_partners"]) == (10, 11)
    assert job.mapping["funder"] == 12
    assert _partnerships("R-1") == {("HCR", "technical"), ("OIM", "funding")}


@pytest.mark.parametrize(
    ("language", "technical", "funding"),
    [
        ("ar", "الشركاء التقنيون", "الشركاء الممولون"),
        ("fr", "Partenaires techniques", "Partenaires financiers"),
    ],
)
def test_the_mapping_page_offers_the_partner_columns_in_the_language_of_the_page(
    cast, reference, partners, language, technical, funding
):
    client = cast.client_for("member")
    with translation.override(language):
        upload = SimpleUploadedFile("3w.csv", csv_bytes(ROWS))
        client.post(reverse("interop:import_upload"), {"file": upload})
        job = ImportJob.objects.get()
        page = client.get(reverse("interop:import_mapping", kwargs={"pk": job.pk}))

    form = page.context["form"]
    assert (form["technical_partners"].value(), form["funding_partners"].value()) == (10, 11)
    content = page.content.decode()
    for name, label in (("technical_partners", technical), ("funding_partners", funding)):
        assert re.search(rf'for="id_{name}">\s*{label}', content), name
