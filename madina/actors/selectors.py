"""Reads of the actors registry: fetch-and-authorise helpers used by views and the API."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from madina.actors.models import FocalPerson, Organisation, Sector
from madina.core.audit import trail_for
from madina.core.models import AuditEvent
from madina.core.permissions import require
from madina.core.text import normalise, search_q, skeleton

# Two names whose folded forms (or consonant skeletons) are at least this similar are probable
# twins: "Association Amal Nador" / "Association Al Amal Nador".
TWIN_SIMILARITY = 0.85
# Skeletons shorter than this say too little to compare by similarity ("bn" for "Beni").
_MIN_SKELETON_FOR_RATIO = 4


def organisation_counts() -> dict[str, int]:
    """Public headline figures for the home page."""
    return Organisation.objects.filter(is_active=True).aggregate(
        organisations=Count("id", distinct=True),
        communes=Count("communes_covered", distinct=True),
        cso=Count("id", filter=Q(type__in=["cso", "migrant_led"]), distinct=True),
    )


def _detail_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("commune__parent", "parent").prefetch_related(
        "sectors", "communes_covered__parent"
    )


def organisation_get_for_user(
    user,
    pk: int,
    *,
    perm: str = "actors.view_organisation",
    for_display: bool = False,
) -> Organisation:
    """The organisation ``pk`` if ``user`` may do ``perm`` on it.

    404 when it does not exist or the user is outside it and the page is private to it;
    403 when the user belongs to it (or is a coordinator) but their role does not allow ``perm``.
    ``for_display`` loads what the detail page shows (sectors, communes, parent) in a fixed
    number of queries.
    """
    queryset = _detail_queryset() if for_display else Organisation.objects.all()
    organisation = get_object_or_404(queryset, pk=pk)
    visible = user.has_perm("actors.view_organisation_private", organisation) or (
        perm in {"actors.view_organisation", "actors.add_organisation"}
    )
    require(user, perm, organisation, visible=visible)
    return organisation


def organisation_list(
    *,
    user,
    q: str = "",
    type: str = "",
    sector: Sector | None = None,
    province=None,
    commune=None,
    active_only: bool = True,
) -> QuerySet[Organisation]:
    """The registry, filtered; prefetched so that listing it costs the same for 3 or 300 rows.

    ``q`` is forgiving: every word is matched under its folded and skeleton forms, so
    "Beni Ansar", "Bni Ansar" and "بني انصار" find the same organisations. ``province`` and
    ``commune`` match an organisation that covers the area or has its address there.
    """
    require(user, "actors.view_organisation", visible=False)
    queryset = Organisation.objects.all()
    if active_only:
        queryset = queryset.filter(is_active=True)
    if q.strip():
        queryset = queryset.filter(search_q(q))
    if type:
        queryset = queryset.filter(type=type)
    if sector is not None:
        queryset = queryset.filter(
            pk__in=Organisation.objects.filter(
                Q(sectors=sector) | Q(sectors__parent=sector)
            ).values("pk")
        )
    if province is not None:
        queryset = queryset.filter(
            pk__in=Organisation.objects.filter(
                Q(communes_covered__parent=province) | Q(commune__parent=province)
            ).values("pk")
        )
    if commune is not None:
        queryset = queryset.filter(
            pk__in=Organisation.objects.filter(
                Q(communes_covered=commune) | Q(commune=commune)
            ).values("pk")
        )
    return queryset.select_related("commune").prefetch_related("sectors", "communes_covered")


def sector_list(*, active_only: bool = True) -> QuerySet[Sector]:
    queryset = Sector.objects.select_related("parent")
    return queryset.filter(is_active=True) if active_only else queryset


def focal_persons_for_user(user, organisation: Organisation) -> QuerySet[FocalPerson]:
    """Every focal person for the organisation's own people and coordinators; else public ones."""
    queryset = organisation.focal_persons.all()
    if user.has_perm("actors.view_organisation_private", organisation):
        return queryset
    return queryset.filter(is_public=True)


def focal_person_get_for_user(user, organisation: Organisation, pk: int) -> FocalPerson:
    """A focal person of ``organisation`` that ``user`` may edit (404 if not of this one)."""
    require(
        user,
        "actors.change_focal_persons",
        organisation,
        visible=user.has_perm("actors.view_organisation_private", organisation),
    )
    return get_object_or_404(FocalPerson, organisation=organisation, pk=pk)


def organisation_audit_trail(*, user, organisation: Organisation):
    """The organisation's history and its focal persons', newest first."""
    require(
        user,
        "actors.view_organisation_audit",
        organisation,
        visible=user.has_perm("actors.view_organisation_private", organisation),
    )
    focal_persons = AuditEvent.objects.filter(
        organisation_id=organisation.pk, object_type=FocalPerson._meta.label_lower
    )
    return (trail_for(organisation) | focal_persons).select_related("actor")


# --- Probable twins -----------------------------------------------------------------------------


@dataclass
class Twin:
    """An existing organisation that may be the one being registered, and why."""

    organisation: Organisation
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_labels(self) -> list[str]:
        return [str(TWIN_REASONS[reason]) for reason in self.reasons]


TWIN_REASONS = {
    "acronym": _("same acronym"),
    "name": _("same name, written differently"),
    "skeleton": _("same name in another transliteration"),
    "similar": _("very similar name"),
}


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _similar(new_folded: str, old_folded: str, new_bones: str, old_bones: str) -> bool:
    if new_folded and old_folded and _ratio(new_folded, old_folded) >= TWIN_SIMILARITY:
        return True
    return (
        min(len(new_bones), len(old_bones)) >= _MIN_SKELETON_FOR_RATIO
        and _ratio(new_bones, old_bones) >= TWIN_SIMILARITY
    )


def _name_reasons(new_names: list[str], old_names: list[str]) -> list[str]:
    reasons: list[str] = []
    for new in new_names:
        new_folded, new_bones = normalise(new), skeleton(new)
        for old in old_names:
            old_folded, old_bones = normalise(old), skeleton(old)
            if new_folded and new_folded == old_folded:
                reasons.append("name")
            elif new_bones and new_bones == old_bones:
                reasons.append("skeleton")
            elif _similar(new_folded, old_folded, new_bones, old_bones):
                reasons.append("similar")
    return reasons


def organisation_probable_twins(
    *,
    name_ar: str = "",
    name_fr: str = "",
    name_en: str = "",
    acronym: str = "",
    exclude_pk: int | None = None,
) -> list[Twin]:
    """Organisations already registered that are probably the one described.

    A candidate has the same acronym (ignoring case and accents), or a name equal to one of the
    given names once folded by :func:`madina.core.text.normalise`, or the same consonant
    skeleton, or a name at least 85 % similar (difflib ratio on the folded names or on the
    skeletons). The registry of one territory holds hundreds of organisations, not millions: the
    comparison runs in Python over their names only.
    """
    new_names = [name for name in (name_ar, name_fr, name_en) if name and name.strip()]
    new_acronym = normalise(acronym or "")
    if not new_names and not new_acronym:
        return []
    rows = Organisation.objects.values_list("pk", "name_ar", "name_fr", "name_en", "acronym")
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    found: dict[int, list[str]] = {}
    for pk, old_ar, old_fr, old_en, old_acronym in rows:
        reasons = []
        if new_acronym and new_acronym == normalise(old_acronym or ""):
            reasons.append("acronym")
        reasons += _name_reasons(new_names, [n for n in (old_ar, old_fr, old_en) if n])
        if reasons:
            found[pk] = list(dict.fromkeys(reasons))
    if not found:
        return []
    organisations = Organisation.objects.in_bulk(list(found))
    strength = {"acronym": 0, "name": 0, "skeleton": 1, "similar": 2}
    twins = [Twin(organisations[pk], reasons) for pk, reasons in found.items()]
    twins.sort(key=lambda twin: (min(strength[r] for r in twin.reasons), twin.organisation.name))
    return twins


# --- Presentation helpers -----------------------------------------------------------------------


def communes_map_data(communes) -> list[dict]:
    """The points the detail page's map draws: communes that have a centroid."""
    return [
        {
            "name": commune.name,
            "code": commune.code,
            "lat": float(commune.latitude),
            "lng": float(commune.longitude),
        }
        for commune in communes
        if commune.latitude is not None and commune.longitude is not None
    ]


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _ids(value) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [int(item) for item in values if item is not None and str(item).isdigit()]


def _display(field, value, names: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field is None:
        return str(value)
    if field.is_relation:
        labels = names.get(field.related_model, {})
        return ", ".join(labels.get(pk, f"#{pk}") for pk in _ids(value)) or "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def audit_rows(events) -> list[dict]:
    """Audit events with their changes as (field label, before, after) in words, not ids."""
    events = list(events)
    wanted: dict[type, set[int]] = defaultdict(set)
    for event in events:
        model = _audited_model(event.object_type)
        for name, pair in event.changes.items():
            field = _field(model, name) if model else None
            if field is not None and field.is_relation:
                for value in pair:
                    wanted[field.related_model].update(_ids(value))
    names = {
        model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(list(ids)).items()}
        for model, ids in wanted.items()
    }
    rows = []
    for event in events:
        model = _audited_model(event.object_type)
        changes = []
        for name, (before, after) in sorted(event.changes.items()):
            field = _field(model, name) if model else None
            changes.append(
                {
                    "label": str(field.verbose_name) if field is not None else name,
                    "before": _display(field, before, names),
                    "after": _display(field, after, names),
                }
            )
        rows.append({"event": event, "changes": changes})
    return rows


def _audited_model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
