"""The duplicate finder: which existing initiatives a draft (or another initiative) likely repeats.

A pair is scored from two kinds of evidence:

* text — the titles (and descriptions) reduced by :func:`madina.core.text.concept_tokens` to
  language-independent tokens, so that "Caravane médicale au profit des migrants à Nador" and
  "قافلة طبية لفائدة المهاجرين بالناظور" meet; place and organisation names the lexicon does not
  know are compared by their cross-script skeletons, with some tolerance;
* structure — shared communes, same sector (and sub-sector), shared target groups, overlapping
  dates.

``score = text^0.8 × (0.4 + 0.6 × structure)`` (see :func:`combine`): the same place, sector,
groups and period do not make two different activities duplicates, and the same words elsewhere
or in another year do not either. Each candidate carries its reasons as
codes with parameters (``{"code": "communes", "names": [...]}``); :func:`reason_words` turns
them into sentences in the active language.

Speed: the draft check never scores the whole registry. It first blocks in SQL on the draft's
communes (or, without communes, its sector) and on dates that overlap within a tolerance, then
ranks the block on titles alone (tokens are cached per title), and only scores the best few in
full. The full rescan blocks by (commune, sector) and compares token bit-sets inside each block,
plus a pass that pairs identical token sets across sectors, before scoring the survivors.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from rapidfuzz.distance import Indel

from madina.actors.models import Sector
from madina.core.text import SKELETON_PREFIX, concept_tokens, cross_skeleton, token_weight
from madina.initiatives.models import Initiative, OverlapCandidate, TargetGroup
from madina.territory.models import Area

# Scores at or above this are shown to the user and stored by the rescan.
DEFAULT_THRESHOLD = 0.6
# The live check shows weaker candidates too, under this bar nothing is shown.
DISPLAY_THRESHOLD = 0.45
# Dates that miss each other by less than this still count as the same period (a late start).
DATE_TOLERANCE = datetime.timedelta(days=60)
# Title or description similarity from which it is given as a reason.
TEXT_REASON = 0.5
# Two unknown words (names) match when their skeletons are this similar (0..1).
NAME_SIMILARITY = 0.75
# How many of the block's best titles are scored in full.
_SHORTLIST = 40
# Rescan: pairs in one block must share this share of their tokens (Dice on bit-sets) to be
# scored in full; the full score then decides.
_RESCAN_MIN_DICE = 0.4

# Names of the communes compared weigh this much in titles: the structure already counts them.
PLACE_WEIGHT = 0.25
_TEXT_EXPONENT = 0.8
_STRUCTURE_FLOOR = 0.4
_APART_FACTOR = 0.6
_STRUCTURE_WEIGHTS = {"communes": 0.35, "sector": 0.25, "groups": 0.2, "dates": 0.2}


@dataclass
class Candidate:
    """An existing initiative that the draft may duplicate, its score and why."""

    initiative: Initiative
    score: float
    reasons: list[dict] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def reason_words(self) -> list[str]:
        return reason_words(self.reasons)


@dataclass
class Record:
    """What the finder compares of one initiative or draft."""

    pk: int | None
    title: str = ""
    description: str = ""
    titles: tuple[str, ...] = ()
    sector_id: int | None = None
    subsector_id: int | None = None
    communes: frozenset[int] = frozenset()
    groups: frozenset[int] = frozenset()
    start: datetime.date | None = None
    end: datetime.date | None = None

    @cached_property
    def title_tokens(self) -> list[frozenset[str]]:
        return [frozenset(concept_tokens(title)) for title in (self.title, *self.titles) if title]

    @cached_property
    def description_tokens(self) -> frozenset[str]:
        return frozenset(concept_tokens(self.description)) if self.description else frozenset()


# --- Similarity ---------------------------------------------------------------------------------


_WEIGHTS: dict[str, float] = {}


def _weight(token: str, light: frozenset[str]) -> float:
    if token in light:
        return PLACE_WEIGHT
    weight = _WEIGHTS.get(token)
    if weight is None:
        weight = _WEIGHTS[token] = token_weight(token)
    return weight


_TOTALS: dict[tuple[frozenset, frozenset], float] = {}


def _total(tokens: frozenset[str], light: frozenset[str]) -> float:
    key = (tokens, light)
    total = _TOTALS.get(key)
    if total is None:
        if len(_TOTALS) > 500_000:
            _TOTALS.clear()
        total = _TOTALS[key] = sum(_weight(token, light) for token in tokens)
    return total


def token_similarity(
    first: Iterable[str],
    second: Iterable[str],
    light: frozenset[str] = frozenset(),
    *,
    fuzzy: bool = True,
) -> float:
    """How alike two token sets are (0..1): weighted Dice, blended with the overlap coefficient.

    Tokens equal in both count fully; names (skeleton tokens) left over count when their
    skeletons are at least ``NAME_SIMILARITY`` alike ("~bkd" in بوجدة and "~kd" in Oujda).
    ``light`` tokens (the names of the communes compared, already counted by the structure)
    weigh ``PLACE_WEIGHT``. The overlap coefficient keeps a short title that is wholly inside a
    longer one close to it.
    """
    a = first if isinstance(first, frozenset) else frozenset(first)
    b = second if isinstance(second, frozenset) else frozenset(second)
    if not a or not b:
        return 0.0
    weight_a = _total(a, light)
    weight_b = _total(b, light)
    shared = a & b
    matched = sum(_weight(token, light) for token in shared) if shared else 0.0
    left_b = [t for t in b - shared if t[0] == SKELETON_PREFIX] if fuzzy else []
    if left_b:
        for token in a - shared:
            if token[0] != SKELETON_PREFIX:
                continue
            best, best_ratio = None, NAME_SIMILARITY
            for other in left_b:
                ratio = Indel.normalized_similarity(token[1:], other[1:], score_cutoff=best_ratio)
                if ratio >= best_ratio:
                    best, best_ratio = other, ratio
            if best is not None:
                matched += best_ratio * min(_weight(token, light), _weight(best, light))
                left_b.remove(best)
    dice = 2 * matched / (weight_a + weight_b)
    overlap = matched / min(weight_a, weight_b)
    return min(1.0, (2 * dice + overlap) / 3)


def title_similarity(first: Record, second: Record, light: frozenset[str] = frozenset()) -> float:
    """The best similarity between any title of one and any title (or translation) of the other."""
    return max(
        (token_similarity(a, b, light) for a in first.title_tokens for b in second.title_tokens),
        default=0.0,
    )


_LOW, _HIGH = datetime.date.min, datetime.date.max


def _date_overlap(first: Record, second: Record) -> tuple[float, tuple | None]:
    """Share of the shorter period that the two share (0..1), and the shared period.

    Unknown dates give 0.5; periods that miss each other by less than ``DATE_TOLERANCE`` 0.5;
    periods further apart 0.
    """
    if first.start is None and first.end is None or second.start is None and second.end is None:
        return 0.5, None
    start = max(first.start or _LOW, second.start or _LOW)
    end = min(first.end or _HIGH, second.end or _HIGH)
    if end < start:
        return (0.5 if start - end <= DATE_TOLERANCE else 0.0), None
    spans = [
        (record.end - record.start).days + 1
        for record in (first, second)
        if record.start is not None and record.end is not None
    ]
    if not spans:
        return 1.0, (start, end)
    return min(1.0, ((end - start).days + 1) / min(spans)), (start, end)


def _sector_match(first: Record, second: Record) -> float:
    if first.sector_id is None or second.sector_id is None:
        return 0.5
    if first.sector_id != second.sector_id:
        return 0.0
    if first.subsector_id and second.subsector_id and first.subsector_id != second.subsector_id:
        return 0.7
    return 1.0


def _set_overlap(first: frozenset, second: frozenset) -> float:
    if not first or not second:
        return 0.5
    return len(first & second) / min(len(first), len(second))


def combine(text: float, communes: float, sector: float, groups: float, dates: float) -> float:
    """The score from the text similarity and the four structural agreements (each 0..1).

    Multiplicative: two initiatives in the same place, sector, groups and period that do
    different things are not duplicates, and the same words elsewhere or in another year are
    not either. Periods far apart (``dates`` 0) cost a further 40 %.
    """
    structure = (
        _STRUCTURE_WEIGHTS["communes"] * communes
        + _STRUCTURE_WEIGHTS["sector"] * sector
        + _STRUCTURE_WEIGHTS["groups"] * groups
        + _STRUCTURE_WEIGHTS["dates"] * dates
    )
    score = text**_TEXT_EXPONENT * (_STRUCTURE_FLOOR + (1 - _STRUCTURE_FLOOR) * structure)
    if dates == 0:
        score *= _APART_FACTOR
    return min(1.0, score)


@dataclass
class _Names:
    """Names in three languages of the communes, sectors and groups that reasons mention."""

    communes: dict[int, dict] = field(default_factory=dict)
    sectors: dict[int, dict] = field(default_factory=dict)
    groups: dict[int, dict] = field(default_factory=dict)
    _places: dict = field(default_factory=dict)

    @classmethod
    def load(cls, *, communes=(), sectors=(), groups=()) -> _Names:
        def names(model, ids):
            ids = set(ids) - {None}
            if not ids:
                return {}
            rows = model.objects.filter(pk__in=ids).values("pk", "name_fr", "name_ar", "name_en")
            return {
                row["pk"]: {"fr": row["name_fr"], "ar": row["name_ar"], "en": row["name_en"]}
                for row in rows
            }

        return cls(names(Area, communes), names(Sector, sectors), names(TargetGroup, groups))

    def places(self, communes: frozenset[int]) -> frozenset[str]:
        """The title tokens that name these communes, in any script."""
        known = self._places.get(communes)
        if known is not None:
            return known
        tokens: set[str] = set()
        for pk in communes:
            if pk not in self._places:
                found = set()
                for name in self.communes.get(pk, {}).values():
                    found.update(token for token in concept_tokens(name or "") if token[0] == "~")
                    bones = cross_skeleton(name or "").replace(" ", "")
                    if len(bones) >= 2:
                        found.add(SKELETON_PREFIX + bones)
                self._places[pk] = frozenset(found)
            tokens |= self._places[pk]
        self._places[communes] = frozenset(tokens)
        return self._places[communes]


def names_for(*records: Record) -> _Names:
    """The names the reasons of a comparison between these records may mention."""
    return _Names.load(
        communes={pk for record in records for pk in record.communes},
        sectors={pk for record in records for pk in (record.sector_id, record.subsector_id)},
        groups={pk for record in records for pk in record.groups},
    )


_PLACES: dict[tuple, frozenset[str]] = {}


def place_tokens() -> frozenset[str]:
    """The title tokens that name a commune of the territory (in any script), which weigh
    ``PLACE_WEIGHT`` in titles. Kept in memory while the list of communes does not change."""
    communes = Area.objects.filter(level=Area.Level.COMMUNE)
    stamp = tuple(communes.aggregate(n=Count("id"), last=Max("id")).values())
    if stamp not in _PLACES:
        _PLACES.clear()
        names = _Names(
            communes={
                row["pk"]: {"fr": row["name_fr"], "ar": row["name_ar"], "en": row["name_en"]}
                for row in communes.values("pk", "name_fr", "name_ar", "name_en")
            }
        )
        _PLACES[stamp] = names.places(frozenset(names.communes))
    return _PLACES[stamp]


def score_pair(
    first: Record,
    second: Record,
    names: _Names | None = None,
    *,
    minimum: float = 0.0,
    light: frozenset[str] | None = None,
) -> tuple[float, list[dict]]:
    """The score of a pair (0..1) and its reasons, most telling first.

    Below ``minimum`` the reasons are not worked out (an empty list is returned): the rescan
    discards those pairs anyway. ``light``: the place tokens (:func:`place_tokens` by default).
    """
    names = names or _Names()
    dates, period = _date_overlap(first, second)
    communes = _set_overlap(first.communes, second.communes)
    sector = _sector_match(first, second)
    groups = _set_overlap(first.groups, second.groups)
    if minimum and combine(1.0, communes, sector, groups, dates) < minimum:
        return 0.0, []
    light = place_tokens() if light is None else light
    title = title_similarity(first, second, light)
    both_described = bool(first.description and second.description)
    best = combine(0.8 * title + 0.2 if both_described else title, communes, sector, groups, dates)
    if best < minimum:
        return round(best, 4), []
    description = 0.0
    if both_described:
        description = token_similarity(
            first.description_tokens, second.description_tokens, light, fuzzy=False
        )
        text = 0.8 * title + 0.2 * max(description, title * 0.5)
    else:
        text = title
    score = combine(text, communes, sector, groups, dates)
    if score < minimum:
        return round(score, 4), []
    reasons: list[dict] = []
    shared_communes = sorted(first.communes & second.communes)
    if shared_communes:
        reasons.append(
            {
                "code": "communes",
                "ids": shared_communes,
                "names": [names.communes.get(pk, {}) for pk in shared_communes],
            }
        )
    if first.sector_id and first.sector_id == second.sector_id:
        same_sub = bool(first.subsector_id) and first.subsector_id == second.subsector_id
        sector_id = first.subsector_id if same_sub else first.sector_id
        reasons.append(
            {
                "code": "subsector" if same_sub else "sector",
                "id": sector_id,
                "name": names.sectors.get(sector_id, {}),
            }
        )
    shared_groups = sorted(first.groups & second.groups)
    if shared_groups:
        reasons.append(
            {
                "code": "target_groups",
                "ids": shared_groups,
                "names": [names.groups.get(pk, {}) for pk in shared_groups],
            }
        )
    if period is not None:
        start, end = period
        reasons.append(
            {
                "code": "dates",
                "start": start.isoformat() if start != _LOW else None,
                "end": end.isoformat() if end != _HIGH else None,
            }
        )
    if title >= TEXT_REASON:
        reasons.append({"code": "title", "similarity": round(title, 2)})
    if description >= TEXT_REASON:
        reasons.append({"code": "description", "similarity": round(description, 2)})
    return round(score, 4), reasons


# --- Reasons in words ---------------------------------------------------------------------------


def _name(names: dict) -> str:
    language = (get_language() or "fr")[:2]
    order = {"ar": ["ar", "fr", "en"], "en": ["en", "fr", "ar"]}.get(language, ["fr", "ar", "en"])
    return next((names[code] for code in order if names.get(code)), "")


def _date(value: str | None) -> str:
    return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT") if value else ""


def reason_words(reasons: Iterable[dict]) -> list[str]:
    """Each reason as a sentence in the active language, naming communes, sector and groups."""
    words = []
    for reason in reasons:
        code = reason.get("code")
        if code == "communes":
            listed = ", ".join(filter(None, (_name(n) for n in reason.get("names", []))))
            words.append(
                ngettext(
                    "Same commune: %(names)s",
                    "Same communes: %(names)s",
                    len(reason.get("names", [])),
                )
                % {"names": listed}
            )
        elif code == "sector":
            words.append(_("Same sector: %(name)s") % {"name": _name(reason.get("name", {}))})
        elif code == "subsector":
            words.append(_("Same sub-sector: %(name)s") % {"name": _name(reason.get("name", {}))})
        elif code == "target_groups":
            listed = ", ".join(filter(None, (_name(n) for n in reason.get("names", []))))
            words.append(
                ngettext(
                    "Same target group: %(names)s",
                    "Same target groups: %(names)s",
                    len(reason.get("names", [])),
                )
                % {"names": listed}
            )
        elif code == "dates":
            start, end = _date(reason.get("start")), _date(reason.get("end"))
            if start and end:
                words.append(
                    _("Overlapping dates: from %(start)s to %(end)s") % {"start": start, "end": end}
                )
            elif start:
                words.append(_("Overlapping dates: from %(start)s onwards") % {"start": start})
            else:
                words.append(_("Overlapping dates"))
        elif code == "title":
            words.append(
                _("Similar title (%(percent)s%%)")
                % {"percent": round(reason.get("similarity", 0) * 100)}
            )
        elif code == "description":
            words.append(
                _("Similar description (%(percent)s%%)")
                % {"percent": round(reason.get("similarity", 0) * 100)}
            )
    return words


# --- Reading drafts and initiatives -------------------------------------------------------------


def _ids(value) -> frozenset[int]:
    if value is None or value == "":
        return frozenset()
    if isinstance(value, str | int) or hasattr(value, "pk"):
        value = [value]
    ids = set()
    for item in value:
        pk = getattr(item, "pk", item)
        if pk is not None and str(pk).isdigit():
            ids.add(int(pk))
    return frozenset(ids)


def _one_id(value) -> int | None:
    ids = _ids(value)
    return min(ids) if ids else None


def _date_value(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _translated_titles(translations) -> tuple[str, ...]:
    if not isinstance(translations, dict):
        return ()
    return tuple(
        item.get("title", "")
        for item in translations.values()
        if isinstance(item, dict) and item.get("title")
    )


def record_for(draft: dict | Initiative) -> Record:
    """A draft's fields (as posted: ids or objects, ISO dates) or an initiative, as a Record."""
    if isinstance(draft, Initiative):
        return Record(
            pk=draft.pk,
            title=draft.title,
            description=draft.description,
            titles=_translated_titles(draft.translations),
            sector_id=draft.sector_id,
            subsector_id=draft.subsector_id,
            communes=frozenset(draft.communes.values_list("pk", flat=True)) if draft.pk else (),
            groups=frozenset(draft.target_groups.values_list("pk", flat=True))
            if draft.pk
            else frozenset(),
            start=draft.start_date,
            end=draft.end_date,
        )
    start, end = _date_value(draft.get("start_date")), _date_value(draft.get("end_date"))
    if start and end and end < start:
        end = None
    return Record(
        pk=None,
        title=str(draft.get("title") or "")[:300],
        description=str(draft.get("description") or "")[:5000],
        sector_id=_one_id(draft.get("sector")),
        subsector_id=_one_id(draft.get("subsector")),
        communes=_ids(draft.get("communes")),
        groups=_ids(draft.get("target_groups")),
        start=start,
        end=end,
    )


def _load_records(ids: Iterable[int]) -> dict[int, Record]:
    """Full records (descriptions, communes, groups) of a few initiatives, in four queries."""
    ids = list(ids)
    communes: dict[int, set[int]] = defaultdict(set)
    for initiative_id, area_id in Initiative.communes.through.objects.filter(
        initiative_id__in=ids
    ).values_list("initiative_id", "area_id"):
        communes[initiative_id].add(area_id)
    groups: dict[int, set[int]] = defaultdict(set)
    for initiative_id, group_id in Initiative.target_groups.through.objects.filter(
        initiative_id__in=ids
    ).values_list("initiative_id", "targetgroup_id"):
        groups[initiative_id].add(group_id)
    rows = Initiative.objects.filter(pk__in=ids).values_list(
        "pk",
        "title",
        "description",
        "translations",
        "sector_id",
        "subsector_id",
        "start_date",
        "end_date",
    )
    return {
        pk: Record(
            pk=pk,
            title=title,
            description=description,
            titles=_translated_titles(translations),
            sector_id=sector_id,
            subsector_id=subsector_id,
            communes=frozenset(communes[pk]),
            groups=frozenset(groups[pk]),
            start=start,
            end=end,
        )
        for pk, title, description, translations, sector_id, subsector_id, start, end in rows
    }


# --- The live check -----------------------------------------------------------------------------


def _block(draft: Record, exclude_ids: Iterable[int]):
    """The initiatives worth comparing with the draft: one SQL query, no scoring."""
    queryset = Initiative.objects.exclude(status=Initiative.Status.CANCELLED)
    if draft.communes:
        through = Initiative.communes.through.objects.filter(area_id__in=draft.communes)
        queryset = queryset.filter(pk__in=through.values("initiative_id"))
    elif draft.sector_id:
        queryset = queryset.filter(Q(sector_id=draft.sector_id) | Q(subsector_id=draft.sector_id))
    else:
        return None
    if draft.start is not None:
        queryset = queryset.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=draft.start - DATE_TOLERANCE)
        )
    if draft.end is not None:
        queryset = queryset.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=draft.end + DATE_TOLERANCE)
        )
    exclude = set(exclude_ids) | ({draft.pk} if draft.pk else set())
    if exclude:
        queryset = queryset.exclude(pk__in=exclude)
    return queryset


def find_candidates(
    draft: dict | Initiative,
    *,
    limit: int = 10,
    exclude_ids: Iterable[int] = (),
    threshold: float = DISPLAY_THRESHOLD,
) -> list[Candidate]:
    """Existing initiatives (not cancelled) that the draft likely duplicates, best first.

    ``draft`` is the create form's data (title, description, sector, subsector, communes,
    target_groups, start_date, end_date — ids or objects, ISO dates) or an initiative. Without
    a commune or a sector there is nothing to compare against: the result is empty.
    """
    record = record_for(draft)
    if not record.title.strip() and not record.description.strip():
        return []
    queryset = _block(record, exclude_ids)
    if queryset is None:
        return []
    rows = list(
        queryset.values_list(
            "pk", "title", "sector_id", "subsector_id", "start_date", "end_date"
        ).order_by()
    )
    if not rows:
        return []
    shared: dict[int, int] = defaultdict(int)
    if record.communes:
        for initiative_id in Initiative.communes.through.objects.filter(
            area_id__in=record.communes
        ).values_list("initiative_id", flat=True):
            shared[initiative_id] += 1
    names = _Names.load(
        communes=record.communes,
        sectors=(record.sector_id, record.subsector_id),
        groups=record.groups,
    )
    light = place_tokens()
    draft_tokens = record.title_tokens
    ranked = []
    other = Record(None)
    for pk, title, sector_id, subsector_id, start, end in rows:
        other.sector_id, other.subsector_id, other.start, other.end = (
            sector_id,
            subsector_id,
            start,
            end,
        )
        tokens = frozenset(concept_tokens(title))
        text = max((token_similarity(mine, tokens, light) for mine in draft_tokens), default=0.0)
        communes = shared.get(pk, 0) / len(record.communes) if record.communes else 0.5
        quick = combine(
            min(1.0, text + 0.1),
            communes,
            _sector_match(record, other),
            0.5,
            _date_overlap(record, other)[0],
        )
        ranked.append((quick, pk))
    ranked.sort(reverse=True)
    shortlist = [
        pk for quick, pk in ranked[: max(_SHORTLIST, limit * 3)] if quick >= threshold * 0.7
    ]
    full = _load_records(shortlist)
    scored = []
    for pk in shortlist:
        score, reasons = score_pair(record, full[pk], names, light=light)
        if score >= threshold:
            scored.append((score, pk, reasons))
    scored.sort(key=lambda item: (-item[0], item[1]))
    scored = scored[:limit]
    initiatives = Initiative.objects.select_related("lead_organisation", "sector").in_bulk(
        [pk for _score, pk, _reasons in scored]
    )
    return [Candidate(initiatives[pk], score, reasons) for score, pk, reasons in scored]


# --- The full rescan ----------------------------------------------------------------------------


def _all_records() -> dict[int, Record]:
    communes: dict[int, set[int]] = defaultdict(set)
    for initiative_id, area_id in Initiative.communes.through.objects.values_list(
        "initiative_id", "area_id"
    ).iterator(chunk_size=20_000):
        communes[initiative_id].add(area_id)
    groups: dict[int, set[int]] = defaultdict(set)
    for initiative_id, group_id in Initiative.target_groups.through.objects.values_list(
        "initiative_id", "targetgroup_id"
    ).iterator(chunk_size=20_000):
        groups[initiative_id].add(group_id)
    rows = (
        Initiative.objects.exclude(status=Initiative.Status.CANCELLED)
        .values_list(
            "pk",
            "title",
            "description",
            "translations",
            "sector_id",
            "subsector_id",
            "start_date",
            "end_date",
        )
        .order_by()
        .iterator(chunk_size=20_000)
    )
    return {
        pk: Record(
            pk=pk,
            title=title,
            description=description,
            titles=_translated_titles(translations),
            sector_id=sector_id,
            subsector_id=subsector_id,
            communes=frozenset(communes.get(pk, ())),
            groups=frozenset(groups.get(pk, ())),
            start=start,
            end=end,
        )
        for pk, title, description, translations, sector_id, subsector_id, start, end in rows
    }


def candidate_pairs(
    records: dict[int, Record], places: frozenset[str] = frozenset()
) -> set[tuple[int, int]]:
    """Pairs (lower id first) worth scoring: same commune and sector, overlapping periods and
    titles sharing at least ``_RESCAN_MIN_DICE`` of their weight; or same commune and exactly the
    same title tokens whatever the sector.

    Each title becomes a bit-set in which a token takes as many bits as its weight in quarters
    (a place name 1, "migrants" 2, a telling word 4), so that one AND and one bit count give the
    weighted overlap of two titles.
    """
    bits: dict[tuple[str, int], int] = {}
    masks: dict[int, int] = {}
    keys: dict[int, frozenset] = {}
    for pk, record in records.items():
        tokens = frozenset(token for tokens in record.title_tokens for token in tokens)
        mask = 0
        for token in tokens:
            for copy in range(max(1, round(4 * _weight(token, places)))):
                mask |= 1 << bits.setdefault((token, copy), len(bits))
        masks[pk] = mask
        keys[pk] = tokens
    by_block: dict[tuple, list[int]] = defaultdict(list)
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for pk, record in records.items():
        for commune in record.communes:
            by_block[(commune, record.sector_id)].append(pk)
            if keys[pk]:
                by_key[(commune, keys[pk])].append(pk)
    pairs: set[tuple[int, int]] = set()
    counts = {pk: mask.bit_count() for pk, mask in masks.items()}
    tolerance = DATE_TOLERANCE.days
    starts = {
        pk: record.start.toordinal() if record.start else -(10**9) for pk, record in records.items()
    }
    ends = {pk: record.end.toordinal() if record.end else 10**9 for pk, record in records.items()}
    for members in by_block.values():
        if len(members) < 2:
            continue
        members.sort(key=starts.__getitem__)
        rows = [(pk, masks[pk], counts[pk], starts[pk], ends[pk]) for pk in members]
        for index, (a, mask_a, count_a, _start_a, end_a) in enumerate(rows):
            if not count_a:
                continue
            horizon = end_a + tolerance
            for b, mask_b, count_b, start_b, _end_b in rows[index + 1 :]:
                if start_b > horizon:
                    break  # sorted by start: every later one starts after this one ends
                shared = (mask_a & mask_b).bit_count()
                if shared and 2 * shared >= _RESCAN_MIN_DICE * (count_a + count_b):
                    pairs.add((a, b) if a < b else (b, a))
    for members in by_key.values():
        members.sort()
        for index, a in enumerate(members):
            for b in members[index + 1 :]:
                pairs.add((a, b))
    return pairs


@dataclass
class RescanResult:
    initiatives: int
    pairs_compared: int
    created: int
    updated: int
    removed: int
    kept_reviewed: int


def rescan(*, threshold: float = DEFAULT_THRESHOLD, batch_size: int = 2000) -> RescanResult:
    """Recompute the OverlapCandidate rows of every pair scoring ``threshold`` or more.

    Pairs already there get their new score and reasons and keep their review state, reviewer
    and note. Pairs no longer above the threshold are removed only while nobody has reviewed
    them; a reviewed pair stays, with its new score, whatever it is.
    """
    records = _all_records()
    names = _Names.load(
        communes={c for r in records.values() for c in r.communes},
        sectors={s for r in records.values() for s in (r.sector_id, r.subsector_id)},
        groups={g for r in records.values() for g in r.groups},
    )
    light = place_tokens()
    pairs = candidate_pairs(records, light)
    found: dict[tuple[int, int], tuple[float, list[dict]]] = {}
    for a, b in pairs:
        score, reasons = score_pair(records[a], records[b], names, minimum=threshold, light=light)
        if score >= threshold:
            found[(a, b)] = (score, reasons)
    now = timezone.now()
    created = updated = removed = kept = 0
    with transaction.atomic():
        existing = {
            (row.first_id, row.second_id): row
            for row in OverlapCandidate.objects.only(
                "id", "first_id", "second_id", "score", "reasons", "state"
            ).iterator(chunk_size=10_000)
        }
        to_update, stale = [], []
        for key, row in existing.items():
            if key in found:
                score, reasons = found[key]
            elif row.state == OverlapCandidate.State.TO_REVIEW:
                stale.append(row.pk)
                continue
            else:
                kept += 1
                if key[0] not in records or key[1] not in records:
                    continue
                score, reasons = score_pair(records[key[0]], records[key[1]], names, light=light)
            if abs(row.score - score) > 1e-4 or row.reasons != reasons:
                row.score, row.reasons, row.updated_at = score, reasons, now
                to_update.append(row)
        OverlapCandidate.objects.bulk_update(
            to_update, ["score", "reasons", "updated_at"], batch_size=batch_size
        )
        updated = len(to_update)
        for start in range(0, len(stale), batch_size):
            removed += OverlapCandidate.objects.filter(
                pk__in=stale[start : start + batch_size]
            ).delete()[0]
        new = [
            OverlapCandidate(first_id=a, second_id=b, score=score, reasons=reasons)
            for (a, b), (score, reasons) in found.items()
            if (a, b) not in existing
        ]
        OverlapCandidate.objects.bulk_create(new, batch_size=batch_size)
        created = len(new)
    return RescanResult(len(records), len(pairs), created, updated, removed, kept)
