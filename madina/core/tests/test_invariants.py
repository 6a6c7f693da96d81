"""The invariants checker passes clean data and names each half-written record."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from madina.cases.models import Person
from madina.core.invariants import check_all
from madina.initiatives import rollup
from madina.initiatives.models import InitiativePartner, ReachRollup
from madina.initiatives.tests.factories import InitiativePartnerFactory, ReachReportFactory
from madina.interop.models import ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_data(cast):
    partner = InitiativePartnerFactory(organisation=cast.organisation)
    report = ReachReportFactory(initiative=partner.initiative)
    partner.initiative.communes.add(report.commune)
    rollup.rebuild()
    return partner


def _run(*only: str) -> str:
    out = io.StringIO()
    arguments = [argument for name in only for argument in ("--only", name)]
    call_command("madina_check_invariants", *arguments, stdout=out)
    return out.getvalue()


def _broken(*only: str) -> str:
    out = io.StringIO()
    arguments = [argument for name in only for argument in ("--only", name)]
    with pytest.raises(CommandError) as error:
        call_command("madina_check_invariants", *arguments, stdout=out)
    return out.getvalue() + str(error.value)


def test_clean_data_passes(clean_data):
    output = _run()
    assert "All invariants hold." in output
    assert "FAIL" not in output
    assert "ok    reach_rollup" in output
    assert ReachRollup.objects.exists()


def test_a_partner_row_pointing_at_no_organisation_is_reported(clean_data):
    # Foreign keys are checked at commit; the test's transaction never commits.
    dangling = InitiativePartner.objects.create(
        initiative=clean_data.initiative, organisation_id=987654, role="funding"
    )
    output = _broken("initiative_partners")
    assert "FAIL  initiative_partners" in output
    assert f"1 record(s): {dangling.pk}" in output
    dangling.delete()  # the test's constraint check at the end would refuse it


def test_a_person_without_identity_or_case_is_reported(cast):
    person = Person.objects.create(organisation=cast.organisation, sex="female")

    results = {result.name: result for result in check_all(["person_identity", "case_person"])}

    assert results["person_identity"].ids == [str(person.pk)]
    assert results["case_person"].ids == [f"person:{person.pk}"]


def test_an_import_left_running_without_a_worker_is_reported(cast):
    job = ImportJob.objects.create(
        filename="3w.csv", kind="csv", created_by=cast.member, status=ImportJob.Status.WRITING
    )
    assert _run("import_jobs")  # just started: fine
    ImportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=1)
    )

    assert f"FAIL  import_jobs: no import left running without a worker: 1 record(s): {job.pk}" in (
        _broken("import_jobs")
    )


def test_a_roll_up_that_differs_from_its_recomputation_is_reported(clean_data):
    ReachRollup.objects.update(people=F("people") + 1)

    output = _broken("reach_rollup")

    assert "FAIL  reach_rollup" in output
    # The check rolled its recomputation back: the roll-up is as it was.
    assert _broken("reach_rollup")


def test_the_roll_up_check_waits_for_pending_changes(clean_data):
    rollup.record_initiatives([clean_data.initiative_id])
    assert "skip  reach_rollup: changes are waiting" in _run("reach_rollup")
