"""Evidence files on actions and milestones: adding and removing them (docs/decisions/0016).

Who may add one: whoever may update the item's status or change its programme
(``coordination.add_evidence``). Who may remove one: the person who added it, the space's editors
and coordinators (``coordination.remove_evidence``). Both are audited; a refused file leaves no
row and no file in storage; a removed file leaves storage once the removal is committed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from madina.coordination.models import EVIDENCE_MAX_BYTES, ItemEvidence, ProgrammeItem
from madina.coordination.programme_services import _refuse_if_programme_closed
from madina.coordination.services import _refuse_if_closed
from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent
from madina.core.uploads import EVIDENCE_KINDS, CheckedUpload, check_upload

AUDITED = ["item", "title", "original_name", "content_type", "size"]


def _check(actor, perm: str, obj: Any, item: ProgrammeItem) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied
    _refuse_if_closed(item.programme.space)
    _refuse_if_programme_closed(item.programme)


@transaction.atomic
def evidence_add(*, actor, item: ProgrammeItem, file: Any, title: str = "") -> ItemEvidence:
    """Attach a file to an action or milestone.

    ``file`` is a ``CheckedUpload`` (from the form's ``EvidenceFileField``) or any uploaded file,
    which is then checked here, photos stripped of their metadata.
    """
    item = (
        ProgrammeItem.objects.select_for_update().select_related("programme__space").get(pk=item.pk)
    )
    _check(actor, "coordination.add_evidence", item, item)
    if not item.is_tracked:
        raise ValidationError(_("Evidence files are attached to actions and milestones."))
    if not isinstance(file, CheckedUpload):
        try:
            file = check_upload(
                file, kinds=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES, strip_metadata=True
            )
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
    evidence = ItemEvidence(
        item=item,
        original_name=file.original_name,
        content_type=file.content_type,
        size=file.size,
        title=(title or "").strip(),
        uploaded_by=actor if actor.is_authenticated else None,
    )
    evidence.full_clean(exclude=["file", "item", "uploaded_by"])
    # The file reaches storage with the row, last, once everything else has been checked.
    evidence.file.save(file.name, file, save=False)
    try:
        evidence.save()
        record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=evidence,
            after=snapshot(evidence, AUDITED),
        )
    except BaseException:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, actor, evidence: ItemEvidence) -> None:
    """Remove an evidence file; the file leaves storage once the removal is committed."""
    evidence = ItemEvidence.objects.select_related("item__programme__space").get(pk=evidence.pk)
    _check(actor, "coordination.remove_evidence", evidence, evidence.item)
    record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=evidence,
        before=snapshot(evidence, AUDITED),
    )
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
