"""Gap matrix over a million reach reports on PostgreSQL, with DuckDB timed as the baseline.

    .venv/bin/python bench/gap/run.py [--rows N] [--runs R] [--fresh] [--database-url URL]

Defaults: 1,000,000 reach rows, 9 timed runs after one warm-up run, the scratch database
postgres://postgres@127.0.0.1:5432/madina_bench (created and migrated when missing). The data is
kept between runs: a database that already holds exactly N reach rows written by this version of
the generator is reused unless --fresh.

The generator writes a realistic registry (8 provinces, 124 communes, 12 sectors, 150
organisations, 8 target groups, 48 months; 30 % of initiatives start or end partway through a
month, as real ones do) into PostgreSQL with COPY, chunk by chunk, so its memory stays small
whatever N. COPY bypasses the ORM, so the run then rebuilds the roll-up of reach
(``madina.initiatives.rollup.rebuild``, timed) as ``manage.py rebuild_reach_rollup`` would.

Four cases, each timed three ways on PostgreSQL and once on DuckDB:

- a coordinator, the last 12 months (the page with a year chosen);
- a coordinator, no period (ongoing initiatives, every month of reach);
- a member of one organisation, the last 12 months (partners-only initiatives filtered out);
- a coordinator, the last 12 months, one target group.

*Cells through the roll-up*: the grouped query ``analysis.gap_matrix`` runs
(``analysis.gap_cells_query``). *Whole page data*: ``analysis.gap_matrix`` itself (whether the
roll-up is up to date, the cells, the communes, the sectors). *Exact query*: the same figures
from the reach reports (``analysis.gap_cells_sql``, what the page ran before the roll-up, and
what it still runs for filters the roll-up lacks). *DuckDB*, the baseline: that exact query in
an in-memory DuckDB database over the same rows, whose result must equal the roll-up's.

The goal is a warm median of at most 200 ms on PostgreSQL for the cells and for the whole page
data. The run also times two refreshes of the roll-up after single writes. Results go to
bench/results/analysis.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "analysis.md"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/madina_bench"
GOAL_MS = 200.0
MONTHS = [datetime.date(2022 + index // 12, index % 12 + 1, 1) for index in range(48)]
CHUNK = 2_000  # initiatives written per round trip
# Target group codes carry the generator's version: data written by another version is rewritten.
GROUP_CODE = "bench-v2-{number}"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="reach rows (1,000,000)")
    parser.add_argument("--runs", type=int, default=9, help="timed runs per case (9)")
    parser.add_argument("--seed", type=int, default=3, help="random seed (3)")
    parser.add_argument("--fresh", action="store_true", help="regenerate even if the data exists")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    return parser.parse_args()


def create_database(url: str) -> None:
    """Create the PostgreSQL database ``url`` names unless it exists (also used by bench/load)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _setup_django(url: str) -> None:
    create_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madina.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- Generation ----------------------------------------------------------------------------------


def _reset() -> None:
    from django.db import connection

    tables = [
        "initiatives_reachbygroup",
        "initiatives_reachreport",
        "initiatives_reportingperiod",
        "initiatives_initiative_target_groups",
        "initiatives_initiative_communes",
        "initiatives_initiativepartner",
        "initiatives_overlapcandidate",
        "initiatives_draftdecision",
        "initiatives_initiative",
        "initiatives_targetgroup",
        "initiatives_reachrollup",
        "initiatives_reachrollupreport",
        "initiatives_reachrollupchange",
    ]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")
        cursor.execute("DELETE FROM accounts_membership")
        cursor.execute("DELETE FROM accounts_user WHERE email LIKE '%%@bench.invalid'")


def _reference_data(rng: random.Random):
    from madina.actors.models import Organisation, Sector
    from madina.initiatives.models import ReportingPeriod, TargetGroup
    from madina.territory.models import Area

    provinces, communes = [], []
    for number in range(8):
        province, _created = Area.objects.get_or_create(
            code=f"BENCH.{number}",
            defaults={
                "level": Area.Level.PROVINCE,
                "name_fr": f"Province {number}",
                "name_ar": f"إقليم {number}",
            },
        )
        provinces.append(province)
    for number in range(124):
        commune, _created = Area.objects.get_or_create(
            code=f"BENCH.{number % 8}.{number}",
            defaults={
                "level": Area.Level.COMMUNE,
                "parent": provinces[number % 8],
                "name_fr": f"Commune {number}",
                "name_ar": f"جماعة {number}",
                "latitude": round(rng.uniform(32.0, 35.3), 5),
                "longitude": round(rng.uniform(-3.9, -1.2), 5),
            },
        )
        communes.append(commune)
    sectors = [
        Sector.objects.get_or_create(
            code=f"BENCH-{number:02d}",
            defaults={
                "kind": Sector.Kind.SECTORAL,
                "name_fr": f"Secteur {number}",
                "name_ar": f"قطاع {number}",
            },
        )[0]
        for number in range(12)
    ]
    organisations = list(Organisation.objects.filter(name_fr__startswith="Bench "))
    if len(organisations) < 150:
        Organisation.objects.bulk_create(
            Organisation(name_fr=f"Bench {number}", name_ar=f"جمعية {number}", type="cso")
            for number in range(len(organisations), 150)
        )
        organisations = list(Organisation.objects.filter(name_fr__startswith="Bench "))
    groups = TargetGroup.objects.bulk_create(
        TargetGroup(
            code=GROUP_CODE.format(number=number),
            name_fr=f"Groupe {number}",
            name_ar=f"فئة {number}",
        )
        for number in range(8)
    )
    periods = ReportingPeriod.objects.bulk_create(ReportingPeriod(month=month) for month in MONTHS)
    return communes, sectors, organisations, groups, periods


def _generate(rows: int, seed: int) -> None:
    """Initiatives chunk by chunk, each with its communes, groups and monthly reports."""
    from django.db import connection, transaction

    from madina.initiatives.models import Initiative

    rng = random.Random(seed)
    _reset()
    communes, sectors, organisations, groups, periods = _reference_data(rng)
    written = 0
    now = datetime.datetime.now(tz=datetime.UTC)
    last_month = MONTHS[-1]
    while written < rows:
        with transaction.atomic():
            plans = []
            for _number in range(CHUNK):
                first = rng.randrange(len(MONTHS) - 3)
                length = rng.randint(4, 30)
                last = min(len(MONTHS) - 1, first + length - 1)
                status = (
                    Initiative.Status.COMPLETED
                    if MONTHS[last] < last_month
                    else Initiative.Status.ONGOING
                )
                if rng.random() < 0.03:
                    status = Initiative.Status.CANCELLED
                start = MONTHS[first]
                end = (MONTHS[last] + datetime.timedelta(days=31)).replace(
                    day=1
                ) - datetime.timedelta(days=1)
                # Some start or end partway through their first or last month.
                if rng.random() < 0.15:
                    start = start.replace(day=rng.randint(2, 28))
                if rng.random() < 0.15:
                    end = end.replace(day=rng.randint(1, 27))
                plans.append(
                    (
                        Initiative(
                            title=f"Initiative {written}-{_number}",
                            language="fr",
                            lead_organisation=rng.choice(organisations),
                            sector=rng.choice(sectors),
                            status=status,
                            start_date=start,
                            end_date=end,
                            visibility=(
                                Initiative.Visibility.PARTNERS
                                if rng.random() < 0.15
                                else Initiative.Visibility.SHARED
                            ),
                        ),
                        rng.sample(communes, rng.choice((1, 1, 2, 2, 3))),
                        rng.sample(groups, rng.randint(1, 3)),
                        range(first, last + 1),
                    )
                )
            created = Initiative.objects.bulk_create(plan[0] for plan in plans)
            with connection.cursor() as wrapper:
                cursor = wrapper.cursor
                with cursor.copy(
                    "COPY initiatives_initiative_communes (initiative_id, area_id) FROM STDIN"
                ) as copy:
                    for initiative, (_i, places, _g, _m) in zip(created, plans, strict=True):
                        for place in places:
                            copy.write_row((initiative.pk, place.pk))
                with cursor.copy(
                    "COPY initiatives_initiative_target_groups (initiative_id, targetgroup_id) "
                    "FROM STDIN"
                ) as copy:
                    for initiative, (_i, _p, chosen, _m) in zip(created, plans, strict=True):
                        for group in chosen:
                            copy.write_row((initiative.pk, group.pk))
                with cursor.copy(
                    "COPY initiatives_reachreport (initiative_id, commune_id, period_id, women, "
                    "men, girls, boys, cumulative_women, cumulative_men, cumulative_girls, "
                    "cumulative_boys, comment, created_at, updated_at) FROM STDIN"
                ) as copy:
                    for initiative, (_i, places, _g, months) in zip(created, plans, strict=True):
                        for place in places:
                            to_date = 0
                            for month in months:
                                if written >= rows:
                                    break
                                women, men = rng.randint(0, 40), rng.randint(0, 30)
                                girls, boys = rng.randint(0, 20), rng.randint(0, 20)
                                to_date += (women + men + girls + boys) // 2
                                copy.write_row(
                                    (
                                        initiative.pk,
                                        place.pk,
                                        periods[month].pk,
                                        women,
                                        men,
                                        girls,
                                        boys,
                                        to_date,
                                        None,
                                        None,
                                        None,
                                        "",
                                        now,
                                        now,
                                    )
                                )
                                written += 1
        print(f"  {written:,} reach rows written", end="\r", flush=True)
    print()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _users():
    from madina.accounts.models import Membership, User
    from madina.actors.models import Organisation

    coordinator, _created = User.objects.get_or_create(
        email="coordinator@bench.invalid",
        defaults={"platform_role": User.PlatformRole.COORDINATOR, "full_name": "Bench"},
    )
    member, _created = User.objects.get_or_create(
        email="member@bench.invalid", defaults={"full_name": "Bench"}
    )
    organisation = Organisation.objects.filter(name_fr__startswith="Bench ").order_by("pk").first()
    Membership.objects.get_or_create(
        user=member, organisation=organisation, defaults={"role": Membership.Role.MEMBER}
    )
    return coordinator, member


# --- Timing --------------------------------------------------------------------------------------


def _median_ms(run, runs: int) -> tuple[float, object]:
    result = run()  # warm-up
    times = []
    for _number in range(runs):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


_ID = "BIGINT"
EXPORTS = {
    "initiatives_initiative": {
        "id": _ID,
        "lead_organisation_id": _ID,
        "sector_id": _ID,
        "subsector_id": _ID,
        "status": "VARCHAR",
        "visibility": "VARCHAR",
        "start_date": "DATE",
        "end_date": "DATE",
    },
    "initiatives_initiative_communes": {"id": _ID, "initiative_id": _ID, "area_id": _ID},
    "initiatives_initiative_target_groups": {
        "id": _ID,
        "initiative_id": _ID,
        "targetgroup_id": _ID,
    },
    "initiatives_initiativepartner": {
        "id": _ID,
        "initiative_id": _ID,
        "organisation_id": _ID,
        "role": "VARCHAR",
    },
    "initiatives_reportingperiod": {"id": _ID, "month": "DATE"},
    "initiatives_reachreport": {
        "id": _ID,
        "initiative_id": _ID,
        "commune_id": _ID,
        "period_id": _ID,
        "women": "INTEGER",
        "men": "INTEGER",
        "girls": "INTEGER",
        "boys": "INTEGER",
    },
}


def _duckdb(directory: Path):
    """The same tables (the columns the query reads) in an in-memory DuckDB database."""
    import duckdb
    from django.db import connection

    database = duckdb.connect()
    database.execute("SET threads TO 2")
    # Table and column names are the constants above.
    for table, columns in EXPORTS.items():
        path = directory / f"{table}.csv"
        names = ", ".join(columns)
        with open(path, "wb") as out, connection.cursor() as wrapper:
            with wrapper.cursor.copy(
                f"COPY (SELECT {names} FROM {table}) TO STDOUT WITH (FORMAT csv, HEADER)"  # noqa: S608
            ) as copy:
                for block in copy:
                    out.write(block)
        database.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, columns = ?)",  # noqa: S608
            [str(path), columns],
        )
        path.unlink()
    return database


def _generated_here(rows: int) -> bool:
    """Whether the database holds exactly ``rows`` reach rows written by this generator."""
    from madina.initiatives.models import ReachReport, TargetGroup

    return (
        TargetGroup.objects.filter(code=GROUP_CODE.format(number=0)).exists()
        and ReachReport.objects.count() == rows
    )


def _rebuild_ms() -> float:
    from django.db import connection

    from madina.initiatives import rollup

    started = time.perf_counter()
    rollup.rebuild()
    elapsed = (time.perf_counter() - started) * 1000
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE initiatives_reachrollup")
        cursor.execute("VACUUM ANALYZE initiatives_reachrollupreport")
    return elapsed


def _refresh_ms(runs: int) -> dict[str, float]:
    """A refresh as after one reach report saved, and as after one initiative edited."""
    from django.db import transaction

    from madina.initiatives import rollup
    from madina.initiatives.models import ReachReport

    reports = ReachReport.objects.order_by("pk")
    report = reports[min(len(MONTHS) * 10, reports.count() - 1)]
    slice_key = (report.commune_id, report.period_id)

    # Recorded in a transaction, as the signal receivers do; the refresh runs on its commit.
    def after_report():
        with transaction.atomic():
            rollup.record_slices([slice_key])

    def after_initiative():
        with transaction.atomic():
            rollup.record_initiatives([report.initiative_id])

    return {
        "one reach report saved (1 commune × month)": _median_ms(after_report, runs)[0],
        "one initiative edited (all its communes × months)": _median_ms(after_initiative, runs)[0],
    }


def main() -> int:
    arguments = _arguments()
    _setup_django(arguments.database_url)
    from django.db import connection

    from madina.initiatives import analysis, rollup
    from madina.initiatives.models import (
        ReachReport,
        ReachRollup,
        ReachRollupReport,
        TargetGroup,
    )

    started = time.perf_counter()
    if arguments.fresh or not _generated_here(arguments.rows):
        print(f"Generating {arguments.rows:,} reach rows in {arguments.database_url} …")
        _generate(arguments.rows, arguments.seed)
        generated = f"generated in {time.perf_counter() - started:.0f} s"
    else:
        generated = "reused (same size and generator; --fresh regenerates)"
    coordinator, member = _users()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("Rebuilding the roll-up of reach …")
    rebuild_ms = _rebuild_ms()
    assert rollup.readable()
    cells_total, loose_total = ReachRollup.objects.count(), ReachRollupReport.objects.count()
    year = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)}
    group = TargetGroup.objects.get(code=GROUP_CODE.format(number=0))
    cases = [
        ("coordinator, last 12 months", coordinator, year),
        ("coordinator, no period (every month)", coordinator, {}),
        ("member of one organisation, last 12 months", member, year),
        (
            "coordinator, last 12 months, one target group",
            coordinator,
            {**year, "target_group": group},
        ),
    ]
    with tempfile.TemporaryDirectory() as directory:
        duck = _duckdb(Path(directory))
    lines = []
    for label, user, filters in cases:
        sql, params = analysis.gap_cells_query(user=user, filters=filters)
        assert ReachRollup._meta.db_table in sql, "the roll-up is not read"
        exact_sql, exact_params = analysis.gap_cells_sql(
            analysis.gap_initiatives(user=user, filters=filters),
            start=filters.get("start"),
            end=filters.get("end"),
        )

        def on_postgres(sql=sql, params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return sorted(cursor.fetchall())

        def exact_on_postgres(sql=exact_sql, params=exact_params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return sorted(cursor.fetchall())

        def on_duckdb(sql=exact_sql, params=exact_params):
            return sorted(duck.execute(sql.replace("%s", "?"), params).fetchall())

        def whole_page(user=user, filters=filters):
            return analysis.gap_matrix(user=user, filters=filters)

        cells_ms, postgres_rows = _median_ms(on_postgres, arguments.runs)
        page_ms, _matrix = _median_ms(whole_page, arguments.runs)
        exact_ms, _rows = _median_ms(exact_on_postgres, arguments.runs)
        duck_ms, duck_rows = _median_ms(on_duckdb, arguments.runs)
        same = [tuple(map(int, row)) for row in postgres_rows] == [
            tuple(map(int, row)) for row in duck_rows
        ]
        lines.append((label, cells_ms, page_ms, exact_ms, duck_ms, len(postgres_rows), same))
    refreshes = _refresh_ms(arguments.runs)
    assert rollup.readable(), "a refresh failed (see the log)"

    def full_scan():
        with connection.cursor() as cursor:
            cursor.execute("SELECT SUM(women + men + girls + boys) FROM initiatives_reachreport")
            return cursor.fetchone()

    floor_ms, _total = _median_ms(full_scan, arguments.runs)
    rows_total = ReachReport.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM initiatives_initiative")
        initiatives = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    import duckdb

    def verdict(value: float) -> str:
        return f"≤ {GOAL_MS:.0f} ({'met' if value <= GOAL_MS else 'MISSED'})"

    report = [
        "# Gap matrix benchmark (analysis)",
        "",
        f"`.venv/bin/python bench/gap/run.py --rows {arguments.rows}` — "
        f"{datetime.datetime.now(tz=datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"PostgreSQL {version}, DuckDB {duckdb.__version__}, {os.cpu_count()} CPU cores (shared).",
        "",
        f"Data: {rows_total:,} reach rows, {initiatives:,} initiatives, 124 communes, 12 sectors, "
        f"8 target groups, 48 months; {generated}; generator peak memory {peak_mb:.0f} MB.",
        "",
        f"Roll-up of reach rebuilt in {rebuild_ms / 1000:.1f} s: {cells_total:,} cells and "
        f"{loose_total:,} reports kept one by one (they start or end partway through a month).",
        "",
        f"Median of {arguments.runs} warm runs. Goal: ≤ {GOAL_MS:.0f} ms on PostgreSQL for the "
        "cells and for the whole page data. Baseline: the exact query in DuckDB (in memory, "
        "2 threads) over the same rows; *same result* compares it with the cells through the "
        "roll-up.",
        "",
        "| case | cells through the roll-up (ms) | goal | whole page data (ms) | goal "
        "| exact query, PostgreSQL (ms) | DuckDB, exact query (ms) | ratio roll-up/DuckDB "
        "| cells | same result |",
        "|---|---:|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for label, cells_ms, page_ms, exact_ms, duck_ms, cells, same in lines:
        report.append(
            f"| {label} | {cells_ms:.1f} | {verdict(cells_ms)} | {page_ms:.1f} | "
            f"{verdict(page_ms)} | {exact_ms:.1f} | {duck_ms:.1f} | {cells_ms / duck_ms:.1f}× | "
            f"{cells} | {'yes' if same else 'NO'} |"
        )
    load = os.getloadavg()
    report += [
        "",
        "Refresh of the roll-up after a write (run once the write's transaction commits; median):",
        "",
        *(f"- {label}: {value:.1f} ms" for label, value in refreshes.items()),
        "",
        f"Floor on this machine in the same run: `SELECT SUM(women + men + girls + boys)` over "
        f"the whole reach table takes {floor_ms:.1f} ms on PostgreSQL.",
        "",
        f"Load average while measuring: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        "(the machine is shared).",
    ]
    text = "\n".join(report) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    return 0 if all(line[1] <= GOAL_MS and line[2] <= GOAL_MS and line[6] for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
