"""The load test's data set on PostgreSQL, at the size of issue 8.

    .venv/bin/python bench/load/generate.py [--database-url URL] [--scale F]

Default database: postgres://postgres@127.0.0.1:5432/madina_load (created when missing, then
migrated and loaded with ``madina_setup``'s reference data). At scale 1: 100,000 initiatives,
1,000,000 reach rows, 50,000 cases, 5,000 directory services, 5,000 referrals, and the people
of the load test (``*@load.invalid``). ``--scale 0.05`` gives a small set for quick checks.

Each stage checks what is already there and writes only what is missing, so a run stopped
midway resumes, and a second run on a full database only checks the counts. Stages:

1. reach: the gap benchmark's generator (``bench/gap/run.py``, imported, not copied) writes the
   initiatives that report reach and their 1,000,000 monthly reports by COPY, then the roll-up
   of reach is rebuilt as ``manage.py rebuild_reach_rollup`` would;
2. registry: initiatives without reports (planned, just started) up to 100,000, with their
   communes and target groups by COPY, and every initiative's search key;
3. services: the directory's services in bulk (search key, communes served), a few of them
   referral-receiving specialised cells;
4. people: coordinators, members of the organisations, and, in ten organisations that run
   cases, case workers and a case supervisor each, with a confirmed TOTP device (the second
   factor the cases app requires; the load test's sessions are marked verified with it);
5. cases: a handful opened through the real services (``case_open``, ``consent_record``,
   ``referral_create``, ``referral_send``), the mass in bulk with the same shape: person,
   encrypted identity, case, assigned worker, consents;
6. referrals: sent referrals with their packet built by the service's ``build_packet``.

The generator and the server must share ``MADINA_CASE_KEYS`` (run.py passes the same one).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/madina_load"
SIZES = {
    "reach_rows": 1_000_000,
    "initiatives": 100_000,
    "services": 5_000,
    "cases": 50_000,
    "referrals": 5_000,
}
CASE_ORGANISATIONS = 10
WORKERS_PER_ORGANISATION = 2
COORDINATORS = 20
MEMBERS = 40
# Fixed bench secrets: the load test's data is fake, and the server must decrypt what this wrote.
BENCH_ENV = {
    "SECRET_KEY": "load-test-secret-key-not-for-production-0123456789abcdefghij",
    "MADINA_CASE_KEYS": "bG9hZC10ZXN0LWNhc2Uta2V5LW5vdC1mb3ItcHJvZC0=",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SETTINGS_MODULE": "bench.load.settings",
    "REDIS_URL": "redis://127.0.0.1:6379/5",
    "MADINA_VAR_DIR": str(ROOT / "var" / "load"),
    "LOG_LEVEL": "WARNING",
}
TOTP_KEY = "3132333435363738393031323334353637383930"  # hex, the RFC 6238 test key
WORDS_FR = [
    "appui",
    "accompagnement",
    "femmes",
    "jeunes",
    "migrants",
    "insertion",
    "formation",
    "santé",
    "éducation",
    "protection",
    "enfance",
    "juridique",
    "psychosocial",
    "hébergement",
    "alphabétisation",
    "emploi",
    "sensibilisation",
    "accueil",
    "orientation",
    "médiation",
]
WORDS_AR = ["دعم", "مواكبة", "النساء", "الشباب", "المهاجرين", "إدماج", "تكوين", "الصحة", "حماية"]


def bench_env(url: str) -> dict[str, str]:
    return {**BENCH_ENV, "DATABASE_URL": url}


def _gap():
    """The gap benchmark's generator, imported from its file (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "bench_gap_run", ROOT / "bench" / "gap" / "run.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Clock:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    def stage(self, name: str, since: float, note: str = "") -> None:
        now = time.perf_counter()
        print(f"  {name}: {now - since:6.1f} s  {note}", flush=True)


def setup(url: str) -> None:
    _gap().create_database(url)
    os.environ.update(bench_env(url))
    (ROOT / "var" / "load").mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _sizes(scale: float) -> dict[str, int]:
    return {key: max(10, int(value * scale)) for key, value in SIZES.items()}


# --- Stages ---------------------------------------------------------------------------------------


def stage_schema() -> None:
    from django.core.management import call_command

    from madina.actors.models import Sector

    call_command("migrate", verbosity=0)
    if not _has_communes() or not Sector.objects.exclude(code__startswith="BENCH-").exists():
        call_command("madina_setup", verbosity=0)


def _has_communes() -> bool:
    from madina.territory.models import Area

    return Area.objects.filter(level=Area.Level.COMMUNE).exclude(code__startswith="BENCH").exists()


def stage_reach(rows: int) -> bool:
    """The gap benchmark's registry with its reach rows; True when (re)written."""
    from madina.initiatives.models import ReachReport, TargetGroup

    gap = _gap()
    # At least: the load test's members add reports, which must not make the data look stale.
    if (
        TargetGroup.objects.filter(code=gap.GROUP_CODE.format(number=0)).exists()
        and ReachReport.objects.count() >= rows
    ):
        return False
    gap._generate(rows, seed=3)
    print(f"  roll-up rebuilt in {gap._rebuild_ms() / 1000:.1f} s", flush=True)
    return True


def _bench_refs():
    from madina.actors.models import Organisation, Sector
    from madina.initiatives.models import TargetGroup
    from madina.territory.models import Area

    communes = list(Area.objects.filter(code__startswith="BENCH.", level=Area.Level.COMMUNE))
    sectors = list(Sector.objects.filter(code__startswith="BENCH-"))
    organisations = list(Organisation.objects.filter(name_fr__startswith="Bench ").order_by("pk"))
    groups = list(TargetGroup.objects.filter(code__startswith="bench-v2-"))
    return communes, sectors, organisations, groups


def _title(rng: random.Random, number: int) -> tuple[str, str]:
    if rng.random() < 0.3:
        return " ".join(rng.sample(WORDS_AR, 3)) + f" {number}", "ar"
    return (" ".join(rng.sample(WORDS_FR, 4)) + f" {number}").capitalize(), "fr"


def stage_registry(total: int, seed: int) -> int:
    """Initiatives without reach reports up to ``total``, then every missing search key."""
    from django.db import connection, transaction

    from madina.core.text import search_text
    from madina.initiatives.models import Initiative

    rng = random.Random(seed + 1)
    communes, sectors, organisations, groups = _bench_refs()
    missing = total - Initiative.objects.count()
    written = 0
    today = datetime.datetime.now(tz=datetime.UTC).date()
    while written < missing:
        batch = []
        for _number in range(min(5_000, missing - written)):
            title, language = _title(rng, written + _number)
            start = today + datetime.timedelta(days=rng.randint(-400, 200))
            status = rng.choice(
                [Initiative.Status.PLANNED, Initiative.Status.ONGOING, Initiative.Status.PLANNED]
            )
            batch.append(
                Initiative(
                    title=title,
                    description=" ".join(rng.choices(WORDS_FR, k=25)),
                    language=language,
                    lead_organisation=rng.choice(organisations),
                    sector=rng.choice(sectors),
                    status=status,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=rng.randint(60, 900)),
                    visibility=(
                        Initiative.Visibility.PARTNERS
                        if rng.random() < 0.15
                        else Initiative.Visibility.SHARED
                    ),
                    search_text=search_text([title]),
                )
            )
        with transaction.atomic():
            created = Initiative.objects.bulk_create(batch)
            with connection.cursor() as wrapper:
                with wrapper.cursor.copy(
                    "COPY initiatives_initiative_communes (initiative_id, area_id) FROM STDIN"
                ) as copy:
                    for initiative in created:
                        for place in rng.sample(communes, rng.choice((1, 1, 2, 3))):
                            copy.write_row((initiative.pk, place.pk))
                with wrapper.cursor.copy(
                    "COPY initiatives_initiative_target_groups (initiative_id, targetgroup_id) "
                    "FROM STDIN"
                ) as copy:
                    for initiative in created:
                        for group in rng.sample(groups, rng.randint(1, 3)):
                            copy.write_row((initiative.pk, group.pk))
        written += len(batch)
        print(f"  {written:,} / {missing:,} initiatives", end="\r", flush=True)
    # The gap generator's initiatives have no search key (COPY bypasses save()).
    keyless = list(Initiative.objects.filter(search_text="").values_list("pk", "title"))
    if keyless:
        with transaction.atomic(), connection.cursor() as wrapper:
            wrapper.execute("CREATE TEMP TABLE load_keys (id bigint, key text) ON COMMIT DROP")
            with wrapper.cursor.copy("COPY load_keys (id, key) FROM STDIN") as copy:
                for pk, title in keyless:
                    copy.write_row((pk, search_text([title])))
            wrapper.execute(
                "UPDATE initiatives_initiative i SET search_text = k.key FROM load_keys k "
                "WHERE i.id = k.id"
            )
    if written or keyless:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE initiatives_initiative")
            cursor.execute("VACUUM ANALYZE initiatives_initiative_communes")
            cursor.execute("VACUUM ANALYZE initiatives_initiative_target_groups")
    return written


SERVICE_TYPES = [
    "medical",
    "psychosocial",
    "legal",
    "shelter",
    "education",
    "livelihood",
    "documentation",
    "other",
]


def stage_services(total: int, seed: int) -> int:
    from django.db import transaction

    from madina.directory.models import Service
    from madina.territory.models import Area

    existing = Service.objects.filter(name_fr__startswith="Service de charge").count()
    if existing >= total:
        return 0
    rng = random.Random(seed + 2)
    _communes, sectors, organisations, _groups = _bench_refs()
    # The portal's finder filters by the real communes: serve those.
    real = list(
        Area.objects.filter(level=Area.Level.COMMUNE)
        .exclude(code__startswith="BENCH")
        .exclude(latitude__isnull=True)
    )
    written = 0
    with transaction.atomic():
        batch = []
        for number in range(existing, total):
            organisation = rng.choice(organisations)
            kind = rng.choice(SERVICE_TYPES)
            cell = number % 250 == 0
            commune = rng.choice(real)
            service = Service(
                organisation=organisation,
                name_fr=f"Service de charge {number} — {rng.choice(WORDS_FR)}",
                name_ar=f"خدمة {number} {rng.choice(WORDS_AR)}",
                description_fr=" ".join(rng.choices(WORDS_FR, k=30)),
                type="medical" if cell else kind,
                sector=rng.choice(sectors),
                eligibility="Femmes et enfants",
                cost=rng.choice(["free", "free", "paid", "sliding"]),
                languages=" ".join(rng.sample(["ar", "ary", "fr", "tzm", "en"], rng.randint(1, 3))),
                opening_hours="Lun–Ven 9h–17h",
                address=f"{number} rue de la Paix",
                commune=commune,
                latitude=commune.latitude,
                longitude=commune.longitude,
                without_papers=rng.choice(["yes", "no", "not_said"]),
                accepts_referrals=cell or rng.random() < 0.2,
                is_specialised_cell=cell,
                cell_kind="hospital" if cell else "",
            )
            service.organisation = organisation
            service.refresh_search_text()
            batch.append((service, rng.sample(real, rng.randint(1, 4))))
        created = Service.objects.bulk_create([s for s, _c in batch], batch_size=1000)
        through = Service.communes_served.through
        through.objects.bulk_create(
            [
                through(service_id=service.pk, area_id=area.pk)
                for service, (_s, areas) in zip(created, batch, strict=True)
                for area in areas
            ],
            batch_size=5000,
        )
        written = len(created)
    return written


def stage_people() -> dict[str, list]:
    """The load test's users; idempotent (get_or_create), re-run after the reach stage."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from madina.accounts.models import Membership, User

    _communes, _sectors, organisations, _groups = _bench_refs()
    password = make_password("Load-Test-Password-0")

    def user(email, **fields):
        account, created = User.objects.get_or_create(
            email=email, defaults={"full_name": email.split("@")[0], **fields}
        )
        if created:
            account.password = password
            account.save(update_fields=["password"])
        return account

    def member(account, organisation, role=Membership.Role.MEMBER, case_role=""):
        Membership.objects.get_or_create(
            user=account,
            organisation=organisation,
            defaults={"role": role, "case_role": case_role},
        )

    people: dict[str, list] = {"coordinator": [], "member": [], "worker": [], "supervisor": []}
    for number in range(COORDINATORS):
        people["coordinator"].append(
            user(
                f"coordinator{number}@load.invalid",
                platform_role=User.PlatformRole.COORDINATOR,
            )
        )
    for number in range(MEMBERS):
        account = user(f"member{number}@load.invalid")
        member(account, organisations[CASE_ORGANISATIONS + number % 50])
        people["member"].append(account)
    for index in range(CASE_ORGANISATIONS):
        organisation = organisations[index]
        roles = [("worker", Membership.CaseRole.CASE_WORKER)] * WORKERS_PER_ORGANISATION + [
            ("supervisor", Membership.CaseRole.CASE_SUPERVISOR)
        ]
        for number, (kind, case_role) in enumerate(roles):
            account = user(f"{kind}{index}-{number}@load.invalid")
            member(account, organisation, case_role=case_role)
            TOTPDevice.objects.get_or_create(
                user=account, name="load", defaults={"key": TOTP_KEY, "confirmed": True}
            )
            people[kind].append(account)
    return people


def _verified(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user.otp_device = TOTPDevice.objects.get(user=user, name="load")
    user.is_verified = lambda: True
    return user


def _cells():
    from madina.directory.models import Service

    return list(
        Service.objects.filter(
            name_fr__startswith="Service de charge", is_specialised_cell=True, is_active=True
        ).order_by("pk")
    )


def _through_services(people, seed: int) -> int:
    """A few cases through the real services, to check that the bulk rows have their shape."""
    from madina.cases import services
    from madina.cases.models import Case, Consent
    from madina.cases.profiles import PROFILES, profiles_for

    if Case.objects.filter(organisation__name_fr__startswith="Bench ").exists():
        return 0
    rng = random.Random(seed + 3)
    cell = _cells()[0]
    profile = profiles_for(cell)[0]
    count = 0
    for worker in people["worker"]:
        actor = _verified(worker)
        organisation = worker.memberships.get().organisation
        case = services.case_open(
            actor=actor,
            organisation=organisation,
            sex=rng.choice(["female", "male"]),
            identity={
                "given_name": "Amina",
                "family_name": f"Test {count}",
                "phone": "+212612345678",
                "birth_date": "1996-03-02",
                "nationality": "SN",
            },
        )
        today = datetime.datetime.now(tz=datetime.UTC).date()
        services.consent_record(
            actor=actor, case=case, purpose="services", given_by="person", given_on=today
        )
        services.consent_record(
            actor=actor,
            case=case,
            purpose=Consent.Purpose.REFERRAL,
            recipient_kind=PROFILES[profile.code].recipient_kind,
            given_by="person",
            given_on=today,
        )
        referral = services.referral_create(
            actor=actor, case=case, service=cell, profile=profile.code, message="Bonjour"
        )
        services.referral_send(actor=actor, referral=referral)
        count += 1
    return count


GIVEN = ["Aminata", "Fatou", "Mariam", "Awa", "Grace", "Blessing", "Aïcha", "Khadija", "Joy"]
FAMILY = ["Diallo", "Traoré", "Koné", "Camara", "Okafor", "Mensah", "Sow", "Bah", "Ndiaye"]


def stage_cases(total: int, people, seed: int) -> int:
    from django.db import transaction

    from madina.cases.models import Case, Consent, Person, PersonIdentity, new_case_code

    through_services = _through_services(people, seed)
    existing = Case.objects.filter(organisation__name_fr__startswith="Bench ").count()
    missing = total - existing
    if missing <= 0:
        return through_services
    rng = random.Random(seed + 4 + existing)
    workers_by_org: dict[int, list] = {}
    for worker in people["worker"]:
        workers_by_org.setdefault(worker.memberships.get().organisation_id, []).append(worker)
    organisation_ids = sorted(workers_by_org)
    codes = set(Case.objects.values_list("code", flat=True))
    stages = [
        Case.Stage.INTAKE,
        Case.Stage.ASSESSMENT,
        Case.Stage.SERVICES,
        Case.Stage.SERVICES,
        Case.Stage.CLOSED,
        Case.Stage.CASE_PLAN,
    ]
    today = datetime.datetime.now(tz=datetime.UTC).date()
    written = 0
    while written < missing:
        size = min(5_000, missing - written)
        with transaction.atomic():
            plans = []
            for _number in range(size):
                organisation_id = rng.choice(organisation_ids)
                birth = today - datetime.timedelta(days=rng.randint(12 * 365, 45 * 365))
                plans.append((organisation_id, birth))
            persons = Person.objects.bulk_create(
                [
                    Person(
                        organisation_id=organisation_id,
                        sex=rng.choice(["female", "female", "male"]),
                        age_band=rng.choice(["18_24", "25_59", "12_17"]),
                    )
                    for organisation_id, _birth in plans
                ]
            )
            PersonIdentity.objects.bulk_create(
                [
                    PersonIdentity(
                        person=person,
                        data={
                            "given_name": rng.choice(GIVEN),
                            "family_name": rng.choice(FAMILY),
                            "phone": f"+2126{rng.randint(10_000_000, 99_999_999)}",
                            "birth_date": birth.isoformat(),
                            "nationality": rng.choice(["SN", "CI", "NG", "GN", "ML", "CM"]),
                        },
                    )
                    for person, (_org, birth) in zip(persons, plans, strict=True)
                ]
            )
            cases = []
            for person in persons:
                code = new_case_code()
                while code in codes:
                    code = new_case_code()
                codes.add(code)
                stage = rng.choice(stages)
                opened = today - datetime.timedelta(days=rng.randint(0, 3 * 365))
                cases.append(
                    Case(
                        code=code,
                        organisation_id=person.organisation_id,
                        person=person,
                        stage=stage,
                        opened_on=opened,
                        closed_at=(
                            datetime.datetime.combine(
                                opened, datetime.time(12), tzinfo=datetime.UTC
                            )
                            if stage == Case.Stage.CLOSED
                            else None
                        ),
                        risk=rng.choice(["low", "medium", "high"]),
                        needs=rng.sample(["health", "psychosocial", "legal", "shelter"], 2),
                        contact_channel="phone",
                        contact_notes="Appeler après 18h",
                    )
                )
            cases = Case.objects.bulk_create(cases)
            Case.workers.through.objects.bulk_create(
                [
                    Case.workers.through(
                        case_id=case.pk,
                        user_id=rng.choice(workers_by_org[case.organisation_id]).pk,
                    )
                    for case in cases
                ]
            )
            Consent.objects.bulk_create(
                [
                    Consent(
                        case=case,
                        purpose=Consent.Purpose.SERVICES,
                        given_by="person",
                        given_on=case.opened_on,
                    )
                    for case in cases
                ]
            )
        written += size
        print(f"  {written:,} / {missing:,} cases", end="\r", flush=True)
    return written + through_services


def stage_referrals(total: int, people, seed: int) -> int:
    from django.db import transaction
    from django.utils import timezone

    from madina.cases.models import Case, Consent, Referral
    from madina.cases.profiles import PROFILES, profiles_for
    from madina.cases.services import build_packet

    existing = Referral.objects.filter(case__organisation__name_fr__startswith="Bench ").count()
    missing = total - existing
    if missing <= 0:
        return 0
    rng = random.Random(seed + 5 + existing)
    cells = _cells()
    worker_ids = {w.pk for w in people["worker"]}
    open_cases = list(
        Case.objects.open()
        .filter(organisation__name_fr__startswith="Bench ", referrals__isnull=True)
        .select_related("person__identity")
        .prefetch_related("workers")
        .order_by("?")[:missing]
    )
    now = timezone.now()
    with transaction.atomic():
        consents, referrals = [], []
        for case in open_cases:
            cell = rng.choice(cells)
            profile = profiles_for(cell)[0]
            consent = Consent(
                case=case,
                purpose=Consent.Purpose.REFERRAL,
                recipient_kind=PROFILES[profile.code].recipient_kind,
                given_by="person",
                given_on=case.opened_on,
            )
            consents.append(consent)
            sender = next((w for w in case.workers.all() if w.pk in worker_ids), None)
            referral = Referral(
                case=case,
                service=cell,
                profile=profile.code,
                state=Referral.State.SENT,
                message="Merci de recevoir",
                created_by=sender,
                sent_by=sender,
                sent_at=now,
                is_urgent=rng.random() < 0.1,
            )
            referral.packet = build_packet(referral, PROFILES[profile.code].sections)
            referrals.append(referral)
        Consent.objects.bulk_create(consents)
        for referral, consent in zip(referrals, consents, strict=True):
            referral.consent = consent
        Referral.objects.bulk_create(referrals, batch_size=1000)
    return len(referrals)


def generate(url: str, scale: float = 1.0, seed: int = 8) -> dict[str, int]:
    """Every stage, timed; returns the sizes found at the end."""
    from django.db import connection

    sizes = _sizes(scale)
    started = time.perf_counter()
    clock = Clock()
    print(f"data set in {url.rsplit('/', 1)[1]}: {sizes}", flush=True)
    since = time.perf_counter()
    stage_schema()
    clock.stage("schema and reference data", since)
    since = time.perf_counter()
    rewritten = stage_reach(sizes["reach_rows"])
    clock.stage("reach (gap generator)", since, "written" if rewritten else "reused")
    since = time.perf_counter()
    count = stage_registry(sizes["initiatives"], seed)
    clock.stage("registry", since, f"{count:,} initiatives written")
    since = time.perf_counter()
    count = stage_services(sizes["services"], seed)
    clock.stage("services", since, f"{count:,} written")
    since = time.perf_counter()
    people = stage_people()
    clock.stage("people", since, ", ".join(f"{len(v)} {k}s" for k, v in people.items()))
    since = time.perf_counter()
    count = stage_cases(sizes["cases"], people, seed)
    clock.stage("cases", since, f"{count:,} written")
    since = time.perf_counter()
    count = stage_referrals(sizes["referrals"], people, seed)
    clock.stage("referrals", since, f"{count:,} written")
    since = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    clock.stage("analyze", since)
    found = counts()
    print(f"  total: {time.perf_counter() - started:.1f} s; {found}", flush=True)
    return found


def counts() -> dict[str, int]:
    from madina.cases.models import Case, Referral
    from madina.directory.models import Service
    from madina.initiatives.models import Initiative, ReachReport

    return {
        "initiatives": Initiative.objects.count(),
        "reach_rows": ReachReport.objects.count(),
        "cases": Case.objects.count(),
        "services": Service.objects.count(),
        "referrals": Referral.objects.count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the issue's size")
    parser.add_argument("--seed", type=int, default=8)
    arguments = parser.parse_args()
    if "127.0.0.1" not in arguments.database_url and "localhost" not in arguments.database_url:
        parser.error("the load test's database must be on this machine (127.0.0.1)")
    setup(arguments.database_url)
    generate(arguments.database_url, arguments.scale, arguments.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
