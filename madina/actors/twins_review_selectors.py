"""Reads of the organisation-pair review: every pair of probable twins across the registry."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404

from madina.actors.models import Organisation, OrganisationPairReview
from madina.actors.selectors import TWIN_REASONS, organisation_probable_twins
from madina.core.permissions import require

_CACHE_SECONDS = 600


@dataclass
class TwinPair:
    """Two organisations that look like one, why, and the coordinators' review if any."""

    first: Organisation
    second: Organisation
    reasons: list[str] = field(default_factory=list)
    review: OrganisationPairReview | None = None

    @property
    def state(self) -> str:
        return self.review.state if self.review else OrganisationPairReview.State.TO_REVIEW

    @property
    def state_label(self) -> str:
        return str(OrganisationPairReview.State(self.state).label)

    @property
    def reason_labels(self) -> list[str]:
        return [str(TWIN_REASONS[reason]) for reason in self.reasons if reason in TWIN_REASONS]


def _pair_reasons() -> dict[tuple[int, int], list[str]]:
    """Pairs (lower id first) found by :func:`organisation_probable_twins`, cached while no
    organisation changes."""
    stamp = Organisation.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    last = stamp["last"].timestamp() if stamp["last"] else 0
    key = f"actors:twin-pairs:{stamp['n']}:{last}"
    pairs = cache.get(key)
    if pairs is not None:
        return pairs
    pairs = {}
    for organisation in Organisation.objects.filter(is_active=True).only(
        "pk", "name_ar", "name_fr", "name_en", "acronym"
    ):
        for twin in organisation_probable_twins(
            name_ar=organisation.name_ar,
            name_fr=organisation.name_fr,
            name_en=organisation.name_en,
            acronym=organisation.acronym,
            exclude_pk=organisation.pk,
        ):
            pair = tuple(sorted((organisation.pk, twin.organisation.pk)))
            pairs.setdefault(pair, list(twin.reasons))
    cache.set(key, pairs, _CACHE_SECONDS)
    return pairs


def twin_pairs(*, user, state: str = "") -> tuple[list[TwinPair], dict[str, int]]:
    """Every probable pair of twins with its review, and how many pairs are in each state.

    Coordinators only. Pairs reviewed earlier stay listed even when the names have changed since.
    """
    require(user, "initiatives.review_duplicates")
    reasons = _pair_reasons()
    reviews = {
        (review.first_id, review.second_id): review
        for review in OrganisationPairReview.objects.select_related("reviewed_by")
    }
    keys = set(reasons) | set(reviews)
    organisations = Organisation.objects.in_bulk({pk for pair in keys for pk in pair})
    pairs = [
        TwinPair(
            organisations[a],
            organisations[b],
            reasons.get((a, b)) or list(getattr(reviews.get((a, b)), "reasons", []) or []),
            reviews.get((a, b)),
        )
        for a, b in keys
        if a in organisations and b in organisations
    ]
    counts = {value: 0 for value in OrganisationPairReview.State.values}
    for pair in pairs:
        counts[pair.state] += 1
    if state:
        pairs = [pair for pair in pairs if pair.state == state]
    pairs.sort(key=lambda pair: (pair.state != "to_review", pair.first.name, pair.second.name))
    return pairs, counts


def twin_pair_get(*, user, first_pk: int, second_pk: int) -> TwinPair:
    """One pair, ids in any order (404 for a missing organisation). Coordinators only."""
    require(user, "initiatives.review_duplicates")
    if first_pk == second_pk:
        raise Http404
    first_pk, second_pk = sorted((first_pk, second_pk))
    first = get_object_or_404(
        Organisation.objects.prefetch_related("sectors", "communes_covered"), pk=first_pk
    )
    second = get_object_or_404(
        Organisation.objects.prefetch_related("sectors", "communes_covered"), pk=second_pk
    )
    review = (
        OrganisationPairReview.objects.select_related("reviewed_by")
        .filter(first=first, second=second)
        .first()
    )
    reasons = _pair_reasons().get((first.pk, second.pk)) or (review.reasons if review else [])
    return TwinPair(first, second, list(reasons), review)
