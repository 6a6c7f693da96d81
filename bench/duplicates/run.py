"""Quality and speed of the duplicate finder (madina/initiatives/matching.py).

    .venv/bin/python bench/duplicates/run.py [--size N] [--drafts D] [--database-url URL]

Default: a registry of 20,000 initiatives on a scratch SQLite file (a few minutes on 2 cores).
Full size, as the issue asks:

    .venv/bin/python bench/duplicates/run.py --size 100000
    .venv/bin/python bench/duplicates/run.py --size 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/madina_bench_duplicates

1. Quality, on a labelled set of 360 pairs (150 true duplicates written differently — other
   language, transliterated places, words in another order, shifted dates, sometimes another
   sector —, 60 partial overlaps, 150 distinct look-alikes: same activity elsewhere, the same
   activity a year later, another activity for the same people in the same place) among 2,000
   other initiatives. A pair is "proposed" when the finder, given one side as the draft, lists
   the other at the threshold the coordinators' list uses (0.6). Precision and recall (goal
   ≥ 0.90 each) are printed beside the baseline, plain normalised-title token Jaccard ≥ 0.5
   (and that baseline at its best threshold on this very set, which flatters it), and beside the
   full rescan's pairs.
2. Latency of one draft against the registry of --size initiatives (median, goal ≤ 0.3 s),
   with a naive scan (the same score against every initiative) as the baseline.
3. The full rescan of the registry (goal ≤ 60 s at 100,000; peak memory ≤ 500 MB), with the
   exhaustive comparison of every pair sharing a commune as the baseline (estimated from a timed
   sample). The rescan runs in a fresh process, as the nightly job does: its caches start empty
   and its peak memory (VmHWM, Django loaded) is its own.

Results go to bench/results/duplicates.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generator import Draft, Generator  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "duplicates.md"
LATENCY_GOAL = 0.3
RESCAN_GOAL = 60.0
MEMORY_GOAL_MB = 500.0
QUALITY_GOAL = 0.90
BASELINE_JACCARD = 0.5
# New initiatives a year across the region: a registry of N initiatives covers N / YEARLY years
# (never less than 4.4), since completed work is kept.
YEARLY = 4_500


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=20_000, help="registry size (20,000)")
    parser.add_argument("--drafts", type=int, default=40, help="drafts timed (40)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--step", choices=["rescan"], help=argparse.SUPPRESS)
    return parser.parse_args()


def _setup_django(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            if not connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madina.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_areas", verbosity=0)
    call_command("load_sectors", verbosity=0)
    call_command("load_target_groups", verbosity=0)


class Writer:
    """Writes generated drafts as initiatives, in bulk."""

    def __init__(self, organisations: int):
        from madina.actors.models import Organisation, Sector
        from madina.initiatives.models import TargetGroup
        from madina.territory.models import Area

        existing = list(Organisation.objects.filter(name_fr__startswith="Bench org").order_by("pk"))
        if len(existing) < organisations:
            Organisation.objects.bulk_create(
                Organisation(name_fr=f"Bench org {n}", name_ar=f"جمعية {n}", type="cso")
                for n in range(len(existing), organisations)
            )
        self.organisations = list(
            Organisation.objects.filter(name_fr__startswith="Bench org")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.areas = dict(Area.objects.filter(level="commune").values_list("code", "pk"))
        self.sectors = dict(Sector.objects.values_list("code", "pk"))
        self.groups = dict(TargetGroup.objects.values_list("code", "pk"))

    def reset(self) -> None:
        from django.db import connection

        from madina.initiatives.models import DraftDecision, Initiative, OverlapCandidate

        OverlapCandidate.objects.all()._raw_delete(connection.alias)
        DraftDecision.objects.all()._raw_delete(connection.alias)
        Initiative.communes.through.objects.all()._raw_delete(connection.alias)
        Initiative.target_groups.through.objects.all()._raw_delete(connection.alias)
        Initiative.objects.all()._raw_delete(connection.alias)

    def write(self, drafts: list[Draft], chunk: int = 5_000) -> list[int]:
        from django.db import transaction

        from madina.initiatives.models import Initiative

        ids: list[int] = []
        communes = Initiative.communes.through
        groups = Initiative.target_groups.through
        for start in range(0, len(drafts), chunk):
            part = drafts[start : start + chunk]
            with transaction.atomic():
                objects = []
                for draft in part:
                    initiative = Initiative(
                        title=draft.title,
                        description=draft.description,
                        language=draft.language,
                        lead_organisation_id=self.organisations[draft.organisation],
                        sector_id=self.sectors[draft.sector],
                        start_date=draft.start,
                        end_date=draft.end,
                        status="cancelled" if draft.cancelled else "ongoing",
                    )
                    initiative.refresh_search_text()
                    objects.append(initiative)
                created = Initiative.objects.bulk_create(objects)
                communes.objects.bulk_create(
                    communes(initiative_id=initiative.pk, area_id=self.areas[code])
                    for initiative, draft in zip(created, part, strict=True)
                    for code in draft.communes
                )
                groups.objects.bulk_create(
                    groups(initiative_id=initiative.pk, targetgroup_id=self.groups[code])
                    for initiative, draft in zip(created, part, strict=True)
                    for code in draft.groups
                )
                ids += [initiative.pk for initiative in created]
        return ids

    def as_form(self, draft: Draft) -> dict:
        """A draft as the create form posts it."""
        return {
            "title": draft.title,
            "description": draft.description,
            "sector": str(self.sectors[draft.sector]),
            "communes": [str(self.areas[code]) for code in draft.communes],
            "target_groups": [str(self.groups[code]) for code in draft.groups],
            "start_date": draft.start.isoformat(),
            "end_date": draft.end.isoformat(),
        }


def _jaccard(a: str, b: str) -> float:
    from madina.core.text import normalise

    first, second = set(normalise(a).split()), set(normalise(b).split())
    return len(first & second) / len(first | second) if first | second else 0.0


def _precision_recall(predicted: list[bool], labels: list[bool]) -> tuple[float, float]:
    true_positive = sum(hit and label for hit, label in zip(predicted, labels, strict=True))
    positives = sum(predicted)
    relevant = sum(labels)
    return (true_positive / positives if positives else 1.0, true_positive / relevant)


def quality(generator: Generator, writer: Writer) -> dict:
    from madina.initiatives import matching
    from madina.initiatives.models import Initiative, OverlapCandidate

    writer.reset()
    pairs = generator.labelled_pairs()
    writer.write(generator.registry(2_000))
    firsts = writer.write([first for first, _second, _label, _kind in pairs])
    seconds = writer.write([second for _first, second, _label, _kind in pairs])
    labels = [label for _first, _second, label, _kind in pairs]
    kinds = [kind for _first, _second, _label, kind in pairs]
    started = time.perf_counter()
    threshold = matching.DEFAULT_THRESHOLD
    proposed, scores = [], []
    initiatives = Initiative.objects.in_bulk(seconds)
    for first_id, second_id in zip(firsts, seconds, strict=True):
        found = {
            c.initiative.pk: c.score
            for c in matching.find_candidates(initiatives[second_id], limit=10, threshold=0)
        }
        scores.append(found.get(first_id, 0.0))
        proposed.append(found.get(first_id, 0.0) >= threshold)
    finder_seconds = time.perf_counter() - started
    jaccards = [_jaccard(first.title, second.title) for first, second, _l, _k in pairs]
    baseline = [value >= BASELINE_JACCARD for value in jaccards]
    best = max(
        (
            (
                2 * p * r / (p + r) if p + r else 0,
                t,
                p,
                r,
            )
            for t in [x / 20 for x in range(1, 20)]
            for p, r in [_precision_recall([j >= t for j in jaccards], labels)]
        )
    )
    matching.rescan(threshold=threshold)
    stored = set(OverlapCandidate.objects.values_list("first_id", "second_id"))
    rescanned = [tuple(sorted((a, b))) in stored for a, b in zip(firsts, seconds, strict=True)]
    by_kind = defaultdict(Counter)
    for kind, label, hit, base in zip(kinds, labels, proposed, baseline, strict=True):
        by_kind[kind]["pairs"] += 1
        by_kind[kind]["finder right"] += hit == label
        by_kind[kind]["baseline right"] += base == label
    return {
        "pairs": len(pairs),
        "positives": sum(labels),
        "finder": _precision_recall(proposed, labels),
        "rescan": _precision_recall(rescanned, labels),
        "baseline": _precision_recall(baseline, labels),
        "baseline_best": best,
        "by_kind": by_kind,
        "finder_seconds": finder_seconds,
        "threshold": threshold,
    }


def latency(generator: Generator, writer: Writer, size: int, drafts: int) -> dict:
    from madina.initiatives import matching

    writer.reset()
    started = time.perf_counter()
    generator.days = int(max(4.4, size / YEARLY) * 365)
    writer.write(generator.registry(size))
    write_seconds = time.perf_counter() - started
    forms = [writer.as_form(generator.draft(cancelled=False)) for _ in range(drafts)]
    matching.find_candidates(forms[0])  # warm-up: connections, lexicon
    first_pass, timings, found = [], [], []
    for form in forms:
        started = time.perf_counter()
        found.append(len(matching.find_candidates(form)))
        first_pass.append(time.perf_counter() - started)
    for form in forms:  # the same drafts again: a user typing on (titles cached)
        started = time.perf_counter()
        matching.find_candidates(form)
        timings.append(time.perf_counter() - started)
    naive = []
    for form in forms[:3]:
        started = time.perf_counter()
        draft = matching.record_for(form)
        records = matching._all_records()
        light = matching.place_tokens()
        scored = sorted(
            (matching.score_pair(draft, record, light=light)[0], pk)
            for pk, record in records.items()
        )[-10:]
        naive.append(time.perf_counter() - started)
        assert scored
    return {
        "size": size,
        "write_seconds": write_seconds,
        "cold_median": statistics.median(first_pass),
        "median": statistics.median(timings),
        "p95": sorted(first_pass)[int(0.95 * (len(first_pass) - 1))],
        "naive_median": statistics.median(naive),
        "found": statistics.mean(found),
    }


def _peak_mb() -> float:
    """This process's peak resident memory. Not ``ru_maxrss``: Linux carries it over an exec, so
    a child started by this (large) benchmark would report the parent's size."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rescan_step(url: str) -> None:
    """The rescan alone, in this fresh process: its time, result and peak memory."""
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madina.settings.dev")
    import django

    django.setup()
    from madina.initiatives import matching

    load = os.getloadavg()[0]
    started = time.perf_counter()
    result = matching.rescan(threshold=matching.DEFAULT_THRESHOLD)
    seconds = time.perf_counter() - started
    step = {
        "seconds": seconds,
        "result": vars(result),
        "peak_mb": _peak_mb(),
        "load": [load, os.getloadavg()[0]],
    }
    print("RESULT " + json.dumps(step))


def rescan_timing(url: str) -> dict:
    from madina.initiatives import matching

    completed = subprocess.run(  # noqa: S603 — this very script, with fixed arguments
        [sys.executable, __file__, "--step", "rescan", "--database-url", url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        sys.stderr.write(completed.stdout[-3000:] + completed.stderr[-5000:])
        raise SystemExit("the rescan step failed")
    step = json.loads(lines[-1].removeprefix("RESULT "))
    seconds = step["seconds"]
    result = matching.RescanResult(**step["result"])
    records = matching._all_records()
    blocks = defaultdict(list)
    for pk, record in records.items():
        for commune in record.communes:
            blocks[commune].append(pk)
    exhaustive = sum(len(m) * (len(m) - 1) // 2 for m in blocks.values())
    sample = []
    randomiser = random.Random(1)
    members = [m for m in blocks.values() if len(m) > 1]
    for _ in range(20_000):
        block = randomiser.choice(members)
        sample.append(tuple(randomiser.sample(block, 2)))
    light = matching.place_tokens()
    started = time.perf_counter()
    for a, b in sample:
        matching.score_pair(records[a], records[b], light=light)
    per_pair = (time.perf_counter() - started) / len(sample)
    return {
        "seconds": seconds,
        "result": result,
        "peak_mb": step["peak_mb"],
        "load": step["load"],
        "exhaustive_pairs": exhaustive,
        "exhaustive_seconds": exhaustive * per_pair,
    }


def _mark(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(engine: str, q: dict, lat: dict, scan: dict) -> str:
    fp, fr = q["finder"]
    rp, rr = q["rescan"]
    bp, br = q["baseline"]
    f1, bt, bbp, bbr = q["baseline_best"]
    scale = 100_000 / lat["size"]
    estimate = (
        "" if lat["size"] >= 100_000 else f" (linear estimate {scan['seconds'] * scale:.0f} s)"
    )
    lines = [
        "# Duplicate finder — benchmark",
        "",
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {engine}, "
        f"registry of {lat['size']:,} initiatives (`bench/duplicates/run.py --size "
        f"{lat['size']}`), {os.cpu_count()} cores.",
        "",
        "### Quality on the labelled set",
        "",
        f"{q['pairs']} labelled pairs ({q['positives']} to propose: true duplicates and partial "
        f"overlaps; the rest distinct look-alikes) among 2,000 other initiatives. Threshold "
        f"{q['threshold']}.",
        "",
        "| method | precision | recall | goal |",
        "|---|---|---|---|",
        f"| finder, one side as the draft (find_candidates) | {fp:.3f} | {fr:.3f} | ≥ 0.90 each: "
        f"{_mark(fp >= QUALITY_GOAL and fr >= QUALITY_GOAL)} |",
        f"| full rescan (OverlapCandidate rows) | {rp:.3f} | {rr:.3f} | ≥ 0.90 each: "
        f"{_mark(rp >= QUALITY_GOAL and rr >= QUALITY_GOAL)} |",
        f"| baseline: normalised-title token Jaccard ≥ {BASELINE_JACCARD} | {bp:.3f} | {br:.3f} | "
        "— |",
        f"| baseline at its best threshold on this set ({bt:.2f}, F1 {f1:.3f}) | {bbp:.3f} | "
        f"{bbr:.3f} | — |",
        "",
        f"Recall ratio finder / baseline: {fr / br if br else float('inf'):.2f}×.",
        "",
        "| kind of pair | pairs | finder right | baseline right |",
        "|---|---|---|---|",
    ]
    for kind, counts in q["by_kind"].items():
        lines.append(
            f"| {kind} | {counts['pairs']} | {counts['finder right']} | "
            f"{counts['baseline right']} |"
        )
    lines += [
        "",
        "### Speed",
        "",
        "| figure | value | goal | baseline | ratio |",
        "|---|---|---|---|---|",
        f"| one draft, median (titles cached, a user typing on) | {lat['median'] * 1000:.0f} ms | "
        f"≤ 300 ms: {_mark(lat['median'] <= LATENCY_GOAL)} | naive scan "
        f"{lat['naive_median'] * 1000:.0f} ms | {lat['naive_median'] / lat['median']:.0f}× "
        "faster |",
        f"| one draft, median, first time (cold title cache) | {lat['cold_median'] * 1000:.0f} ms "
        f"| ≤ 300 ms: {_mark(lat['cold_median'] <= LATENCY_GOAL)} | | "
        f"{lat['naive_median'] / lat['cold_median']:.0f}× |",
        f"| one draft, 95th percentile (cold) | {lat['p95'] * 1000:.0f} ms | | | |",
        f"| full rescan of {lat['size']:,} | {scan['seconds']:.1f} s | ≤ 60 s at 100,000"
        f"{estimate}"
        f" | every pair sharing a commune: {scan['exhaustive_pairs']:,} pairs, estimated "
        f"{scan['exhaustive_seconds']:.0f} s | {scan['exhaustive_seconds'] / scan['seconds']:.0f}× "
        "faster |",
        f"| peak memory of the rescan (fresh process, Django loaded) | {scan['peak_mb']:.0f} MB | "
        f"≤ {MEMORY_GOAL_MB:.0f} MB: {_mark(scan['peak_mb'] <= MEMORY_GOAL_MB)} | | |",
        "",
        f"The rescan ran in a fresh process, as the nightly job does (its caches empty); the "
        f"machine's load average (1 min) was {scan['load'][0]:.1f} when it started and "
        f"{scan['load'][1]:.1f} when it ended, on {os.cpu_count()} cores.",
        "",
        f"Rescan: {scan['result'].pairs_compared:,} blocked pairs compared (most dropped on "
        f"their titles, before their descriptions are), {scan['result'].created:,} stored. "
        f"Writing the registry took "
        f"{lat['write_seconds']:.0f} s. Drafts found {lat['found']:.1f} candidates on average.",
        "",
    ]
    return "\n".join(lines)


def _merge(engine: str, size: int, text: str) -> str:
    """The results file with this run's section replaced; runs on other engines or sizes stay."""
    title = "# Duplicate finder — benchmark\n\n"
    sections = {}
    if RESULTS.exists():
        for chunk in RESULTS.read_text(encoding="utf-8").split("<!-- run ")[1:]:
            key, _, body = chunk.partition(" -->\n")
            sections[key] = body.rstrip() + "\n"
    sections[f"{engine} {size}"] = f"## {engine}, {size:,} initiatives\n\n" + text.removeprefix(
        title
    )
    runs = [f"<!-- run {key} -->\n{body}" for key, body in sorted(sections.items())]
    return title + "\n".join(runs)


def main() -> int:
    arguments = _arguments()
    if arguments.step == "rescan":
        _rescan_step(arguments.database_url)
        return 0
    directory = Path(tempfile.mkdtemp(prefix="madina-bench-duplicates-"))
    url = arguments.database_url or f"sqlite:///{directory / 'bench.sqlite3'}"
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"Duplicate finder benchmark: {arguments.size:,} initiatives, {engine}", flush=True)
    _setup_django(url)
    generator = Generator(arguments.seed)
    writer = Writer(generator.organisations)
    started = time.perf_counter()
    q = quality(generator, writer)
    print(
        f"quality: finder P {q['finder'][0]:.3f} R {q['finder'][1]:.3f} (goal ≥ 0.90); "
        f"rescan P {q['rescan'][0]:.3f} R {q['rescan'][1]:.3f}; baseline Jaccard P "
        f"{q['baseline'][0]:.3f} R {q['baseline'][1]:.3f} "
        f"({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    lat = latency(generator, writer, arguments.size, arguments.drafts)
    print(
        f"latency at {arguments.size:,}: median {lat['median'] * 1000:.0f} ms warm, "
        f"{lat['cold_median'] * 1000:.0f} ms cold (goal ≤ 300 ms); naive scan "
        f"{lat['naive_median'] * 1000:.0f} ms",
        flush=True,
    )
    scan = rescan_timing(url)
    print(
        f"rescan of {arguments.size:,}: {scan['seconds']:.1f} s (goal ≤ 60 s at 100,000), "
        f"peak {scan['peak_mb']:.0f} MB (goal ≤ {MEMORY_GOAL_MB:.0f} MB), load average "
        f"{scan['load'][0]:.1f} → {scan['load'][1]:.1f}; exhaustive per-commune baseline ≈ "
        f"{scan['exhaustive_seconds']:.0f} s",
        flush=True,
    )
    text = report(engine, q, lat, scan)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(_merge(engine, arguments.size, text), encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
