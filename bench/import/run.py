"""Importing a 3W sheet of N rows (CSV and XLSX), with a plain bulk insert timed as the baseline.

    .venv/bin/python bench/import/run.py [--rows N] [--database-url URL] [--keep]

Default: 2,000 rows (a quick check). The issue's figures are for the full size:

    .venv/bin/python bench/import/run.py --rows 100000

The database is a scratch SQLite file in a temporary directory unless --database-url (or
BENCH_IMPORT_DATABASE_URL) names another one, e.g. postgres://postgres@127.0.0.1:5432/madina_bench_import
(created when missing; its initiatives are deleted before each step).

The generator writes a realistic registry sheet: 150 organisations (Arabic and French names,
acronyms), the 124 communes of the Oriental region (loaded from the territory data file), the
national-strategy sectors and 9 target groups; each row names its organisation and its one to
three communes under a spelling variant (upper case, no accents, Arabic script, "Beni"/"Bni",
hyphens or not), its sector by code or by name in Arabic or French, its status in one of three
languages, dates as ISO text or as spreadsheet dates.

Each step runs in a fresh subprocess, so that its peak memory (``VmHWM``: the high-water mark
of its own address space, which, unlike ``ru_maxrss``, does not carry over the parent's size
across fork and exec) is its own:

- baseline: ``csv.reader`` + exact-name dictionaries + ``bulk_create`` of the initiatives and
  their communes, in one transaction: no validation, no matching of variants, no search keys,
  no target groups or partners, no audit, no job;
- import CSV: the whole import service (upload checks, every row validated, bulk write with
  audit events), first into an empty registry, then the same file again (nothing changes);
- import XLSX: the same rows as an .xlsx workbook, into an empty registry.

Goals (issue 3): CSV ≤ 30 s, XLSX ≤ 60 s for 100,000 rows; peak memory ≤ 500 MB.
Results go to bench/results/interop.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "interop.md"
GOALS = {"csv": 30.0, "xlsx": 60.0, "memory_mb": 500.0}
HEADERS = [
    "ID",
    "Organisation",
    "Partenaire de mise en oeuvre",
    "Titre",
    "Secteur",
    "Communes",
    "Groupes cibles",
    "Statut",
    "Date de début",
    "Date de fin",
    "Personnes ciblées",
    "Budget",
]
GROUPS = [
    ("women", "Femmes", "النساء", "Women"),
    ("girls", "Filles", "الفتيات", "Girls"),
    ("boys", "Garçons", "الفتيان", "Boys"),
    (
        "unaccompanied_children",
        "Enfants non accompagnés",
        "الأطفال غير المصحوبين",
        "Unaccompanied children",
    ),
    ("youth", "Jeunes", "الشباب", "Youth"),
    (
        "irregular_migrants",
        "Migrants en situation irrégulière",
        "المهاجرون في وضعية غير نظامية",
        "Migrants in an irregular situation",
    ),
    (
        "refugees",
        "Réfugiés et demandeurs d'asile",
        "اللاجئون وطالبو اللجوء",
        "Refugees and asylum seekers",
    ),
    ("returnees", "Migrants de retour", "المهاجرون العائدون", "Returnees"),
    ("host_community", "Communauté d'accueil", "المجتمع المضيف", "Host community"),
]
ORG_WORDS_FR = [
    "Amal",
    "Tadamoun",
    "Wifak",
    "Nour",
    "Rif",
    "Oujda",
    "Nador",
    "Berkane",
    "Figuig",
    "Jerada",
    "Taourirt",
    "Driouch",
    "Horizon",
    "Avenir",
    "Espoir",
]
ORG_WORDS_AR = [
    "الأمل",
    "التضامن",
    "الوفاق",
    "النور",
    "الريف",
    "وجدة",
    "الناظور",
    "بركان",
    "فجيج",
    "جرادة",
    "تاوريرت",
    "الدريوش",
    "الأفق",
    "المستقبل",
    "الرجاء",
]
ORG_KINDS = [
    ("Association", "جمعية"),
    ("Fondation", "مؤسسة"),
    ("Réseau", "شبكة"),
    ("Centre", "مركز"),
]
TITLES_FR = [
    "Accompagnement médical",
    "Cours d'arabe",
    "Permanence juridique",
    "Formation professionnelle",
    "Soutien scolaire",
    "Aide alimentaire",
    "Hébergement d'urgence",
    "Sensibilisation à la santé",
    "Insertion professionnelle",
    "Activités sportives",
]
TITLES_AR = [
    "مواكبة طبية",
    "دروس اللغة العربية",
    "استشارة قانونية",
    "تكوين مهني",
    "دعم مدرسي",
    "مساعدة غذائية",
    "إيواء استعجالي",
    "تحسيس صحي",
    "إدماج مهني",
    "أنشطة رياضية",
]
STATUSES = [
    ("ongoing", "en cours", "جارية"),
    ("planned", "planifié", "مبرمجة"),
    ("completed", "terminé", "منتهية"),
    ("cancelled", "annulé", "ملغاة"),
]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000, help="rows per file (2,000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_IMPORT_DATABASE_URL", ""))
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    return parser.parse_args()


# --- Django in a child process ------------------------------------------------------------------


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
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _reset_initiatives() -> None:
    from django.db import connection

    from madina.core.models import AuditEvent
    from madina.initiatives.models import Initiative, InitiativePartner

    InitiativePartner.objects.all().delete()
    Initiative.communes.through.objects.all().delete()
    Initiative.target_groups.through.objects.all().delete()
    Initiative.objects.all()._raw_delete(connection.alias)
    AuditEvent.objects.filter(object_type="initiatives.initiative").delete()


def _prepare(seed: int) -> dict:
    """Migrate, load the territory and sectors, create organisations, groups and a user."""
    from django.core.management import call_command

    from madina.accounts.models import User
    from madina.actors.models import Organisation
    from madina.initiatives.models import TargetGroup

    call_command("migrate", verbosity=0)
    call_command("load_areas", verbosity=0)
    call_command("load_sectors", verbosity=0)
    _reset_initiatives()
    for code, fr, ar, en in GROUPS:
        TargetGroup.objects.update_or_create(
            code=code, defaults={"name_fr": fr, "name_ar": ar, "name_en": en}
        )
    rng = random.Random(seed)
    if Organisation.objects.count() < 150:
        organisations = []
        for index in range(150 - Organisation.objects.count()):
            kind_fr, kind_ar = ORG_KINDS[index % len(ORG_KINDS)]
            word = index % len(ORG_WORDS_FR)
            number = index // len(ORG_WORDS_FR)
            organisation = Organisation(
                name_fr=f"{kind_fr} {ORG_WORDS_FR[word]} {number + 1}",
                name_ar=f"{kind_ar} {ORG_WORDS_AR[word]} {number + 1}",
                acronym=f"A{ORG_WORDS_FR[word][:2].upper()}{number + 1}{rng.randint(10, 99)}",
                type="cso",
            )
            organisation.refresh_search_text()
            organisations.append(organisation)
        Organisation.objects.bulk_create(organisations)
    user, _created = User.objects.get_or_create(
        email="bench-coordinator@example.org",
        defaults={"platform_role": User.PlatformRole.COORDINATOR},
    )
    if user.platform_role != User.PlatformRole.COORDINATOR:
        user.platform_role = User.PlatformRole.COORDINATOR
        user.save()
    return {"user": user.pk}


def _variant(rng: random.Random, name_fr: str, name_ar: str) -> str:
    import unicodedata

    choice = rng.random()
    if choice < 0.25:
        return name_ar
    if choice < 0.4:
        return name_fr.upper()
    if choice < 0.55:
        return "".join(
            ch for ch in unicodedata.normalize("NFKD", name_fr) if not unicodedata.combining(ch)
        )
    if choice < 0.65:
        return name_fr.replace("-", " ")
    if choice < 0.75 and name_fr.startswith("Bni "):
        return "Beni " + name_fr[4:]
    if choice < 0.75 and name_fr.startswith("Beni "):
        return "Bni " + name_fr[5:]
    return name_fr


def _generate(rows: int, seed: int, directory: Path) -> tuple[Path, Path]:
    from madina.actors.models import Organisation, Sector
    from madina.territory.models import Area

    rng = random.Random(seed)
    organisations = list(Organisation.objects.values_list("name_fr", "name_ar", "acronym"))
    communes = list(Area.objects.communes().values_list("name_fr", "name_ar"))
    sectors = list(
        Sector.objects.filter(parent__isnull=True).values_list("code", "name_fr", "name_ar")
    )
    table = [HEADERS]
    for index in range(rows):
        org_fr, org_ar, acronym = organisations[index % len(organisations)]
        partner_fr, partner_ar, _acr = organisations[(index * 7 + 3) % len(organisations)]
        lead = rng.choice([org_fr, org_fr.upper(), org_ar, acronym])
        partner = _variant(rng, partner_fr, partner_ar) if partner_fr != org_fr else ""
        places = rng.sample(communes, rng.choice([1, 1, 1, 2, 3]))
        sector = rng.choice(sectors)
        title = rng.choice(TITLES_FR + TITLES_AR)
        status = rng.choice(STATUSES)
        start = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(1000))
        end = start + datetime.timedelta(days=rng.randrange(30, 700))
        table.append(
            [
                f"BENCH-{index + 1:06d}",
                lead,
                partner,
                f"{title} — {places[0][0]} {index + 1}",
                rng.choice([sector[0], sector[1], sector[2]]),
                "; ".join(_variant(rng, fr, ar) for fr, ar in places),
                "; ".join(rng.choice(GROUPS)[rng.choice([1, 2, 3])] for _ in range(2)),
                rng.choice(status[:3]) if rng.random() < 0.8 else status[0],
                start,
                end if rng.random() < 0.8 else None,
                rng.choice([None, rng.randrange(20, 2000)]),
                rng.choice([None, rng.randrange(10_000, 2_000_000)]),
            ]
        )
    csv_path = directory / "3w.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        for row in table:
            writer.writerow(
                [
                    "" if v is None else v.isoformat() if isinstance(v, datetime.date) else v
                    for v in row
                ]
            )
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("3W")
    for row in table:
        sheet.append(row)
    xlsx_path = directory / "3w.xlsx"
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


# --- Steps (each in its own process) -------------------------------------------------------------


def _step_baseline(path: Path) -> dict:
    """csv.reader + exact-name dictionaries + bulk_create: no checks, no audit.

    A plain, competent bulk load: one transaction (one commit, all or nothing, as the import),
    batches of 2,000 rows, ``bulk_create`` of the initiatives and of their commune links.
    """
    from django.db import transaction

    from madina.actors.models import Organisation, Sector
    from madina.initiatives.models import Initiative
    from madina.territory.models import Area

    _reset_initiatives()
    started = time.perf_counter()
    organisations = {}
    for pk, *names in Organisation.objects.values_list("pk", "name_fr", "name_ar", "acronym"):
        for name in names:
            organisations[name] = pk
            organisations[name.upper()] = pk
    communes = {}
    for pk, fr, ar in Area.objects.communes().values_list("pk", "name_fr", "name_ar"):
        communes[fr] = communes[ar] = pk
    sectors = {}
    for pk, *names in Sector.objects.values_list("pk", "code", "name_fr", "name_ar"):
        for name in names:
            sectors[name] = pk
    through = Initiative.communes.through
    with transaction.atomic(), open(path, encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        next(reader)
        batch = []
        for row in reader:
            batch.append(row)
            if len(batch) == 2000:
                _baseline_write(batch, organisations, communes, sectors, through)
                batch = []
        if batch:
            _baseline_write(batch, organisations, communes, sectors, through)
    return {"seconds": time.perf_counter() - started, "initiatives": Initiative.objects.count()}


def _baseline_write(batch, organisations, communes, sectors, through) -> None:
    from madina.initiatives.models import Initiative

    objects = [
        Initiative(
            external_id=row[0],
            lead_organisation_id=organisations.get(row[1]) or next(iter(organisations.values())),
            title=row[3],
            sector_id=sectors.get(row[4]) or next(iter(sectors.values())),
            start_date=row[8] or None,
            end_date=row[9] or None,
        )
        for row in batch
    ]
    Initiative.objects.bulk_create(objects)
    links = []
    for row, initiative in zip(batch, objects, strict=True):
        for name in row[5].split(";"):
            pk = communes.get(name.strip())
            if pk:
                links.append(through(initiative_id=initiative.pk, area_id=pk))
    through.objects.bulk_create(links, ignore_conflicts=True)


def _step_import(path: Path, user_id: int, reset: bool) -> dict:
    from django.core.files import File

    from madina.accounts.models import User
    from madina.interop.models import ImportJob
    from madina.interop.services import import_job_create, import_job_run

    if reset:
        _reset_initiatives()
    user = User.objects.get(pk=user_id)
    started = time.perf_counter()
    with open(path, "rb") as stream:
        upload = File(stream, name=path.name)
        upload.size = path.stat().st_size
        job = import_job_create(actor=user, upload=upload)
    job.status = ImportJob.Status.QUEUED
    job.save()
    import_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    return {
        "seconds": seconds,
        "status": job.status,
        "rows": job.total_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "issues": job.report.get("issues", [])[:3],
    }


def _child(arguments) -> None:
    _setup_django(arguments.database_url)
    if arguments.step == "prepare":
        result = _prepare(arguments.seed)
        directory = Path(arguments.file)
        csv_path, xlsx_path = _generate(arguments.rows, arguments.seed, directory)
        result.update(csv=str(csv_path), xlsx=str(xlsx_path))
    elif arguments.step == "baseline":
        result = _step_baseline(Path(arguments.file))
    else:
        user_id = int(os.environ["BENCH_USER"])
        result = _step_import(Path(arguments.file), user_id, reset=arguments.step != "reimport")
    result["peak_mb"] = _peak_mb()
    print("RESULT " + json.dumps(result, default=str))


def _peak_mb() -> float:
    """This process's peak resident memory in MB (VmHWM where /proc has it)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_child(step: str, arguments, file: str, env: dict | None = None) -> dict:
    command = [
        sys.executable,
        __file__,
        "--step",
        step,
        "--file",
        file,
        "--rows",
        str(arguments.rows),
        "--seed",
        str(arguments.seed),
        "--database-url",
        arguments.database_url,
    ]
    completed = subprocess.run(  # noqa: S603
        command,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    sys.stderr.write(completed.stdout[-3000:] + completed.stderr[-5000:])
    raise SystemExit(f"step {step} failed")


def main() -> int:
    arguments = _arguments()
    if arguments.step:
        _child(arguments)
        return 0
    directory = Path(tempfile.mkdtemp(prefix="madina-bench-import-"))
    if not arguments.database_url:
        arguments.database_url = f"sqlite:///{directory / 'bench.sqlite3'}"
    engine = "PostgreSQL" if arguments.database_url.startswith("postgres") else "SQLite"
    print(f"Import benchmark: {arguments.rows:,} rows, {engine}, scratch {directory}", flush=True)
    prepared = _run_child("prepare", arguments, str(directory))
    sizes = {kind: Path(prepared[kind]).stat().st_size / 1_048_576 for kind in ("csv", "xlsx")}
    print(f"generated: CSV {sizes['csv']:.1f} MB, XLSX {sizes['xlsx']:.1f} MB", flush=True)
    env = {"BENCH_USER": str(prepared["user"])}
    baseline = _run_child("baseline", arguments, prepared["csv"], env)
    print(
        f"baseline (csv.reader + bulk_create): {baseline['seconds']:.1f} s, "
        f"{baseline['peak_mb']:.0f} MB",
        flush=True,
    )
    steps = {}
    for name, step, kind in (
        ("import CSV", "import", "csv"),
        ("re-import CSV (no change)", "reimport", "csv"),
        ("import XLSX", "import", "xlsx"),
    ):
        result = _run_child(step, arguments, prepared[kind], env)
        steps[name] = (kind, result)
        goal = GOALS[kind] * arguments.rows / 100_000
        print(
            f"{name}: {result['seconds']:.1f} s (goal ≤ {goal:.1f} s at this size, "
            f"{GOALS[kind]:.0f} s per 100,000 rows), ratio to baseline "
            f"{result['seconds'] / baseline['seconds']:.1f}×, peak {result['peak_mb']:.0f} MB "
            f"(goal ≤ {GOALS['memory_mb']:.0f} MB); {result['status']}: "
            f"{result['created']} created, {result['updated']} updated, "
            f"{result['unchanged']} unchanged",
            flush=True,
        )
        if result["status"] != "done":
            print(f"  issues: {result['issues']}")
    _write_results(arguments, engine, sizes, baseline, steps)
    if not arguments.keep:
        import shutil

        shutil.rmtree(directory, ignore_errors=True)
    return 0


_TITLE = "# Import benchmark (interop)"
_INTRO = """Command: `.venv/bin/python bench/import/run.py [--rows N] [--database-url URL]` (default
2,000 rows on a scratch SQLite file; the issue's goals are for `--rows 100000`). Each run replaces
the section of the same database engine and size and keeps the others.

The baseline is `csv.reader` + exact-name dictionaries + `bulk_create` of the initiatives and
their communes in one transaction, measured in the same run: no validation, no spelling variants,
no search keys, target groups, partners or audit trail.
Peak memory is the `VmHWM` of the subprocess that ran the step (Django loaded)."""


def _write_results(arguments, engine, sizes, baseline, steps) -> None:
    key = f"<!-- run: {engine} {arguments.rows} -->"
    lines = [
        key,
        f"## {engine}, {arguments.rows:,} rows",
        "",
        f"Run {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {os.cpu_count()} "
        "CPU(s) shared with other work. "
        f"Files: CSV {sizes['csv']:.1f} MB, XLSX {sizes['xlsx']:.1f} MB (names under spelling "
        "variants, 1–3 communes of the Oriental region per row).",
        "",
        "| step | time (s) | goal per 100k rows | ratio to baseline | peak memory (MB, goal ≤ 500) "
        "| outcome |",
        "|---|---:|---:|---:|---:|---|",
        f"| baseline: csv.reader + bulk_create | {baseline['seconds']:.1f} | — | 1.0 | "
        f"{baseline['peak_mb']:.0f} | {baseline['initiatives']} initiatives |",
    ]
    for name, (kind, result) in steps.items():
        lines.append(
            f"| {name} | {result['seconds']:.1f} | ≤ {GOALS[kind]:.0f} s | "
            f"{result['seconds'] / baseline['seconds']:.1f} | {result['peak_mb']:.0f} | "
            f"{result['status']}: {result['created']} created, {result['updated']} updated, "
            f"{result['unchanged']} unchanged |"
        )
    section = "\n".join(lines) + "\n"
    sections: dict[str, str] = {}
    notes = ""
    if RESULTS.exists():
        text = RESULTS.read_text(encoding="utf-8")
        body, _sep, notes = text.partition("<!-- notes -->")
        for block in body.split("<!-- run: ")[1:]:
            sections["<!-- run: " + block.split("\n", 1)[0]] = "<!-- run: " + block.rstrip() + "\n"
    sections[key] = section
    output = [_TITLE, "", _INTRO, "", *(sections[k] for k in sorted(sections))]
    if notes:
        output += ["<!-- notes -->" + notes.rstrip(), ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(output), encoding="utf-8")
    print(f"results written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
