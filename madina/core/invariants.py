"""Invariants over the data: no half-written record, no dangling reference, no stale roll-up.

Each check returns the ids of the records that break it (never their content: a case's person
or a referral's packet is sensitive). ``check_all`` runs them all; ``manage.py
madina_check_invariants`` prints the result and exits non-zero when anything is wrong, so that
a fault run (``bench/faults/``), a restore or a migration can be followed by it.

Foreign keys: PostgreSQL enforces them; SQLite enforces them only while ``PRAGMA foreign_keys``
is on, so there ``PRAGMA foreign_key_check`` lists what slipped through. The domain checks below
repeat the references that matter most, so that they read the same on both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

# At most this many ids are listed per check; the count says how many there were.
MAX_IDS = 20


@dataclass
class Result:
    name: str
    description: str
    ids: list = field(default_factory=list)
    count: int = 0
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return self.count == 0


_CHECKS: list[tuple[str, str, Callable[[], list]]] = []


def invariant(name: str, description: str):
    def register(function):
        _CHECKS.append((name, description, function))
        return function

    return register


class Skipped(Exception):
    """The check does not apply here (said why)."""


def _dangling(model, column: str, target) -> list:
    """Rows of ``model`` whose ``column`` names no row of ``target``."""
    return list(
        model.objects.exclude(**{f"{column}__in": target.objects.values("pk")})
        .exclude(**{f"{column}__isnull": True})
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@invariant("foreign_keys", "every foreign key names an existing row")
def _foreign_keys() -> list:
    if connection.vendor != "sqlite":
        raise Skipped("enforced by the database")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_key_check")
        return [f"{table}:{rowid}->{parent}" for table, rowid, parent, _index in cursor.fetchall()]


@invariant("initiative_lead", "every initiative has its lead organisation")
def _initiative_lead() -> list:
    from madina.actors.models import Organisation
    from madina.initiatives.models import Initiative

    return _dangling(Initiative, "lead_organisation_id", Organisation)


@invariant("initiative_partners", "every partner row names an existing initiative and organisation")
def _initiative_partners() -> list:
    from madina.actors.models import Organisation
    from madina.initiatives.models import Initiative, InitiativePartner

    return sorted(
        set(_dangling(InitiativePartner, "organisation_id", Organisation))
        | set(_dangling(InitiativePartner, "initiative_id", Initiative))
    )


@invariant("reach_report_period", "every reach report has its initiative and its month")
def _reach_report_period() -> list:
    from madina.initiatives.models import Initiative, ReachReport, ReportingPeriod

    return sorted(
        set(_dangling(ReachReport, "period_id", ReportingPeriod))
        | set(_dangling(ReachReport, "initiative_id", Initiative))
    )


@invariant("case_person", "every case has its person, every person a case")
def _case_person() -> list:
    from madina.cases.models import Case, Person

    orphans = Person.objects.exclude(pk__in=Case.objects.values("person_id"))
    return sorted(
        [f"case:{pk}" for pk in _dangling(Case, "person_id", Person)]
        + [f"person:{pk}" for pk in orphans.values_list("pk", flat=True)]
    )


@invariant("person_identity", "every person not yet anonymised has an encrypted identity")
def _person_identity() -> list:
    from madina.cases.models import Person, PersonIdentity

    return list(
        Person.objects.filter(anonymised_at__isnull=True)
        .exclude(pk__in=PersonIdentity.objects.values("person_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@invariant("referral_packet", "every referral sent has its frozen packet")
def _referral_packet() -> list:
    from madina.cases.models import Referral

    table = connection.ops.quote_name(Referral._meta.db_table)
    with connection.cursor() as cursor:
        # The column holds a token: an empty one was never written.
        cursor.execute(f"SELECT id FROM {table} WHERE packet IS NULL OR packet = ''")  # noqa: S608
        broken = {row[0] for row in cursor.fetchall()}
    sent = Referral.objects.exclude(state=Referral.State.DRAFT).exclude(pk__in=broken)
    broken |= {pk for pk, packet in sent.values_list("pk", "packet") if not packet}
    return sorted(broken)


@invariant("import_jobs", "no import left running without a worker")
def _import_jobs() -> list:
    from madina.interop.models import ImportJob
    from madina.interop.services import _stale_before

    return list(
        ImportJob.objects.filter(
            status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.WRITING],
            updated_at__lt=_stale_before(),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@invariant("recommendation_meeting", "every recommendation has its meeting")
def _recommendation_meeting() -> list:
    from madina.meetings.models import Meeting, Recommendation

    return _dangling(Recommendation, "meeting_id", Meeting)


class _Rollback(Exception):
    pass


def _rows(model, columns: list[str]) -> Counter:
    return Counter(model.objects.order_by().values_list(*columns))


@invariant("reach_rollup", "the gap matrix's roll-up equals its recomputation")
def _reach_rollup() -> list:
    from madina.initiatives import rollup
    from madina.initiatives.models import (
        ReachRollup,
        ReachRollupChange,
        ReachRollupReport,
        ReachRollupState,
    )

    state = ReachRollupState.objects.first()
    if state is None or not state.ready:
        raise Skipped("the roll-up has not been built")
    cell = ["commune_id", "period_id", "month", "sector_id", "status", "shared", "target_group_id"]
    loose = ["initiative_id", "commune_id", "period_id", "people"]
    differences: list = []
    try:
        with transaction.atomic():
            rollup._lock()  # refreshes wait; the recomputation is rolled back below
            if ReachRollupChange.objects.exists():
                raise Skipped("changes are waiting for the next refresh")
            stored = (_rows(ReachRollup, [*cell, "people"]), _rows(ReachRollupReport, loose))
            rollup._recompute(None)
            fresh = (_rows(ReachRollup, [*cell, "people"]), _rows(ReachRollupReport, loose))
            for kind, before, after in zip(("cell", "report"), stored, fresh, strict=True):
                differences += [
                    f"{kind}:{key}" for key in sorted((before - after) + (after - before))
                ]
            raise _Rollback
    except _Rollback:
        pass
    return differences


def check_all(names: list[str] | None = None) -> list[Result]:
    results = []
    for name, description, function in _CHECKS:
        if names and name not in names:
            continue
        result = Result(name, description)
        try:
            ids = function()
        except Skipped as reason:
            result.skipped = str(reason)
        else:
            result.count = len(ids)
            result.ids = [str(pk) for pk in ids[:MAX_IDS]]
        results.append(result)
    return results


def check_names() -> list[str]:
    return [name for name, _description, _function in _CHECKS]
