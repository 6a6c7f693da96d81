"""Queries and time of each page of the load test, one request at a time (no concurrency).

    .venv/bin/python bench/load/profile.py [--database-url URL] [--runs 3] [--explain N] [PAGE…]

Uses the data set and the targets of the last run.py (var/load/targets.json), the same
settings, and Django's test client with the connection's query log: for each page, the median
time of a few warm requests, the number of queries, and the slowest queries (with EXPLAIN
ANALYZE for the N slowest when --explain is given). A tool for finding what to fix.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402


def pages(targets: dict) -> dict[str, tuple[str, str]]:
    member = targets["member"][0]
    case = next(c for c in targets["case"] if c["referrals"])
    initiative = targets["initiatives"][0]
    return {
        "registry list": ("coordinator", "/fr/initiatives/?page=3"),
        "registry sector": (
            "coordinator",
            f"/fr/initiatives/?sector={targets['sectors'][0]}&status=ongoing",
        ),
        "registry commune": ("coordinator", f"/fr/initiatives/?commune={targets['communes'][0]}"),
        "registry province": (
            "coordinator",
            f"/fr/initiatives/?province={targets['provinces'][0]}",
        ),
        "registry q": ("coordinator", "/fr/initiatives/?q=femmes"),
        "registry member": ("member", f"/fr/initiatives/?organisation={member['organisation']}"),
        "initiative detail": ("coordinator", f"/fr/initiatives/{initiative}/"),
        "gap matrix": ("coordinator", "/fr/initiatives/gaps/"),
        "gap filtered": (
            "coordinator",
            f"/fr/initiatives/gaps/?start=2025-01-01&end=2025-12-31&target_group={targets['groups'][0]}",
        ),
        "map": ("coordinator", "/fr/initiatives/map/"),
        "pivot": ("coordinator", "/fr/initiatives/pivot/"),
        "home": ("coordinator", "/fr/"),
        "initiative form": ("member", "/fr/initiatives/new/"),
        "reach form": (
            "member",
            f"/fr/initiatives/{member['reportable'][0][0]}/reach/"
            if member["reportable"]
            else "/fr/",
        ),
        "case inbox": ("case", "/fr/cases/"),
        "case list": ("case", "/fr/cases/list/?page=2"),
        "case detail": ("case", f"/fr/cases/{case['cases'][0]}/"),
        "referral list": ("case", "/fr/cases/referrals/"),
        "referral detail": ("case", f"/fr/cases/referrals/{case['referrals'][0]}/"),
        "portal home": ("", "/fr/portal/"),
        "portal services": ("", "/ar/portal/services/"),
        "portal filtered": (
            "",
            f"/fr/portal/services/?need=health&commune={targets['real_communes'][0]}&free=on",
        ),
        "portal service": ("", f"/fr/portal/services/{targets['service_uuids'][0]}/"),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=generate.DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--explain", type=int, default=0)
    parser.add_argument("only", nargs="*")
    arguments = parser.parse_args()
    generate.setup(arguments.database_url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    targets = json.loads((generate.ROOT / "var" / "load" / "targets.json").read_text())
    sessions = {
        "coordinator": targets["coordinator"][0]["session"],
        "member": targets["member"][0]["session"],
        "case": next(c for c in targets["case"] if c["referrals"])["session"],
    }
    for name, (kind, url) in pages(targets).items():
        if arguments.only and name not in arguments.only:
            continue
        client = Client()
        if kind:
            client.cookies["sessionid"] = sessions[kind]
        times = []
        for _run in range(arguments.runs + 1):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
        print(
            f"{name:20} {response.status_code} {statistics.median(times[1:]):7.1f} ms "
            f"{len(queries.captured_queries):3} queries, "
            f"SQL {sum(float(q['time']) for q in queries.captured_queries) * 1000:.0f} ms"
        )
        for query in slow[: max(arguments.explain, 2)]:
            print(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:300]}")
        for query in slow[: arguments.explain]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                print("      " + "\n      ".join(row[0] for row in cursor.fetchall()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
