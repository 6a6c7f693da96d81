"""Matching the names typed in a sheet to the records of the platform.

Every name is compared through ``madina.core.text``: first its folded form (``normalise``:
Arabic orthographic variants, accents, case, separators) against the Arabic, French and English
names (and the other spellings and codes) of every record; then its consonant skeleton, so that
"Beni Ansar" finds "Bni Ansar" and "الناظور" finds "الناضور" (accepted, and noted in the
report). A name that matches neither is refused with the closest names as suggestions ("did you
mean Bni Ansar?").

Each distinct value is looked up once per import, so a 100,000-row file with 200 distinct names
costs 200 look-ups.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import translation

from madina.core.text import merge_confused, normalise, skeleton

# Skeletons shorter than this say too little to identify a name ("bn" for "Beni").
_MIN_SKELETON = 4
_SUGGESTION_CUTOFF = 0.72


@dataclass(frozen=True)
class Entry:
    pk: int
    label: str
    names: tuple[str, ...]
    group: int | None = None


@dataclass
class Found:
    """The outcome of one look-up.

    ``pk`` is set when the name designates one record; ``variant`` when it was found by its
    skeleton only (a spelling variant); ``candidates`` when several records fit; ``suggestions``
    (labels) when nothing fits.
    """

    pk: int | None = None
    variant: bool = False
    candidates: list[int] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def _compact(folded: str) -> str:
    # A lone Arabic "و" (and) written apart or attached to the next word; ظ written for ض.
    return merge_confused(folded.replace(" و ", " و").replace(" ", ""))


class NameIndex:
    """Records by every form of every one of their names."""

    def __init__(self, entries: Iterable[Entry], *, codes: Iterable[tuple[str, int]] = ()):
        self.labels: dict[int, str] = {}
        self.groups: dict[int, int | None] = {}
        self.folded: dict[str, set[int]] = defaultdict(set)
        self.bones: dict[str, set[int]] = defaultdict(set)
        self.compact: dict[str, set[int]] = defaultdict(set)
        self.codes = {code.casefold(): pk for code, pk in codes if code}
        for entry in entries:
            self.labels[entry.pk] = entry.label
            self.groups[entry.pk] = entry.group
            for name in entry.names:
                if not name:
                    continue
                folded = normalise(name)
                self.folded[folded].add(entry.pk)
                self.compact[_compact(folded)].add(entry.pk)
                bones = skeleton(folded)
                if len(bones.replace(" ", "")) >= _MIN_SKELETON:
                    self.bones[bones].add(entry.pk)
        self._keys = list(self.folded)
        self._cache: dict[tuple[str, int | None], Found] = {}

    def find(self, raw: str, *, group: int | None = None) -> Found:
        key = (raw, group)
        if key not in self._cache:
            self._cache[key] = self._find(raw, group)
        return self._cache[key]

    def _narrow(self, pks: set[int], group: int | None) -> set[int]:
        if group is None or len(pks) < 2:
            return pks
        narrowed = {pk for pk in pks if self.groups.get(pk) == group}
        return narrowed or pks

    def _find(self, raw: str, group: int | None) -> Found:
        code = self.codes.get(raw.strip().casefold())
        if code is not None:
            return Found(pk=code)
        folded = normalise(raw)
        pks = self._narrow(self.folded.get(folded, set()), group)
        if len(pks) == 1:
            return Found(pk=next(iter(pks)))
        if pks:
            return Found(candidates=sorted(pks))
        # "Bni-Ansar", "BniAnsar", "التربية و الثقافة", "الناظور": the same name with other
        # spacing, or a letter written for another.
        pks = self._narrow(self.compact.get(_compact(folded), set()), group)
        if len(pks) == 1:
            return Found(pk=next(iter(pks)), variant=True)
        bones = skeleton(folded)
        if len(bones.replace(" ", "")) >= _MIN_SKELETON:
            pks = self._narrow(self.bones.get(bones, set()), group)
            if len(pks) == 1:
                return Found(pk=next(iter(pks)), variant=True)
            if pks:
                return Found(candidates=sorted(pks))
        close = difflib.get_close_matches(folded, self._keys, n=6, cutoff=_SUGGESTION_CUTOFF)
        labels: list[str] = []
        for name in close:
            for pk in sorted(self.folded[name]):
                if self.labels[pk] not in labels:
                    labels.append(self.labels[pk])
        return Found(suggestions=labels[:3])


def organisation_index() -> NameIndex:
    from madina.actors.models import Organisation

    rows = Organisation.objects.values_list("pk", "name_ar", "name_fr", "name_en", "acronym")
    entries = []
    acronyms = []
    for pk, name_ar, name_fr, name_en, acronym in rows:
        label = name_fr or name_ar or name_en
        entries.append(Entry(pk, label, (name_ar, name_fr, name_en)))
        if acronym:
            acronyms.append((acronym, pk))
    counts: dict[str, int] = defaultdict(int)
    for acronym, _pk in acronyms:
        counts[acronym.casefold()] += 1
    # An acronym two organisations share designates neither.
    return NameIndex(
        entries, codes=[(acr, pk) for acr, pk in acronyms if counts[acr.casefold()] == 1]
    )


def commune_index() -> NameIndex:
    from madina.territory.models import Area

    rows = Area.objects.communes().values_list(
        "pk", "code", "name_ar", "name_fr", "name_en", "alt_names", "parent_id"
    )
    entries = []
    codes = []
    for pk, code, name_ar, name_fr, name_en, alt_names, parent_id in rows:
        label = name_fr or name_ar
        entries.append(
            Entry(pk, label, (name_ar, name_fr, name_en, *(alt_names or [])), group=parent_id)
        )
        codes.append((code, pk))
    return NameIndex(entries, codes=codes)


def province_index() -> NameIndex:
    from madina.territory.models import Area

    rows = Area.objects.provinces().values_list("pk", "code", "name_ar", "name_fr", "name_en")
    return NameIndex(
        [Entry(pk, fr or ar, (ar, fr, en)) for pk, _code, ar, fr, en in rows],
        codes=[(code, pk) for pk, code, *_names in rows],
    )


def taxonomy_index(model, **filters) -> NameIndex:
    """Sectors, target groups, activity types: by code or by name in any language."""
    rows = model.objects.filter(**filters).values_list(
        "pk", "code", "name_ar", "name_fr", "name_en"
    )
    return NameIndex(
        [Entry(pk, f"{fr or ar} ({code})", (ar, fr, en)) for pk, code, ar, fr, en in rows],
        codes=[(code, pk) for pk, code, *_names in rows],
    )


_STATUS_SYNONYMS = {
    "planned": [
        "planned",
        "pipeline",
        "planifie",
        "planifiee",
        "prevu",
        "prevue",
        "a venir",
        "مبرمجة",
        "مبرمج",
        "مخطط لها",
        "مقررة",
    ],
    "ongoing": [
        "ongoing",
        "active",
        "in progress",
        "en cours",
        "actif",
        "active",
        "جارية",
        "جاري",
        "قيد التنفيذ",
        "في طور الانجاز",
    ],
    "completed": [
        "completed",
        "finished",
        "closed",
        "done",
        "termine",
        "terminee",
        "acheve",
        "achevee",
        "cloture",
        "منتهية",
        "منتهي",
        "منجزة",
        "مكتملة",
    ],
    "cancelled": ["cancelled", "canceled", "annule", "annulee", "ملغاة", "ملغى", "ملغاه"],
}


def status_lookup() -> dict[str, str]:
    """Normalised label or code → status value, in every language of the platform."""
    from django.conf import settings

    from madina.initiatives.models import Initiative

    lookup: dict[str, str] = {}
    for value, synonyms in _STATUS_SYNONYMS.items():
        for synonym in [value, *synonyms]:
            lookup[normalise(synonym)] = value
    for code, _name in [*settings.LANGUAGES, ("en", "")]:
        with translation.override(code):
            for value, label in Initiative.Status.choices:
                lookup[normalise(str(label))] = value
    return lookup
