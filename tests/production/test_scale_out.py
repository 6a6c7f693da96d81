"""Scale-out: two app servers and two Huey workers sharing one PostgreSQL and one Redis.

Nothing another app server needs may live in a process: a session started on one server goes on
on the other and ends for both, a job asked for on one is done by a worker and followed on the
other, and a count kept in the cache (the portal's rate limit) is one count across servers.

Real processes (gunicorn with the production settings, ``manage.py run_huey``) on a fresh
database; skipped without PostgreSQL and Redis, run whenever both are set (as in CI).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.production import harness

pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(
        bool(harness.services_or_skip_reason()),
        reason=f"scale-out test {harness.services_or_skip_reason()}",
    ),
]

PASSWORD = "Scale-out-Pass-2026!"
EMAIL = "coordinator@scale-out.test"
TIMEOUT = 10  # seconds for one HTTP request

SEED = f"""
import datetime as dt, json
from madina.accounts.models import User
from madina.actors.models import Organisation
from madina.results.models import Edition, Project

user = User.objects.create_user(
    "{EMAIL}", "{PASSWORD}", full_name="Scale-out Coordinator",
    platform_role=User.PlatformRole.COORDINATOR, preferred_language="en",
)
lead = Organisation.objects.create(
    name_fr="Association Scale-out", acronym="ASO", type=Organisation.Type.CSO
)
project = Project.objects.create(organisation=lead, name_fr="Projet", name_en="Project")
edition = Edition.objects.create(
    project=project, name_fr="Edition 1", name_en="Edition 1",
    starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31),
)
print(json.dumps({{"edition": edition.pk}}))
"""


@dataclass
class Stack:
    a: harness.AppServer
    b: harness.AppServer
    workers: list[harness.HueyWorker]
    edition: int

    def diagnostics(self) -> str:
        return "\n".join(
            f"--- {process.name} ---\n{process.log(25)}"
            for process in (self.a, self.b, *self.workers)
        )


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    redis_url = harness.redis_url()
    with (
        harness.fresh_database(harness.postgres_url(), prefix="madina_t_scale") as database_url,
        tempfile.TemporaryDirectory(prefix="madina-scale-") as var_dir,
    ):
        harness.flush_redis(redis_url)
        env = harness.stack_env(
            database_url=database_url,
            redis_url=redis_url,
            var_dir=Path(var_dir),
            # The servers sit "behind" a proxy at 127.0.0.1, so a test can speak for two clients.
            MADINA_TRUSTED_PROXIES="127.0.0.1",
            LOG_FORMAT="json",
        )
        harness.prepare(env)
        seeded = harness.run_python(env, SEED)
        a = harness.AppServer(env, "server-a")
        b = harness.AppServer(env, "server-b")
        workers = [
            harness.HueyWorker(env, "worker-1"),
            harness.HueyWorker(env, "worker-2", periodic=False),
        ]
        processes = [a, b, *workers]
        try:
            for process in processes:
                process.start()
            a.wait_ready()
            b.wait_ready()
            for worker in workers:
                worker.wait_ready()
            yield Stack(a, b, workers, seeded["edition"])
        finally:
            harness.stop_all(processes)
            harness.flush_redis(redis_url)


@pytest.fixture(scope="session")
def _end_live_server_sessions():
    """The root conftest closes live-server connections to pytest-django's test database.

    These tests use no test database (their servers have one of their own), so pytest-django
    creates none, and there is nothing to close: without this, the root fixture would connect to
    the database DATABASE_URL names, which need not exist.
    """
    yield


# -- helpers -------------------------------------------------------------------------------------


def _csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def _sign_in(server: harness.AppServer) -> requests.Session:
    """Sign in through ``server``'s form, as a browser does: GET the form, POST it with CSRF."""
    browser = requests.Session()
    form = browser.get(server.url("/en/accounts/login/"), timeout=TIMEOUT)
    assert form.status_code == 200, form.text[:500]
    answer = browser.post(
        server.url("/en/accounts/login/"),
        data={
            "csrfmiddlewaretoken": _csrf_token(form.text),
            "username": EMAIL,
            "password": PASSWORD,
        },
        headers={"Referer": server.url("/en/accounts/login/")},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 302, f"sign-in refused on {server.name}: {answer.text[:500]}"
    assert "/accounts/" not in answer.headers["Location"], answer.headers["Location"]
    assert browser.cookies.get("sessionid"), "no session cookie after signing in"
    return browser


def _profile(server: harness.AppServer, cookies) -> requests.Response:
    return requests.get(
        server.url("/en/accounts/profile/"), cookies=cookies, allow_redirects=False, timeout=TIMEOUT
    )


# -- the tests -----------------------------------------------------------------------------------


def test_a_session_started_on_one_server_goes_on_and_ends_on_the_other(stack):
    browser = _sign_in(stack.a)
    session_id = browser.cookies["sessionid"]

    page = _profile(stack.b, browser.cookies)
    assert page.status_code == 200, f"server B does not know the session: {page.status_code}"
    assert EMAIL in page.text

    # Sign out through B, with the CSRF token of B's page.
    logout = browser.post(
        stack.b.url("/en/accounts/logout/"),
        data={"csrfmiddlewaretoken": _csrf_token(page.text)},
        headers={"Referer": stack.b.url("/en/accounts/profile/")},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert logout.status_code == 302, logout.text[:500]

    # A no longer accepts the old session cookie, even sent again on purpose.
    after = _profile(stack.a, {"sessionid": session_id})
    assert after.status_code == 302, "server A still accepts a session ended on server B"
    assert "/accounts/login/" in after.headers["Location"]


def test_a_job_asked_on_one_server_is_done_by_a_worker_and_followed_on_the_other(stack):
    browser = _sign_in(stack.a)
    edition_page = browser.get(
        stack.a.url(f"/en/results/editions/{stack.edition}/"), timeout=TIMEOUT
    )
    assert edition_page.status_code == 200, edition_page.text[:500]
    asked = browser.post(
        stack.a.url(f"/en/results/editions/{stack.edition}/report.pdf"),
        data={"csrfmiddlewaretoken": _csrf_token(edition_page.text)},
        headers={"Referer": edition_page.url},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert asked.status_code == 302, asked.text[:500]
    job_path = asked.headers["Location"]
    assert re.fullmatch(r"/en/results/reports/\d+/", job_path), job_path
    file_path = job_path + "file.pdf"

    def finished_on_b() -> str | None:
        fragment = browser.get(
            stack.b.url(job_path), headers={"HX-Request": "true"}, timeout=TIMEOUT
        )
        assert fragment.status_code == 200, fragment.text[:500]
        return fragment.text if file_path in fragment.text else None

    harness.wait_for(
        finished_on_b,
        timeout=45,
        interval=0.5,
        what=f"the report job {job_path} to be done, as seen through server B",
        diagnostics=stack.diagnostics,
    )
    pdf = browser.get(stack.b.url(file_path), timeout=TIMEOUT)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    # One of the two workers ran it (neither app server does jobs itself).
    executing = "Executing madina.results.tasks.render_report_job"
    ran = [worker.name for worker in stack.workers if worker.wrote(executing)]
    assert len(ran) == 1, f"workers that ran the job: {ran}\n{stack.diagnostics()}"


def test_a_rate_limit_counted_on_one_server_holds_on_the_other(stack):
    """The portal's status look-up allows 30 an hour per client, counted in the shared cache:
    15 through A and 15 through B use it up, and both then refuse that client only."""
    limit = 30
    form = requests.get(stack.a.url("/en/portal/feedback/status/"), timeout=TIMEOUT)
    assert form.status_code == 200, form.text[:500]
    token = _csrf_token(form.text)

    def look_up(server: harness.AppServer, client: str) -> int:
        answer = requests.post(
            server.url("/en/portal/feedback/status/"),
            data={"csrfmiddlewaretoken": token, "code": "ABCDE-FGHJK"},
            cookies=form.cookies,
            headers={"X-Forwarded-For": client, "Referer": form.url},
            timeout=TIMEOUT,
        )
        return answer.status_code

    client, other_client = "203.0.113.7", "203.0.113.8"
    statuses = [look_up(stack.a if n % 2 else stack.b, client) for n in range(limit)]
    assert statuses == [200] * limit, statuses
    assert look_up(stack.a, client) == 429, "server A did not count what server B let through"
    assert look_up(stack.b, client) == 429, "server B did not count what server A let through"
    # Another client behind the same proxy has a count of its own.
    assert look_up(stack.b, other_client) == 200
