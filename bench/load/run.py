"""Load test: a realistic mix of users on gunicorn + PostgreSQL + Redis, driven by locust.

    .venv/bin/python bench/load/run.py [--users 50] [--time 5m] [--spawn-rate 10]
        [--workers 3] [--threads 4] [--port 8765] [--scale 1] [--database-url URL]
        [--label after]

Steps: (a) generate or reuse the data set (``bench/load/generate.py``, database madina_load);
(b) collect the static files once, create the load users' sessions in Redis (signed in, and
marked as having passed the second factor for the case workers, as django-otp does after a
code: ``otp_device_id`` of their confirmed TOTP device), write the targets each user picks
from (initiatives, cases, referrals, services) to var/load/targets.json; (c) start gunicorn
(``madina.wsgi``, settings ``bench.load.settings`` = production with plain HTTP, on 127.0.0.1
only; cache and sessions in Redis db 5; gthread workers); (d) run locust headless in one
process; (e) write a table per page (requests, rps, p50/p95/p99, errors, goal, pass/fail) with
the baseline ``/healthz`` (one SELECT 1 through the whole stack) and each page's p95 as a ratio
of the baseline's, to bench/results/load.md and stdout.

Goals (issue 8): no error; p95 ≤ 300 ms for lists and detail pages, ≤ 1 s for dashboards.
Only 127.0.0.1 is ever targeted.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

VAR = ROOT / "var" / "load"
RESULTS = ROOT / "bench" / "results" / "load.md"
HOST = "127.0.0.1"
LIST_GOAL_MS = 300
DASHBOARD_GOAL_MS = 1000
# Pages judged by the dashboard goal (aggregations over the whole registry); the rest are
# lists, details and forms, judged by the list goal.
DASHBOARDS = {"gap matrix", "gap matrix (filtered)", "initiative map", "pivot table", "home"}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--time", default="5m", help="locust run time (5m, 60s…)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--scale", type=float, default=1.0, help="data set size (fraction)")
    parser.add_argument(
        "--database-url", default=os.environ.get("LOAD_DATABASE_URL", generate.DEFAULT_URL)
    )
    parser.add_argument("--label", default="", help="name of this run in the report")
    parser.add_argument("--host", default=HOST, help="must be 127.0.0.1")
    arguments = parser.parse_args()
    if arguments.host != HOST:
        parser.error("the load test only ever targets 127.0.0.1")
    if not any(f"@{name}" in arguments.database_url for name in ("127.0.0.1", "localhost")):
        parser.error("the load test's database must be on this machine (127.0.0.1)")
    return arguments


# --- (b) sessions and targets --------------------------------------------------------------------


def prepare(people: dict[str, list]) -> dict:
    """Sessions in the server's session store, and what each kind of user will open."""
    import random
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.cache import cache
    from django.core.management import call_command
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from madina.actors.models import Sector
    from madina.cases.models import Case, Referral
    from madina.directory.models import Service
    from madina.initiatives.models import Initiative, TargetGroup
    from madina.territory.models import Area

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    cache.clear()  # Redis db 5 only: sessions, throttles and cached pages of earlier runs
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rng = random.Random(1)

    def session(user) -> str:
        data = store()
        data[SESSION_KEY] = str(user.pk)
        data[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        data[HASH_SESSION_KEY] = user.get_session_auth_hash()
        device = TOTPDevice.objects.filter(user=user, name="load").first()
        if device is not None:
            data[DEVICE_ID_SESSION_KEY] = device.persistent_id
        data.create()
        return data.session_key

    real_communes = list(
        Area.objects.filter(level=Area.Level.COMMUNE)
        .exclude(code__startswith="BENCH")
        .values_list("pk", flat=True)
    )
    bench_communes = list(
        Area.objects.filter(code__startswith="BENCH.", level=Area.Level.COMMUNE).values_list(
            "pk", flat=True
        )
    )
    targets: dict = {
        "sectors": list(
            Sector.objects.filter(code__startswith="BENCH-").values_list("pk", flat=True)
        ),
        "groups": list(
            TargetGroup.objects.filter(code__startswith="bench-v2-").values_list("pk", flat=True)
        ),
        "communes": bench_communes,
        "real_communes": real_communes,
        "provinces": list(
            Area.objects.filter(code__startswith="BENCH.", level=Area.Level.PROVINCE).values_list(
                "pk", flat=True
            )
        ),
        "initiatives": rng.sample(
            list(
                Initiative.objects.filter(visibility=Initiative.Visibility.SHARED).values_list(
                    "pk", flat=True
                )
            ),
            500,
        ),
        "services": list(
            Service.objects.filter(is_active=True).order_by("?").values_list("pk", flat=True)[:500]
        ),
        "service_uuids": [
            str(u)
            for u in Service.objects.filter(is_active=True)
            .order_by("?")
            .values_list("uuid", flat=True)[:500]
        ],
        "coordinator": [],
        "member": [],
        "case": [],
    }
    for user in people["coordinator"]:
        targets["coordinator"].append({"session": session(user)})
    today = datetime.datetime.now(tz=datetime.UTC).date()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    for user in people["member"]:
        organisation = user.memberships.get().organisation
        reportable = list(
            Initiative.objects.filter(
                lead_organisation=organisation,
                start_date__lte=last_month,
                end_date__gte=today,
                reach_reports__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:50]
        )
        targets["member"].append(
            {
                "session": session(user),
                "organisation": organisation.pk,
                "reportable": [
                    [pk, list(Initiative.objects.get(pk=pk).communes.values_list("pk", flat=True))]
                    for pk in reportable
                ],
            }
        )
    for user in people["worker"] + people["supervisor"]:
        membership = user.memberships.get()
        if membership.case_role == "case_supervisor":
            cases = Case.objects.filter(organisation=membership.organisation)
        else:
            cases = Case.objects.filter(workers=user)
        targets["case"].append(
            {
                "session": session(user),
                "cases": list(cases.order_by("?").values_list("code", flat=True)[:200]),
                "referrals": list(
                    Referral.objects.filter(case__in=cases)
                    .order_by("?")
                    .values_list("pk", flat=True)[:100]
                ),
            }
        )
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "targets.json").write_text(json.dumps(targets))
    return targets


# --- (c) server, (d) locust ----------------------------------------------------------------------


def _env(url: str) -> dict[str, str]:
    return {**os.environ, **generate.bench_env(url), "PYTHONPATH": str(ROOT)}


def start_server(arguments) -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    log = open(VAR / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(  # noqa: S603
        [
            str(gunicorn),
            "madina.wsgi",
            "--bind",
            f"{HOST}:{arguments.port}",
            "--workers",
            str(arguments.workers),
            "--threads",
            str(arguments.threads),
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            # Longer than the users' think time (1-3 s), as a proxy in front would keep them:
            # with gunicorn's default of 2 s, the client reused connections the server had
            # just closed and counted a failed request ("status 0").
            "--keep-alive",
            "30",
            "--max-requests",
            "0",
        ],
        cwd=ROOT,
        env=_env(arguments.database_url),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _attempt in range(120):
        try:
            with urllib.request.urlopen(f"http://{HOST}:{arguments.port}/healthz", timeout=2):  # noqa: S310
                return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer; see {VAR / 'gunicorn.log'}")


def run_locust(arguments, prefix: Path) -> None:
    locust = ROOT / ".venv" / "bin" / "locust"
    subprocess.run(  # noqa: S603
        [
            str(locust),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "-u",
            str(arguments.users),
            "-r",
            str(arguments.spawn_rate),
            "-t",
            arguments.time,
            "--host",
            f"http://{HOST}:{arguments.port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        env={**os.environ, "LOAD_TARGETS": str(VAR / "targets.json")},
        check=False,
    )


# --- (e) report -----------------------------------------------------------------------------------


def _rows(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def _goal(name: str) -> int | None:
    if name == "healthz (baseline)":
        return None
    return DASHBOARD_GOAL_MS if name in DASHBOARDS else LIST_GOAL_MS


def report(arguments, prefix: Path, sizes: dict, elapsed: dict) -> str:
    rows = _rows(prefix)
    baseline = next((r for r in rows if r["Name"] == "healthz (baseline)"), None)
    base_p95 = float(baseline["95%"]) if baseline else None
    load = os.getloadavg()
    now = datetime.datetime.now(tz=datetime.UTC)
    lines = [
        f"## Load test {arguments.label} — {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"{arguments.users} users (spawn {arguments.spawn_rate}/s) for {arguments.time}; gunicorn "
        f"{arguments.workers} workers × {arguments.threads} threads (gthread) on {HOST}; locust "
        f"in one process on the same {os.cpu_count()}-core machine; load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.",
        "Data: "
        + ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in sizes.items())
        + f"; data generated or checked in {elapsed['generate']:.0f} s.",
        "",
        "| page | requests | rps | p50 ms | p95 ms | p99 ms | errors | goal (p95) | result "
        "| p95 / baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    failed = 0
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = row["Name"]
        requests = int(row["Request Count"])
        errors = int(row["Failure Count"])
        p95 = float(row["95%"]) if requests else 0.0
        goal = _goal(name) if name != "Aggregated" else None
        if goal is None:
            verdict = "no error" if errors == 0 else "ERRORS"
            goal_text = "baseline" if name != "Aggregated" else ""
        else:
            ok = p95 <= goal and errors == 0
            failed += not ok
            verdict = "met" if ok else "**missed**"
            goal_text = f"≤ {goal} ms"
        ratio = f"{p95 / base_p95:.0f}×" if base_p95 and name != "healthz (baseline)" else "1×"
        lines.append(
            f"| {name} | {requests:,} | {float(row['Requests/s']):.1f} | {row['50%']} | "
            f"{row['95%']} | {row['99%']} | {errors} | {goal_text} | {verdict} | {ratio} |"
        )
    lines += ["", f"Pages missing their goal: {failed}.", ""]
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with open(failures, newline="") as handle:
            found = list(csv.DictReader(handle))
        if found:
            lines.append("Errors:")
            lines += [
                f"- {f['Name']} ({f['Method']}): {f['Error']} × {f['Occurrences']}" for f in found
            ]
            lines.append("")
    return "\n".join(lines)


def main() -> int:
    arguments = _arguments()
    started = time.perf_counter()
    generate.setup(arguments.database_url)
    sizes = generate.generate(arguments.database_url, arguments.scale)
    people = generate.stage_people()
    prepare(people)
    elapsed = {"generate": time.perf_counter() - started}
    from django.db import connections

    connections.close_all()
    server = start_server(arguments)
    prefix = VAR / f"locust-{datetime.datetime.now(tz=datetime.UTC):%Y%m%d-%H%M%S}"
    try:
        run_locust(arguments, prefix)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    text = report(arguments, prefix, sizes, elapsed)
    print(text)
    RESULTS.parent.mkdir(exist_ok=True)
    previous = RESULTS.read_text() if RESULTS.exists() else "# Load test (issue 8)\n\n"
    RESULTS.write_text(previous.rstrip() + "\n\n" + text + "\n")
    shutil.copy(f"{prefix}_stats.csv", VAR / "last_stats.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
