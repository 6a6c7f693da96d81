"""Writes of the duplicate finder: users' decisions on drafts and coordinators' reviews of pairs.

Keyword-only, ``actor`` first, atomic, permission-checked with the rules and audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madina.accounts.models import Membership
from madina.accounts.rules import _role_in
from madina.actors.models import Organisation
from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent
from madina.initiatives.models import DraftDecision, Initiative, OverlapCandidate

_EDITOR_ROLES = {Membership.Role.ADMIN, Membership.Role.MEMBER}
_NOTE_MAX = 2000


def _may_act_for(actor, organisation: Organisation) -> bool:
    return actor.has_perm("initiatives.review_duplicates") or (
        _role_in(actor, organisation) in _EDITOR_ROLES
    )


def draft_decision_record(
    *,
    actor,
    candidate: Initiative,
    draft_title: str,
    organisation: Organisation,
    decision: str,
    score: float,
    reasons: list,
    note: str = "",
) -> DraftDecision:
    """Keep what ``actor`` decided about ``candidate`` while filling a new initiative.

    Only someone who may register initiatives for ``organisation`` (its admins and members, or
    a coordinator) may record a decision in its name.
    """
    if not actor.has_perm("initiatives.add_initiative") or not _may_act_for(actor, organisation):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if decision not in DraftDecision.Decision.values:
        errors["decision"] = [_("Choose one of the proposed decisions.")]
    draft_title = (draft_title or "").strip()
    if not draft_title:
        errors["draft_title"] = [_("Give the initiative a title before deciding.")]
    if candidate.status == Initiative.Status.CANCELLED:
        errors["candidate"] = [_("This initiative has been cancelled.")]
    if not 0 <= float(score) <= 1:
        errors["score"] = [_("The score must be between 0 and 1.")]
    if len(note or "") > _NOTE_MAX:
        errors["note"] = [_("The note is too long.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decided = DraftDecision.objects.create(
            candidate=candidate,
            draft_title=draft_title[:300],
            organisation=organisation,
            decision=decision,
            score=float(score),
            reasons=list(reasons or []),
            note=(note or "").strip(),
            decided_by=actor,
        )
        record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=decided,
            after=snapshot(decided),
            organisation_id=organisation.pk,
        )
    return decided


def draft_decisions_attach(
    *, actor, initiative: Initiative, decision_ids: Iterable[int | str]
) -> int:
    """Link the decisions ``actor`` made on the draft to the initiative it became.

    For the create page: pass the ids the duplicate panel put in the form (``draft_decisions``).
    Ids that are not the actor's own, unattached decisions are ignored. Returns how many were
    linked.
    """
    ids = {int(value) for value in decision_ids if str(value).isdigit()}
    if not ids:
        return 0
    if not actor.has_perm("initiatives.change_initiative", initiative):
        raise PermissionDenied
    with transaction.atomic():
        decisions = list(
            DraftDecision.objects.select_for_update().filter(
                pk__in=ids, decided_by=actor, created_initiative__isnull=True
            )
        )
        for decided in decisions:
            before = snapshot(decided, ["created_initiative"])
            decided.created_initiative = initiative
            decided.save(update_fields=["created_initiative", "updated_at"])
            record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                instance=decided,
                before=before,
                after=snapshot(decided, ["created_initiative"]),
                organisation_id=decided.organisation_id,
            )
    return len(decisions)


def overlap_review(
    *, actor, candidate: OverlapCandidate, state: str, note: str = ""
) -> OverlapCandidate:
    """A coordinator's verdict on a pair of initiatives: duplicate, complementary, distinct…"""
    if not actor.has_perm("initiatives.review_duplicates"):
        raise PermissionDenied
    if state not in OverlapCandidate.State.values:
        raise ValidationError({"state": [_("Choose one of the review states.")]})
    if len(note or "") > _NOTE_MAX:
        raise ValidationError({"note": [_("The note is too long.")]})
    fields = ["state", "note", "reviewed_by", "reviewed_at"]
    with transaction.atomic():
        before = snapshot(candidate, fields)
        candidate.state = state
        candidate.note = (note or "").strip()
        candidate.reviewed_by = actor
        candidate.reviewed_at = timezone.now()
        candidate.save(update_fields=[*fields, "updated_at"])
        record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            instance=candidate,
            before=before,
            after=snapshot(candidate, fields),
        )
    return candidate
