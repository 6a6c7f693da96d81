"""Writes of the organisation-pair review: a coordinator's verdict on two look-alike records."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madina.actors.models import Organisation, OrganisationPairReview
from madina.core.audit import record, snapshot
from madina.core.models import AuditEvent


def organisation_pair_review(
    *, actor, first: Organisation, second: Organisation, state: str, reasons: list | None = None
) -> OrganisationPairReview:
    """A coordinator's verdict on two organisations that look like one (stored in id order)."""
    if not actor.has_perm("initiatives.review_duplicates"):
        raise PermissionDenied
    if state not in OrganisationPairReview.State.values:
        raise ValidationError({"state": [_("Choose one of the review states.")]})
    if first.pk == second.pk:
        raise ValidationError(_("An organisation cannot be its own duplicate."))
    if first.pk > second.pk:
        first, second = second, first
    fields = ["state", "reviewed_by", "reviewed_at"]
    with transaction.atomic():
        review, created = OrganisationPairReview.objects.select_for_update().get_or_create(
            first=first, second=second, defaults={"reasons": list(reasons or [])}
        )
        before = {} if created else snapshot(review, fields)
        review.state = state
        review.reviewed_by = actor
        review.reviewed_at = timezone.now()
        if reasons is not None:
            review.reasons = list(reasons)
        review.save()
        record(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            instance=review,
            before=before,
            after=snapshot(review, fields),
        )
    return review
