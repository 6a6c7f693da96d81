"""Writing many new initiatives at once: the bulk path of the 3W import.

Above ``services.SERVICE_WRITE_LIMIT`` new initiatives in one file, the import does not call
``initiative_create`` row by row. Every row has already passed the service's checks (in
``services.RowChecker``, with the same rules); here the initiatives, their communes, target
groups and partners, and one audit event per initiative carrying the snapshot the service would
record, are written without a model instance per row: multi-row INSERTs, or COPY on PostgreSQL.
Everything happens inside the caller's transaction, so a failure anywhere leaves nothing behind.

Per row, only what differs between rows is worked out: the values every row shares (defaults,
the creation time, the author) are converted for the database once per run, and the search key
of each title is built from words normalised once per run (``SearchText``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from madina.core.models import AuditEvent
from madina.core.text import normalise, skeleton
from madina.initiatives.models import Initiative, InitiativePartner

if TYPE_CHECKING:
    from madina.interop.services import CleanRow

BATCH = 2000
# Left out of the audit snapshot, as ``madina.core.audit.snapshot`` leaves them out.
_NOT_AUDITED = {"created_at", "updated_at", "search_text"}


class SearchText:
    """``madina.core.text.search_text`` with every word normalised once per import.

    ``normalise`` and ``skeleton`` work word by word (each step maps characters, or collapses
    separators into one space), so the folded form of a title is the folded forms of its words
    joined by spaces, and likewise for its skeleton; a file repeats its words far more than its
    titles. A property test (``tests/test_import_bulk.py``) checks it against ``search_text``.
    """

    def __init__(self) -> None:
        self._words: dict[str, tuple[str, str]] = {}

    def _word(self, word: str) -> tuple[str, str]:
        forms = self._words.get(word)
        if forms is None:
            # A word of ASCII letters and digits only is its own folded form, in lower case.
            folded = word.lower() if word.isascii() and word.isalnum() else normalise(word)
            forms = self._words[word] = (folded, skeleton(folded))
        return forms

    def __call__(self, texts: Iterable[str | None]) -> str:
        parts: list[str] = []
        for text in texts:
            if not text:
                continue
            folded, bones = [], []
            for word in text.split():
                word_folded, word_bones = self._word(word)
                if word_folded:
                    folded.append(word_folded)
                if word_bones:
                    bones.append(word_bones)
            parts.append(" ".join(folded))
            parts.append(" ".join(bones))
        return " | ".join(dict.fromkeys(part for part in parts if part))


def _insert(connection, model, columns: list[str], rows: Iterable[tuple]) -> None:
    """Rows written as they come: COPY on PostgreSQL, multi-row INSERT statements elsewhere (at
    most 30,000 parameters each, as SQLite allows 32,766)."""
    if isinstance(rows, list) and not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    if connection.vendor == "postgresql":
        # COPY runs in the transaction of the connection like any statement: a rollback undoes it.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    size = max(1, min(1000, 30_000 // len(columns)))
    rows = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(rows, size)):
            values = ", ".join([one] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values}",  # noqa: S608 - quoted names
                [value for row in chunk for value in row],
            )


def _reserve_ids(connection, count: int) -> list[int]:
    """Primary keys for ``count`` new initiatives, safe against concurrent writers.

    PostgreSQL hands them out from the table's sequence. SQLite runs the import's transaction
    with ``BEGIN IMMEDIATE`` (settings), so no one else writes until it commits: the next ids
    after the largest one are free.
    """
    table = Initiative._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:  # pragma: no cover - callers hold a transaction
            raise RuntimeError("ids can only be reserved inside a transaction")
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")  # noqa: S608 - quoted name
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def _audit_value(value: Any) -> Any:
    """As ``madina.core.audit`` records a field's value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class _InitiativeRows:
    """How a checked row becomes a row of the initiatives table and its audit snapshot.

    ``keys`` are the fields the sheet gives (the same for every checked row). The other columns
    take the value the service would give them, converted for the database once.
    """

    def __init__(self, connection, *, keys: Iterable[str], actor_id: int | None, now) -> None:
        keys = set(keys)
        self.columns = ["id"]
        self.template: list[Any] = [None]
        self.audit_template: dict[str, Any] = {}
        # (position in the row, attname, name, conversion for the database or None)
        self.given: list[tuple[int, str, str, Any]] = []
        self.search_position = 0
        converted = (models.DateField, models.DecimalField, models.JSONField)
        for field in Initiative._meta.concrete_fields:
            if field.primary_key:
                continue
            position = len(self.columns)
            self.columns.append(field.column)
            if field.name == "search_text":
                self.search_position = position
                self.template.append("")
                continue
            if field.attname in keys:
                convert = (
                    partial(field.get_db_prep_save, connection=connection)
                    if isinstance(field, converted)
                    else None
                )
                self.given.append((position, field.attname, field.name, convert))
                self.template.append(None)
                continue
            if field.name in {"created_at", "updated_at"}:
                value = now
            elif field.attname == "created_by_id":
                value = actor_id
            elif field.has_default():
                value = field.get_default()
            elif not field.null and isinstance(field, models.CharField | models.TextField):
                value = ""
            else:
                value = None
            self.template.append(field.get_db_prep_save(value, connection))
            if field.name not in _NOT_AUDITED:
                self.audit_template[field.name] = _audit_value(value)

    @staticmethod
    def _service_value(field_name: str, value: Any) -> Any:
        """What ``initiative_create`` stores for a blank value of a field that is not nullable."""
        if value is None and field_name in {"description", "language", "currency"}:
            value = ""
        if field_name == "status" and not value:
            return Initiative.Status.PLANNED.value
        if field_name == "currency" and not value:
            return "MAD"
        return value

    def row(self, pk: int, values: dict[str, Any], search_text: str):
        """The table row (a tuple) and the audit snapshot (a dict) of one new initiative."""
        record = self.template.copy()
        record[0] = pk
        record[self.search_position] = search_text
        after = self.audit_template.copy()
        for position, attname, name, convert in self.given:
            value = self._service_value(name, values[attname])
            after[name] = _audit_value(value)
            record[position] = value if convert is None or value is None else convert(value)
        return tuple(record), after


_EVENT_COLUMNS = [
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "organisation_id",
    "changes",
]


class _Batch:
    """Up to ``BATCH`` new initiatives: their table rows, streamed, and what goes with them."""

    def __init__(self, plan: _InitiativeRows, search_text: SearchText, event, ids, rows):
        self.plan, self.search_text, self.event = plan, search_text, event
        self.ids, self.rows = ids, rows
        self.communes: list[tuple] = []
        self.groups: list[tuple] = []
        self.partners: list[tuple] = []
        self.events: list[tuple] = []

    def initiatives(self):
        """The rows of the initiatives table, one by one; links and audit events on the way."""
        for pk, clean in zip(self.ids, self.rows, strict=True):
            values = clean.values
            record, after = self.plan.row(
                pk, values, self.search_text([values["title"], values.get("description")])
            )
            self.communes += [(pk, area) for area in clean.communes]
            self.groups += [(pk, group) for group in clean.target_groups or ()]
            for role, organisations in clean.partners.items():
                self.partners += [(pk, organisation, role) for organisation in organisations]
            after["communes"] = sorted(str(area) for area in clean.communes)
            after["target_groups"] = sorted(str(group) for group in clean.target_groups or ())
            after["partnerships"] = sorted(
                f"{organisation}:{role}"
                for role, organisations in clean.partners.items()
                for organisation in organisations
            )
            # ``madina.core.audit.diff`` from nothing: the values that are not None, keys sorted.
            changes = {key: [None, after[key]] for key in sorted(after) if after[key] is not None}
            self.events.append(
                self.event(str(pk), values["title"][:255], values["lead_organisation_id"], changes)
            )
            yield record


def initiatives_insert(*, actor, rows: list[CleanRow]) -> None:
    """Write new initiatives, checked before, with one audit event each (see the module).

    The writes bypass the ORM's signals, so the gap roll-up (``initiatives.rollup``) does not
    hear of them, and needs not: new initiatives have no reach reports yet. Updates of existing
    initiatives go through ``initiative_update``, whose signals it follows.
    """
    if not rows:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # pragma: no cover - the import holds a transaction
        raise RuntimeError("the bulk path writes inside the import's transaction only")
    actor_id = actor.pk if actor.is_authenticated else None
    now = timezone.now()
    plan = _InitiativeRows(connection, keys=rows[0].values, actor_id=actor_id, now=now)
    search_text = SearchText()
    dumps = partial(json.dumps, cls=AuditEvent._meta.get_field("changes").encoder)
    at = AuditEvent._meta.get_field("at").get_db_prep_save(now, connection)
    fixed = (at, actor_id, AuditEvent.Action.CREATE.value, Initiative._meta.label_lower)

    def event(object_id: str, title: str, organisation_id: int, changes: dict) -> tuple:
        return (*fixed, object_id, title, organisation_id, dumps(changes))

    for start in range(0, len(rows), BATCH):
        ids = _reserve_ids(connection, len(rows[start : start + BATCH]))
        batch = _Batch(plan, search_text, event, ids, rows[start : start + BATCH])
        # Streamed: PostgreSQL stores each initiative while the next ones are worked out.
        _insert(connection, Initiative, plan.columns, batch.initiatives())
        _insert(
            connection, Initiative.communes.through, ["initiative_id", "area_id"], batch.communes
        )
        _insert(
            connection,
            Initiative.target_groups.through,
            ["initiative_id", "targetgroup_id"],
            batch.groups,
        )
        _insert(
            connection,
            InitiativePartner,
            ["initiative_id", "organisation_id", "role"],
            batch.partners,
        )
        _insert(connection, AuditEvent, _EVENT_COLUMNS, batch.events)
