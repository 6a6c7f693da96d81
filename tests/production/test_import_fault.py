"""A worker killed in the middle of a large import: nothing written, and the import can be rerun.

A real ``manage.py run_huey`` process on a fresh PostgreSQL database takes a 30,000-row import;
once the job is writing and its transaction is open, the worker's process group gets SIGKILL.
Not one initiative may be left behind. The job is then marked interrupted, queued again through
the service, and a new worker imports every row.
"""

from __future__ import annotations

import csv
import os
import signal
import tempfile
from pathlib import Path

import pytest

from tests.production import harness

pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(
        bool(harness.services_or_skip_reason()) and not harness.must_run(),
        reason=f"import fault test {harness.services_or_skip_reason()}",
    ),
]

ROWS = 30_000
EMAIL = "importer@fault.test"

SEED = f"""
import json
from madina.accounts.models import User
from madina.actors.models import Organisation, Sector
from madina.territory.models import Area

User.objects.create_user(
    "{EMAIL}", "Fault-Test-Pass-2026!", full_name="Importer",
    platform_role=User.PlatformRole.COORDINATOR, preferred_language="fr",
)
lead = Organisation.objects.create(name_fr="Association Fault", acronym="AFT", type="cso")
commune = Area.objects.filter(level=Area.Level.COMMUNE).order_by("code").first()
sector = Sector.objects.order_by("code").first()
print(json.dumps({{"lead": lead.name_fr, "commune": commune.code, "sector": sector.code}}))
"""

START = """
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from madina.accounts.models import User
from madina.interop.services import import_job_create, import_job_start

user = User.objects.get(email="{email}")
with open("{path}", "rb") as handle:
    upload = SimpleUploadedFile("3w.csv", handle.read())
job = import_job_create(actor=user, upload=upload)
import_job_start(actor=user, job=job, mapping=job.mapping)
print(json.dumps({{"job": job.pk, "mapping": job.mapping}}))
"""

RETRY = """
import json
from django.conf import settings
from madina.accounts.models import User
from madina.interop.models import ImportJob
from madina.interop.services import import_job_retry, import_jobs_interrupt_stale

settings.MADINA_IMPORT_STALE_MINUTES = 0  # the worker is known dead: no need to wait
interrupted = import_jobs_interrupt_stale()
job = ImportJob.objects.get(pk={job})
status = job.status
import_job_retry(actor=User.objects.get(email="{email}"), job=job)
print(json.dumps({{"interrupted": interrupted, "status": status}}))
"""


def _write_sheet(path: Path, seed: dict) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "Organisation", "Titre", "Secteur", "Commune", "Date de début"])
        for index in range(ROWS):
            writer.writerow(
                [
                    f"F-{index}",
                    seed["lead"],
                    f"Initiative de test {index}",
                    seed["sector"],
                    seed["commune"],
                    "2026-01-01",
                ]
            )


def _query(url: str, sql: str, *params):
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(sql, params).fetchall()


def _job(url: str, pk: int) -> tuple[str, int]:
    return _query(url, "SELECT status, created_count FROM interop_importjob WHERE id = %s", pk)[0]


def _initiatives(url: str) -> int:
    return _query(url, "SELECT count(*) FROM initiatives_initiative")[0][0]


def _open_write_transaction(url: str) -> bool:
    """A backend of the worker is inside a transaction that has written (has an xid)."""
    return bool(
        _query(
            url,
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL",
        )
    )


def test_a_killed_worker_leaves_nothing_and_the_import_can_be_run_again():
    redis = harness.redis_url()
    harness.flush_redis(redis)
    with (
        harness.fresh_database(harness.postgres_url(), prefix="madina_fault") as url,
        tempfile.TemporaryDirectory() as var,
    ):
        env = harness.stack_env(database_url=url, redis_url=redis, var_dir=Path(var))
        harness.prepare(env, reference_data=True)
        seed = harness.run_python(env, SEED)
        sheet = Path(var) / "3w.csv"
        _write_sheet(sheet, seed)
        before = _initiatives(url)

        started = harness.run_python(env, START.format(email=EMAIL, path=sheet))
        job = started["job"]
        assert {"title", "lead_organisation", "communes"} <= set(started["mapping"]), started

        with harness.HueyWorker(env, "doomed") as worker:

            def writing() -> bool:
                if not worker.alive():
                    raise harness.HarnessError(f"The worker exited:\n{worker.log()}")
                status, _created = _job(url, job)
                assert status not in {"done", "failed"}, (status, worker.log())
                return status == "writing" and _open_write_transaction(url)

            harness.wait_for(
                writing,
                timeout=300,
                what="the import's write",
                interval=0.05,
                diagnostics=worker.log,
            )
            os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait(timeout=10)

        # Absent, not partial: the transaction died with the worker's connection.
        assert _initiatives(url) == before
        assert _job(url, job)[0] == "writing"
        harness.wait_for(
            lambda: not _open_write_transaction(url),
            timeout=30,
            what="PostgreSQL to end the dead worker's transaction",
        )

        retried = harness.run_python(env, RETRY.format(job=job, email=EMAIL))
        assert retried == {"interrupted": 1, "status": "interrupted"}

        with harness.HueyWorker(env, "second"):
            harness.wait_for(
                lambda: _job(url, job)[0] in {"done", "failed"},
                timeout=300,
                what="the retried import to finish",
            )
        status, created = _job(url, job)
        assert (status, created) == ("done", ROWS)
        assert _initiatives(url) == before + ROWS
        report = harness.manage(env, "madina_check_invariants")
        assert "All invariants hold." in report, report
        # The sheet is deleted once imported.
        assert _query(url, "SELECT file FROM interop_importjob WHERE id = %s", job) == [("",)]
