"""Fault run: restart PostgreSQL in the middle of a load, then check the data.

gunicorn with the production settings (``tests.production.settings``: HTTPS-only parts relaxed
for 127.0.0.1) on a fresh PostgreSQL database holding the demo data, Redis for sessions, cache
and queue. Threads sign in as demo members and loop over signed-in pages, portal pages and the
initiative form (a write); at ``--restart-at`` seconds PostgreSQL is restarted
(``pg_ctlcluster 15 main restart``, or stop, ``--down`` seconds, start). Every response is kept:
its status, its time, and whether its body shows a traceback or untranslated text. At the end:
when requests succeeded again (without touching gunicorn), then ``madina_check_invariants`` on
that database.

    .venv/bin/python bench/faults/postgres_restart.py \
        --output bench/results/fault_postgres_restart.md

Needs DATABASE_URL (a PostgreSQL server; a fresh database is created on it and dropped) and
REDIS_URL (its database is flushed), and the right to run ``pg_ctlcluster``.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import itertools
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.production import harness  # noqa: E402

PASSWORD = "Madina-Demo-2025!"  # noqa: S105 — the published demo password (core/demo.py)
USERS = [
    "aafe.member@example.org",
    "ccsn.member@example.org",
    "nador.member@example.org",
    "oujda.member@example.org",
]
TRACE = re.compile(r"Traceback|File \"|OperationalError|InterfaceError|psycopg")
# Text of the 503 page in each language: a page in French must not show the English one.
UNAVAILABLE = {
    "fr": "Service momentanément indisponible",
    "ar": "الخدمة غير متاحة مؤقتًا",
    "en": "Service temporarily unavailable",
    "es": "Servicio no disponible temporalmente",
}
PAGES = [
    "/fr/initiatives/",
    "/ar/initiatives/",
    "/fr/organisations/",
    "/en/",
    "/fr/portal/",
    "/ar/portal/",
    "/es/portal/",
    "/fr/portal/services/",
]

FORM_DATA = """
import json
from madina.accounts.models import User
from madina.initiatives.forms import InitiativeForm
from madina.initiatives.models import Initiative
out = {}
for email in %r:
    user = User.objects.get(email=email)
    lead = user.memberships.first().organisation
    led = Initiative.objects.filter(lead_organisation=lead)
    initiative = led.first() or Initiative.objects.first()
    form = InitiativeForm(instance=initiative, user=user)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(getattr(value, "pk", value))
    data["lead_organisation"] = str(lead.pk)
    out[email] = data
print(json.dumps(out))
"""


@dataclass
class Sample:
    started: float  # seconds since the load began
    kind: str  # page, portal, write, api
    path: str
    status: int  # 0: no answer (connection refused, timeout)
    seconds: float
    trace: bool
    untranslated: bool


class Visitor:
    """One signed-in person with a cookie jar, as a browser would be."""

    def __init__(self, base: str, email: str, form: dict):
        self.base = base
        self.email = email
        self.form = form
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        headers = {"Referer": self.base + path}
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}, doseq=True)
            body = body.encode()
            headers["X-CSRFToken"] = self.csrf()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError, TimeoutError):
            return 0, ""

    def sign_in(self) -> bool:
        status, _ = self.request("/fr/accounts/login/")
        status, _ = self.request(
            "/fr/accounts/login/", {"username": self.email, "password": PASSWORD}
        )
        return status == 302


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _untranslated(path: str, status: int, body: str) -> bool:
    if status != 503:
        return False
    language = path.strip("/").split("/", 1)[0]
    expected = UNAVAILABLE.get(language)
    return expected is not None and expected not in body


def load(base: str, forms: dict, seconds: float, threads: int, t0: float) -> list[Sample]:
    samples: list[Sample] = []
    lock = threading.Lock()
    stop = t0 + seconds
    counter = itertools.count()

    def worker(email: str) -> None:
        visitor = Visitor(base, email, forms[email])
        while not visitor.sign_in():
            if time.monotonic() > stop:
                return
            time.sleep(0.5)
        for step in itertools.count():
            now = time.monotonic()
            if now > stop:
                return
            if step % 5 == 4:
                kind, path = "write", "/fr/initiatives/new/"
                data = {**visitor.form, "title": f"Fault run {next(counter)} {email}"}
                status, body = visitor.request(path, data)
                if status == 200 and "is-invalid" in body:
                    status = 422  # the form refused the data: a bench bug, counted apart
            elif step % 5 == 3:
                kind, path = "api", "/api/areas/?page_size=5"
                status, body = visitor.request(path)
            else:
                path = PAGES[step % len(PAGES)]
                kind = "portal" if "/portal/" in path else "page"
                status, body = visitor.request(path)
            sample = Sample(
                started=now - t0,
                kind=kind,
                path=path,
                status=status,
                seconds=time.monotonic() - now,
                trace=bool(TRACE.search(body)),
                untranslated=_untranslated(path, status, body),
            )
            with lock:
                samples.append(sample)

    pool = [
        threading.Thread(target=worker, args=(USERS[index % len(USERS)],), daemon=True)
        for index in range(threads)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sorted(samples, key=lambda sample: sample.started)


def restart_postgres(down: float) -> tuple[float, float]:
    """Stop (and wait ``down`` seconds) then start; return when it stopped and started."""
    if down <= 0:
        began = time.monotonic()
        subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=True)  # noqa: S607
        return began, time.monotonic()
    # "Down" begins when the stop is asked for: connections fail from the shutdown's start.
    stopped = time.monotonic()
    subprocess.run(["pg_ctlcluster", "15", "main", "stop", "-m", "fast"], check=True)  # noqa: S607
    time.sleep(down)
    subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=True)  # noqa: S607
    return stopped, time.monotonic()


def ensure_postgres_running() -> None:
    result = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False)  # noqa: S607
    if "online" not in result.stdout:
        subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=False)  # noqa: S607


def summarise(samples, t0_down: float, t0_up: float, invariants: tuple[int, str], args) -> str:
    def phase(sample: Sample) -> str:
        if sample.started < t0_down:
            return "before"
        if sample.started < t0_up:
            return "during"
        return "after"

    phases = ["before", "during", "after"]
    table = {name: Counter() for name in phases}
    kinds = {name: Counter() for name in phases}
    for sample in samples:
        table[phase(sample)][sample.status] += 1
        kinds[phase(sample)][sample.kind] += 1
    statuses = sorted({sample.status for sample in samples})
    failures_after_up = [s for s in samples if s.started >= t0_up and s.status not in (200, 302)]
    last_failure = max((s.started + s.seconds for s in failures_after_up), default=t0_up)
    recovery = last_failure - t0_up
    ok_after = [
        s
        for s in samples
        if s.started >= t0_up and s.started >= last_failure and s.status in (200, 302)
    ]
    traces = sum(sample.trace for sample in samples)
    untranslated = sum(sample.untranslated for sample in samples)
    refused_forms = sum(sample.status == 422 for sample in samples)
    writes_ok = sum(s.kind == "write" and s.status == 302 for s in samples)
    lines = [
        "| phase | requests | "
        + " | ".join(f"{status or 'no answer'}" for status in statuses)
        + " |",
        "|---|---:|" + "---:|" * len(statuses),
    ]
    for name in phases:
        row = table[name]
        lines.append(
            f"| {name} | {sum(row.values())} | "
            + " | ".join(str(row.get(status, 0)) for status in statuses)
            + " |"
        )
    code, output = invariants
    invariant_lines = [line for line in output.splitlines() if line.strip()]
    report = [
        f"- load: {args.threads} threads for {args.seconds:.0f} s (pages, portal in ar/fr/es, "
        f"API, initiative form); PostgreSQL stopped at {t0_down:.1f} s, started again at "
        f"{t0_up:.1f} s ({'restart' if args.down <= 0 else f'stop, {args.down:.0f} s, start'})",
        "- requests by kind: " + "; ".join(f"{name}: {dict(kinds[name])}" for name in phases),
        "",
        *lines,
        "",
        f"- recovery: the last failed request ended {recovery:.1f} s after PostgreSQL was started "
        f"again; {len(ok_after)} requests succeeded after that (gunicorn never restarted)",
        f"- bodies with a traceback or a driver error: {traces}",
        f"- 503 pages not in the language of their address: {untranslated}",
        f"- initiatives created through the form: {writes_ok} (form refusals, a bench bug if "
        f"any: {refused_forms})",
        f"- madina_check_invariants: exit {code}",
        "",
        "```",
        *invariant_lines,
        "```",
    ]
    return "\n".join(report)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--restart-at", type=float, default=20)
    parser.add_argument("--down", type=float, default=10, help="0: pg_ctlcluster restart")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    database, redis = harness.postgres_url(), harness.redis_url()
    if not database or not redis:
        parser.error(harness.services_or_skip_reason())
    harness.flush_redis(redis)
    with (
        harness.fresh_database(database, prefix="madina_fault") as url,
        tempfile.TemporaryDirectory() as var,
    ):
        env = harness.stack_env(database_url=url, redis_url=redis, var_dir=Path(var))
        harness.prepare(env)
        # The demo users share a published password: madina_setup loads them only with DEBUG on.
        demo_env = {**env, "DJANGO_SETTINGS_MODULE": "madina.settings.dev", "DEBUG": "1"}
        harness.manage(demo_env, "madina_setup", "--demo", timeout=600)
        forms = harness.run_python(env, FORM_DATA % (USERS,))
        before = harness.run_python(
            env,
            "from madina.initiatives.models import Initiative; print(Initiative.objects.count())",
        )
        with harness.AppServer(env, "fault", workers=args.workers) as server:
            t0 = time.monotonic()
            times: dict[str, float] = {}

            def fault() -> None:
                time.sleep(args.restart_at)
                try:
                    stopped, started = restart_postgres(args.down)
                    times["down"], times["up"] = stopped - t0, started - t0
                finally:
                    ensure_postgres_running()

            restarter = threading.Thread(target=fault)
            restarter.start()
            samples = load(server.base_url, forms, args.seconds, args.threads, t0)
            restarter.join()
            server_alive = server.alive()
            log = server.log(400)
        after = harness.run_python(
            env,
            "from madina.initiatives.models import Initiative; print(Initiative.objects.count())",
        )
        result = subprocess.run(  # noqa: S603 — our own interpreter and manage.py
            [harness.PYTHON, "manage.py", "madina_check_invariants"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        invariants = (result.returncode, result.stdout + result.stderr)
    report = summarise(samples, times["down"], times["up"], invariants, args)
    report += (
        f"\n\n- initiatives before the load: {before}, after: {after}; gunicorn still running "
        f"at the end: {server_alive}; tracebacks in gunicorn's log: "
        f"{log.count('Traceback')} (last 400 lines)"
    )
    print(report)
    if args.output:
        args.output.write_text(
            "# Fault: PostgreSQL restarted during a load\n\n"
            "`.venv/bin/python bench/faults/postgres_restart.py` "
            f"(run {time.strftime('%Y-%m-%d %H:%M')})\n\n" + report + "\n",
            encoding="utf-8",
        )
    return 0 if invariants[0] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
