"""Donor report and dashboard of an edition over many awareness sessions (issue 6, acceptance 4).

    .venv/bin/python bench/results_report/run.py [--sessions N] [--audiences M] [--runs R]
        [--database-url URL]

Defaults: 1,000 sessions and 10,000 audience rows on a scratch SQLite file (so that
``make bench`` stays short). The issue's size is ``--sessions 10000 --audiences 100000``, on
PostgreSQL: ``--database-url postgres://postgres@127.0.0.1:5432/madina_bench_results`` (the
database is dropped and created afresh by the run: give a scratch name).

The generator writes, with ``bulk_create``: 2 provinces, 40 communes, 400 schools, N sessions
spread over the edition's year with M audience rows (grades, girls and boys; each session's
girls and boys are the totals of its rows), 20 capsules, 50 trainings of 20 participants with
pre- and post-test scores, and an edition with 8 indicators (sessions, pupils, schools, capsules,
trainings, people trained, learning gain, one typed by hand) and 3 narrative sections.

Timed: ``compute_edition`` (once: it counts the records), then, as medians of R warm runs,
``report.edition_report`` (the figures, read from the stored values), the PDF report (French and
Arabic), the XLSX report, and the dashboard page through the test client (every query, template
and middleware). Goals: report ≤ 10 s, dashboard ≤ 200 ms warm. The baseline is the floor of
any page that counted the records itself: one raw SQL aggregate of the same pupils total.
Results go to bench/results/results_report.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "results_report.md"
REPORT_GOAL_S = 10.0
DASHBOARD_GOAL_MS = 200.0
GRADES = ["P1", "P2", "P3", "P4", "P5", "P6", "M1", "M2", "M3", "S0", "S1", "S2", "other"]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=1_000, help="sessions (1,000)")
    parser.add_argument("--audiences", type=int, default=10_000, help="audience rows (10,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed warm runs (5)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_RESULTS_DATABASE_URL", ""))
    return parser.parse_args()


def _setup_django(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madina.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _generate(arguments, rng: random.Random):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from madina.accounts.models import Membership, User
    from madina.actors.models import Organisation
    from madina.outreach.models import (
        Audience,
        AwarenessSession,
        Capsule,
        Participant,
        School,
        Training,
    )
    from madina.results import compute
    from madina.results.models import Edition, Indicator, NarrativeSection, Project, Result
    from madina.territory.models import Area

    organisation = Organisation.objects.create(
        name_fr="Association du banc d'essai", name_ar="جمعية الاختبار", type="cso"
    )
    admin = User.objects.create_user(email="admin@bench.invalid", password="x" * 20)
    admin.platform_role = User.PlatformRole.COORDINATOR
    admin.save()
    member = User.objects.create_user(email="member@bench.invalid", password="x" * 20)
    Membership.objects.create(user=member, organisation=organisation, role="member")
    provinces = [
        Area.objects.create(
            level=Area.Level.PROVINCE, code=f"B.{n}", name_fr=f"Province {n}", name_ar=f"إقليم {n}"
        )
        for n in range(2)
    ]
    communes = [
        Area.objects.create(
            level=Area.Level.COMMUNE,
            code=f"B.{n % 2}.{n}",
            parent=provinces[n % 2],
            name_fr=f"Commune {n}",
            name_ar=f"جماعة {n}",
        )
        for n in range(40)
    ]
    schools = School.objects.bulk_create(
        School(
            name_fr=f"École {n}",
            commune=communes[n % 40],
            level="primary",
            sector="public",
        )
        for n in range(400)
    )
    start = dt.date(2025, 1, 1)
    per_session = max(1, min(len(GRADES), round(arguments.audiences / arguments.sessions)))
    sessions, audiences = [], []
    remaining = arguments.audiences
    for _n in range(arguments.sessions):
        grades = rng.sample(GRADES, per_session if remaining > 0 else 0)
        rows = [(grade, rng.randint(5, 20), rng.randint(5, 20)) for grade in grades[:remaining]]
        remaining -= len(rows)
        sessions.append(
            AwarenessSession(
                organisation=organisation,
                school=schools[rng.randrange(len(schools))],
                held_on=start + dt.timedelta(days=rng.randrange(365)),
                girls=sum(row[1] for row in rows),
                boys=sum(row[2] for row in rows),
            )
        )
        audiences.append(rows)
    sessions = AwarenessSession.objects.bulk_create(sessions, batch_size=2_000)
    Audience.objects.bulk_create(
        (
            Audience(session=session, grade=grade, girls=girls, boys=boys)
            for session, rows in zip(sessions, audiences, strict=True)
            for grade, girls, boys in rows
        ),
        batch_size=5_000,
    )
    Capsule.objects.bulk_create(
        Capsule(
            organisation=organisation,
            title_fr=f"Capsule {n}",
            format="video",
            audience="12-14",
            validated_on=start + dt.timedelta(days=rng.randrange(365)),
        )
        for n in range(20)
    )
    trainings = Training.objects.bulk_create(
        Training(
            organisation=organisation,
            title=f"Formation {n}",
            topic="training",
            starts_on=(day := start + dt.timedelta(days=rng.randrange(360))),
            ends_on=day + dt.timedelta(days=2),
            commune=communes[n % 40],
            max_score=20,
        )
        for n in range(50)
    )
    Participant.objects.bulk_create(
        Participant(
            training=training,
            full_name=f"Participant {training.pk}-{n}",
            sex=rng.choice(["female", "male"]),
            pre_score=(pre := rng.randint(2, 12)),
            post_score=min(20, pre + rng.randint(0, 8)),
        )
        for training in trainings
        for n in range(20)
    )
    project = Project.objects.create(
        organisation=organisation, name_fr="Al-Madina", name_ar="مشروع المدينة"
    )
    project.donors.set([organisation])
    edition = Edition.objects.create(
        project=project,
        name_fr="2e édition",
        name_ar="النسخة الثانية",
        starts_on=start,
        ends_on=dt.date(2025, 12, 31),
        reporting_period=Edition.Period.QUARTER,
    )
    edition.areas.set(provinces)
    outcome = Result.objects.create(edition=edition, level="outcome", code="1", title_fr="Écoles")
    output = Result.objects.create(
        edition=edition, parent=outcome, level="output", code="1.1", title_fr="Séances"
    )
    capacity = Result.objects.create(
        edition=edition, level="outcome", code="2", title_fr="Capacités"
    )
    trained = Result.objects.create(
        edition=edition, parent=capacity, level="output", code="2.1", title_fr="Formations"
    )
    for result, code, source, target, unit in [
        (output, "1.1.a", "sessions", 12_000, "number"),
        (output, "1.1.b", "pupils", 2_000_000, "number"),
        (output, "1.1.c", "schools", 400, "number"),
        (output, "1.1.d", "capsules", 20, "number"),
        (trained, "2.1.a", "trainings", 50, "number"),
        (trained, "2.1.b", "participants", 1_000, "number"),
        (trained, "2.1.c", "learning_gain", 25, "percent"),
        (trained, "2.1.d", "manual", 100, "number"),
    ]:
        Indicator.objects.create(
            result=result,
            code=code,
            title_fr=f"Indicateur {code}",
            title_ar=f"مؤشر {code}",
            target=target,
            unit=unit,
            source=source,
        )
    for order in range(3):
        NarrativeSection.objects.create(
            edition=edition,
            order=order,
            title_fr=f"Section {order}",
            title_ar=f"القسم {order}",
            body_fr="Texte du rapport. " * 60,
            body_ar="نص التقرير. " * 60,
        )
    began = time.perf_counter()
    written = compute.compute_edition(edition)
    compute_s = time.perf_counter() - began
    manual = Indicator.objects.get(code="2.1.d", result__edition=edition)
    value = compute.manual_value_submit(
        actor=member,
        indicator=manual,
        period_start=start,
        period_end=dt.date(2025, 3, 31),
        value=12,
        evidence=SimpleUploadedFile("list.txt", b"bench\n"),
    )
    compute.manual_value_decide(actor=admin, value=value, approve=True)
    edition.refresh_from_db()
    return edition, member, compute_s, written


def _median(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> int:
    arguments = _arguments()
    directory = Path(tempfile.mkdtemp(prefix="madina-bench-results-"))
    url = arguments.database_url or f"sqlite:///{directory / 'bench.sqlite3'}"
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"Results report benchmark: {arguments.sessions:,} sessions, "
        f"{arguments.audiences:,} audience rows, {engine}",
        flush=True,
    )
    _setup_django(url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from madina.results import report, report_views

    settings.MEDIA_ROOT = str(directory / "media")
    # Static files from the finders (a checkout has no collected manifest), as in development.
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.utils.functional import empty

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    staticfiles_storage._wrapped = empty
    began = time.perf_counter()
    edition, member, compute_s, written = _generate(arguments, random.Random(arguments.seed))
    print(f"generated in {time.perf_counter() - began:.1f} s", flush=True)
    print(f"compute_edition: {compute_s:.2f} s ({written} values)", flush=True)

    runs = arguments.runs
    figures: dict[str, float] = {}
    figures["report data (fr)"], data = _median(lambda: report.edition_report(edition, "fr"), runs)
    pupils = next(row for row in data.indicators if row.code == "1.1.b")
    for language in ("fr", "ar"):
        report_views.render_report_pdf(edition, language)  # warm: fonts, templates
        figures[f"PDF report ({language})"], pdf = _median(
            lambda language=language: report_views.render_report_pdf(edition, language), runs
        )
    figures["XLSX report (fr)"], _workbook = _median(
        lambda: report_views.report_workbook(report.edition_report(edition, "fr")).save(
            directory / "report.xlsx"
        ),
        runs,
    )
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    client.force_login(member)
    with translation.override("fr"):
        url = reverse("results:dashboard", args=[edition.pk])
    response = client.get(url)  # warm
    assert response.status_code == 200, response.status_code
    # Counted with a wrapper: a request resets the connection's query log as it starts.
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    print(f"dashboard: {response.status_code}, {len(response.content):,} bytes", flush=True)
    figures["dashboard page, warm"], _response = _median(lambda: client.get(url), max(runs, 9))

    # The floor of any page that counted the records itself: one aggregate of the pupils.
    sql = (
        "SELECT COALESCE(SUM(s.girls + s.boys), 0) FROM outreach_awarenesssession s "
        "JOIN outreach_school c ON c.id = s.school_id "
        "WHERE s.held_on BETWEEN %s AND %s AND c.commune_id IN "
        "(SELECT id FROM territory_area WHERE level = 'commune')"
    )

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(sql, [edition.starts_on, edition.ends_on])
            return cursor.fetchone()[0]

    baseline()
    figures["baseline: one SQL aggregate of the pupils"], total = _median(baseline, max(runs, 9))
    assert int(total) == int(pupils.total), (total, pupils.total)

    dashboard_ms = figures["dashboard page, warm"] * 1000
    worst_pdf = max(figures["PDF report (fr)"], figures["PDF report (ar)"])
    floor = figures["baseline: one SQL aggregate of the pupils"]
    lines = [
        f"compute_edition (counts the records, once): {compute_s:.2f} s, {written} values",
        f"report data: {figures['report data (fr)'] * 1000:.1f} ms",
        f"PDF report (fr): {figures['PDF report (fr)']:.2f} s, "
        f"(ar): {figures['PDF report (ar)']:.2f} s — goal ≤ {REPORT_GOAL_S:.0f} s: "
        f"{'met' if worst_pdf <= REPORT_GOAL_S else 'MISSED'}",
        f"XLSX report: {figures['XLSX report (fr)'] * 1000:.0f} ms",
        f"dashboard page, warm median: {dashboard_ms:.1f} ms, {len(queries)} "
        f"queries — goal ≤ {DASHBOARD_GOAL_MS:.0f} ms: "
        f"{'met' if dashboard_ms <= DASHBOARD_GOAL_MS else 'MISSED'}",
        f"baseline, one SQL aggregate of the pupils ({int(total):,}): {floor * 1000:.1f} ms; "
        f"dashboard / baseline: {dashboard_ms / (floor * 1000):.1f}×",
    ]
    for line in lines:
        print(line, flush=True)
    _write(arguments, engine, compute_s, written, figures, dashboard_ms, queries, total)
    ok = worst_pdf <= REPORT_GOAL_S and dashboard_ms <= DASHBOARD_GOAL_MS
    return 0 if ok else 1


def _write(arguments, engine, compute_s, written, figures, dashboard_ms, queries, total) -> None:
    floor_ms = figures["baseline: one SQL aggregate of the pupils"] * 1000
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = [
        ("compute_edition (once, counts the records)", f"{compute_s:.2f} s", "", ""),
        ("report data (`edition_report`)", f"{figures['report data (fr)'] * 1000:.1f} ms", "", ""),
        ("PDF report, French", f"{figures['PDF report (fr)']:.2f} s", "≤ 10 s", ""),
        ("PDF report, Arabic", f"{figures['PDF report (ar)']:.2f} s", "≤ 10 s", ""),
        ("XLSX report", f"{figures['XLSX report (fr)'] * 1000:.0f} ms", "", ""),
        (
            f"dashboard page, warm median ({len(queries)} queries)",
            f"{dashboard_ms:.1f} ms",
            "≤ 200 ms",
            f"{dashboard_ms / floor_ms:.1f}×",
        ),
        (f"baseline: one SQL aggregate ({int(total):,} pupils)", f"{floor_ms:.1f} ms", "", "1×"),
    ]
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        "# Results report benchmark (issue 6)\n\n"
        "Command: `.venv/bin/python bench/results_report/run.py [--sessions N] [--audiences M] "
        "[--database-url URL]`.\n\n"
        f"Run {when} on {os.cpu_count()} CPU(s), load average {load:.1f}, {engine}, "
        f"{arguments.sessions:,} sessions, {arguments.audiences:,} audience rows, "
        f"{written} values, Python {platform.python_version()}. Medians of {arguments.runs} "
        "warm runs (9 for the dashboard and the baseline).\n\n"
        "| figure | result | goal | ratio to baseline |\n|---|---:|---|---:|\n"
        f"{table}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    sys.exit(main())
