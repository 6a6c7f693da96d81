"""Signals other apps listen to, so that coordination never depends on them.

``item_changed`` — an action's or milestone's status, due date or title changed
--------------------------------------------------------------------------------
Sent **once per committed change**, after the transaction that made it commits
(``transaction.on_commit``); a refused change, or one rolled back, sends nothing. Arguments:

- ``sender``: the ``ProgrammeItem`` class;
- ``item``: the ``ProgrammeItem`` as it was saved;
- ``actor``: the user who made the change, or ``None`` when the daily job marked it late;
- ``changes``: a dict holding only the keys that changed among ``"status"``, ``"due_date"`` and
  ``"title"``, each mapped to ``(before, after)``: statuses as their stored values
  (``"on_track"``), due dates as ``datetime.date`` or ``None``, titles as strings.

It is sent by ``programme_services.item_update`` (title, due date), ``item_set_status``,
``review_answer`` (the last approval makes the action done) and ``mark_late``. A proposed "done"
that waits for the consulted organisations' review changes no status and sends nothing. Free
text (a status reason, a review comment) is never passed: it may name a person.

Receivers are called with ``send_robust``: one that raises does not undo the committed change
nor stop the others; its failure is logged with the receiver's name, the item's id and the
exception's class only (never its message, which may quote personal data).

Example (meetings' recommendations linked to actions)::

    @receiver(item_changed)
    def tell_followers(sender, item, actor, changes, **kwargs): ...
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

item_changed = Signal()

SIGNALLED_FIELDS = ("status", "due_date", "title")


def _value(key: str, value: Any) -> Any:
    if key == "due_date" and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def send_item_changed(*, item, actor, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """After the commit, send ``item_changed`` with what changed between two audit snapshots
    (``core.audit.snapshot``); nothing is sent when none of the signalled fields changed."""
    changes = {
        key: (_value(key, before[key]), _value(key, after[key]))
        for key in SIGNALLED_FIELDS
        if key in before and key in after and before[key] != after[key]
    }
    if not changes:
        return
    actor = actor if getattr(actor, "is_authenticated", False) else None

    def send() -> None:
        from madina.coordination.models import ProgrammeItem

        results = item_changed.send_robust(
            sender=ProgrammeItem, item=item, actor=actor, changes=changes
        )
        for receiver, result in results:
            if isinstance(result, Exception):
                logger.error(
                    "A receiver of coordination.item_changed failed: %s on item %s (%s)",
                    getattr(receiver, "__qualname__", type(receiver).__name__),
                    item.pk,
                    type(result).__name__,
                )

    transaction.on_commit(send)
