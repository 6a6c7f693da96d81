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
plus a pass that pairs identical token sets across sectors, before scoring the survivors. Each
initiative is reduced once (tokens, weights, day numbers), each pair is dropped as soon as a
bound of its score falls under the threshold, and the rows are written with prepared statements,
only when they change: 100,000 initiatives in about 20 s (``bench/duplicates/run.py``).

Both paths score a pair with the same function (``_compare``), and the score depends on nothing
but the pair: names are matched in a fixed order and weights summed exactly (``math.fsum``), so
that no run, process or path gives another score.
"""

from __future__ import annotations

import datetime
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from math import fsum
from operator import itemgetter
from typing import NamedTuple

from django.db import connections, router, transaction
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

    @property
    def all_titles(self) -> tuple[str, ...]:
        """The title and its translations, those given."""
        return tuple(title for title in (self.title, *self.titles) if title)

    @cached_property
    def title_tokens(self) -> list[frozenset[str]]:
        return [frozenset(concept_tokens(title)) for title in self.all_titles]

    @cached_property
    def description_tokens(self) -> frozenset[str]:
        return frozenset(concept_tokens(self.description)) if self.description else frozenset()


# --- Similarity ---------------------------------------------------------------------------------
#
# The live check and the rescan both score a pair with ``_compare``, on the ``_Features`` of each
# side: its titles and description as weighted token sets and its dates as day numbers, worked
# out once per record. The score of a pair is therefore the same whichever path computes it.


class _Text(NamedTuple):
    """A title or a description as compared: its tokens, their total weight, and its names
    (skeleton tokens, which also match a name spelt a little differently), sorted."""

    tokens: frozenset[str]
    weight: float
    names: tuple[str, ...]


class _Weights(dict[str, float]):
    """The weight of each token when the ``light`` tokens weigh ``PLACE_WEIGHT``, filled as
    tokens are met."""

    def __init__(self, light: frozenset[str]):
        super().__init__()
        self.light = light
        self._titles: dict[str, _Text] = {}

    def __missing__(self, token: str) -> float:
        weight = self[token] = PLACE_WEIGHT if token in self.light else token_weight(token)
        return weight

    def text(self, tokens: Iterable[str]) -> _Text:
        tokens = tokens if isinstance(tokens, frozenset) else frozenset(tokens)
        return _Text(
            tokens,
            fsum(map(self.__getitem__, tokens)),
            tuple(sorted(token for token in tokens if token[0] == SKELETON_PREFIX)),
        )

    def title(self, title: str) -> _Text:
        """The text of a title, kept (up to 100,000): the live check meets the same titles again
        and again as users type."""
        text = self._titles.get(title)
        if text is None:
            if len(self._titles) >= 100_000:
                self._titles.clear()
            text = self._titles[title] = self.text(concept_tokens(title))
        return text


_WEIGHTS: dict[frozenset[str], _Weights] = {}


def _weights(light: frozenset[str]) -> _Weights:
    weights = _WEIGHTS.get(light)
    if weights is None:
        if len(_WEIGHTS) >= 8:
            _WEIGHTS.clear()
        weights = _WEIGHTS[light] = _Weights(light)
    return weights


def _name_similarity(first: str, second: str, cutoff: float) -> float:
    """How alike two names (skeleton tokens) are, 0 under ``cutoff``. Names whose lengths alone
    keep them under it are not compared: Indel similarity is at most 2 × shorter / both."""
    if 2 * min(len(first), len(second)) - 2 < cutoff * (len(first) + len(second) - 2) - 1e-9:
        return 0.0
    return Indel.normalized_similarity(first[1:], second[1:], score_cutoff=cutoff)


def _similarity(first: _Text, second: _Text, weights: _Weights, fuzzy: bool = True) -> float:
    if not first.tokens or not second.tokens:
        return 0.0
    shared = first.tokens & second.tokens
    matched = fsum(map(weights.__getitem__, shared)) if shared else 0.0
    if fuzzy and first.names and second.names:
        left = [name for name in second.names if name not in shared]
        for name in first.names:
            if not left:
                break
            if name in shared:
                continue
            best, best_ratio = None, NAME_SIMILARITY
            for other in left:
                ratio = _name_similarity(name, other, best_ratio)
                if ratio >= best_ratio:
                    best, best_ratio = other, ratio
            if best is not None:
                matched += best_ratio * min(weights[name], weights[best])
                left.remove(best)
    dice = 2 * matched / (first.weight + second.weight)
    overlap = matched / min(first.weight, second.weight)
    return min(1.0, (2 * dice + overlap) / 3)


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
    weights = _weights(light)
    return _similarity(weights.text(first), weights.text(second), weights, fuzzy)


_LOW, _HIGH = datetime.date.min, datetime.date.max
_LOW_DAY, _HIGH_DAY = _LOW.toordinal(), _HIGH.toordinal()
_TOLERANCE_DAYS = DATE_TOLERANCE.days


class _Period(NamedTuple):
    """Dates as day numbers (None when unknown), and the length of the period when both are."""

    start: int | None
    end: int | None
    days: int | None


def _period(start: datetime.date | None, end: datetime.date | None) -> _Period:
    first = start.toordinal() if start is not None else None
    last = end.toordinal() if end is not None else None
    return _Period(
        first, last, last - first + 1 if first is not None and last is not None else None
    )


def _dates(first: _Period, second: _Period) -> tuple[float, tuple[int, int] | None]:
    """Share of the shorter period that the two share (0..1), and the shared period.

    Unknown dates give 0.5; periods that miss each other by less than ``DATE_TOLERANCE`` 0.5;
    periods further apart 0.
    """
    if first.start is None and first.end is None or second.start is None and second.end is None:
        return 0.5, None
    start = max(first.start or _LOW_DAY, second.start or _LOW_DAY)
    end = min(first.end or _HIGH_DAY, second.end or _HIGH_DAY)
    if end < start:
        return (0.5 if start - end <= _TOLERANCE_DAYS else 0.0), None
    if first.days is None and second.days is None:
        return 1.0, (start, end)
    shorter = min(days for days in (first.days, second.days) if days is not None)
    return min(1.0, (end - start + 1) / shorter), (start, end)


def _sector_match(first, second) -> float:
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


def _structure(communes: float, sector: float, groups: float, dates: float) -> float:
    return (
        _STRUCTURE_WEIGHTS["communes"] * communes
        + _STRUCTURE_WEIGHTS["sector"] * sector
        + _STRUCTURE_WEIGHTS["groups"] * groups
        + _STRUCTURE_WEIGHTS["dates"] * dates
    )


def _combined(text: float, structure: float, apart: bool) -> float:
    score = text**_TEXT_EXPONENT * (_STRUCTURE_FLOOR + (1 - _STRUCTURE_FLOOR) * structure)
    if apart:
        score *= _APART_FACTOR
    return min(1.0, score)


def combine(text: float, communes: float, sector: float, groups: float, dates: float) -> float:
    """The score from the text similarity and the four structural agreements (each 0..1).

    Multiplicative: two initiatives in the same place, sector, groups and period that do
    different things are not duplicates, and the same words elsewhere or in another year are
    not either. Periods far apart (``dates`` 0) cost a further 40 %.
    """
    return _combined(text, _structure(communes, sector, groups, dates), dates == 0)


# ``concept_tokens`` without its cache, which serves the live check: the rescan keeps its own.
_concept_tokens = concept_tokens.__wrapped__


class _Texts:
    """The texts of the registry reduced for one rescan, each once. Equal texts, token sets and
    tokens are held once (descriptions repeat), and the live check's cache is left alone."""

    def __init__(self, weights: _Weights):
        self.weights = weights
        self._by_text: dict[str, _Text] = {}
        self._by_tokens: dict[frozenset[str], _Text] = {}
        self._tokens: dict[str, str] = {}

    def __call__(self, text: str) -> _Text:
        found = self._by_text.get(text)
        if found is None:
            tokens = frozenset(
                self._tokens.setdefault(token, token) for token in _concept_tokens(text)
            )
            found = self._by_tokens.get(tokens)
            if found is None:
                found = self._by_tokens[tokens] = self.weights.text(tokens)
            self._by_text[text] = found
        return found


class _Features:
    """What the score of a pair reads of one record, worked out once for a set of weights.

    ``texts`` reduces the titles and description (by default, the record's own cached tokens).
    The description is reduced only when a pair needs it: most pairs are settled on titles.
    """

    __slots__ = (
        "_description",
        "_texts",
        "communes",
        "described",
        "groups",
        "period",
        "record",
        "sector_id",
        "subsector_id",
        "titles",
        "weights",
    )

    def __init__(self, record: Record, weights: _Weights, texts: _Texts | None = None):
        self.record = record
        self.weights = weights
        self._texts = texts
        if texts is None:
            self.titles = tuple(weights.text(tokens) for tokens in record.title_tokens)
        else:
            self.titles = tuple(texts(title) for title in record.all_titles)
        self.communes = record.communes
        self.groups = record.groups
        self.sector_id = record.sector_id
        self.subsector_id = record.subsector_id
        self.period = _period(record.start, record.end)
        self.described = bool(record.description)
        self._description: _Text | None = None

    @property
    def description(self) -> _Text:
        if self._description is None:
            if self._texts is None:
                self._description = self.weights.text(self.record.description_tokens)
            else:
                self._description = self._texts(self.record.description)
        return self._description


class _Comparison(NamedTuple):
    score: float
    title: float
    description: float
    period: tuple[int, int] | None


def _compare(first: _Features, second: _Features, minimum: float = 0.0) -> _Comparison | None:
    """The score of a pair and what it rests on; None when its score, rounded as it is stored,
    stays under ``minimum``.

    The cheap parts come first: the structure alone (as if the texts were the same), then the
    titles (with the best possible description) bound the score from above, so that a pair that
    cannot reach ``minimum`` is dropped before its descriptions are compared.
    """
    dates, period = _dates(first.period, second.period)
    structure = _structure(
        _set_overlap(first.communes, second.communes),
        _sector_match(first, second),
        _set_overlap(first.groups, second.groups),
        dates,
    )
    apart = dates == 0
    if minimum and round(_combined(1.0, structure, apart), 4) < minimum:
        return None
    weights = first.weights
    if len(first.titles) == 1 and len(second.titles) == 1:
        title = _similarity(first.titles[0], second.titles[0], weights)
    else:
        title = max(
            (_similarity(a, b, weights) for a in first.titles for b in second.titles),
            default=0.0,
        )
    described = first.described and second.described
    if minimum:
        best = _combined(0.8 * title + 0.2 if described else title, structure, apart)
        if round(best, 4) < minimum:
            return None
    description = 0.0
    if described:
        description = _similarity(first.description, second.description, weights, fuzzy=False)
        text = 0.8 * title + 0.2 * max(description, title * 0.5)
    else:
        text = title
    score = _combined(text, structure, apart)
    if minimum and round(score, 4) < minimum:
        return None
    return _Comparison(score, title, description, period)


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


def _reasons(first: Record, second: Record, compared: _Comparison, names: _Names) -> list[dict]:
    """Why a pair scored as it did, most telling first."""
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
    if compared.period is not None:
        start, end = compared.period
        reasons.append(
            {
                "code": "dates",
                "start": datetime.date.fromordinal(start).isoformat()
                if start != _LOW_DAY
                else None,
                "end": datetime.date.fromordinal(end).isoformat() if end != _HIGH_DAY else None,
            }
        )
    if compared.title >= TEXT_REASON:
        reasons.append({"code": "title", "similarity": round(compared.title, 2)})
    if compared.description >= TEXT_REASON:
        reasons.append({"code": "description", "similarity": round(compared.description, 2)})
    return reasons


def score_pair(
    first: Record,
    second: Record,
    names: _Names | None = None,
    *,
    minimum: float = 0.0,
    light: frozenset[str] | None = None,
) -> tuple[float, list[dict]]:
    """The score of a pair (0..1, rounded to 4 decimals) and its reasons, most telling first.

    A pair whose score stays under ``minimum`` gives ``(0.0, [])``: the rescan discards those
    pairs anyway. ``light``: the place tokens (:func:`place_tokens` by default).
    """
    weights = _weights(place_tokens() if light is None else light)
    compared = _compare(_Features(first, weights), _Features(second, weights), minimum)
    if compared is None:
        return 0.0, []
    return round(compared.score, 4), _reasons(first, second, compared, names or _Names())


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
    """A draft's fields (as posted: ids or objects, ISO dates, titles in other languages as
    ``translations``, ``{"en": {"title": …}}``) or an initiative, as a Record."""
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
        titles=tuple(str(title)[:300] for title in _translated_titles(draft.get("translations"))),
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
    weights = _weights(place_tokens())
    mine = _Features(record, weights)
    ranked = []
    other = Record(None)
    for pk, title, sector_id, subsector_id, start, end in rows:
        other.sector_id, other.subsector_id = sector_id, subsector_id
        theirs = weights.title(title)
        text = max((_similarity(ours, theirs, weights) for ours in mine.titles), default=0.0)
        communes = shared.get(pk, 0) / len(record.communes) if record.communes else 0.5
        quick = combine(
            min(1.0, text + 0.1),
            communes,
            _sector_match(record, other),
            0.5,
            _dates(mine.period, _period(start, end))[0],
        )
        ranked.append((quick, pk))
    ranked.sort(reverse=True)
    shortlist = [
        pk for quick, pk in ranked[: max(_SHORTLIST, limit * 3)] if quick >= threshold * 0.7
    ]
    full = _load_records(shortlist)
    scored = []
    for pk in shortlist:
        compared = _compare(mine, _Features(full[pk], weights))
        score = round(compared.score, 4)
        if score >= threshold:
            scored.append((score, pk, _reasons(record, full[pk], compared, names)))
    scored.sort(key=lambda item: (-item[0], item[1]))
    scored = scored[:limit]
    initiatives = Initiative.objects.select_related("lead_organisation", "sector").in_bulk(
        [pk for _score, pk, _why in scored]
    )
    return [Candidate(initiatives[pk], score, reasons) for score, pk, reasons in scored]


# --- The full rescan ----------------------------------------------------------------------------


def _all_records() -> dict[int, Record]:
    """Every initiative but the cancelled ones; equal sets of communes or groups are held once."""
    sets: dict[frozenset[int], frozenset[int]] = {}

    def once(ids: Iterable[int]) -> frozenset[int]:
        ids = frozenset(ids)
        return sets.setdefault(ids, ids)

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
            communes=once(communes.get(pk, ())),
            groups=once(groups.get(pk, ())),
            start=start,
            end=end,
        )
        for pk, title, description, translations, sector_id, subsector_id, start, end in rows
    }


def candidate_pairs(features: Mapping[int, _Features]) -> Iterator[tuple[int, int]]:
    """Pairs (lower id first, each once) worth scoring: same commune and sector, overlapping
    periods and titles sharing at least ``_RESCAN_MIN_DICE`` of their weight; or same commune and
    exactly the same title tokens whatever the sector.

    Each title becomes a bit-set in which a token takes as many bits as its weight in quarters
    (a place name 1, "migrants" 2, a telling word 4), so that one AND and one bit count give the
    weighted overlap of two titles. Pairs are yielded as they are found, so that the rescan
    scores them without holding them all.
    """
    bits: dict[str, int] = {}
    width = 0
    by_block: dict[tuple, list[tuple[int, int, int, int, int]]] = defaultdict(list)
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for pk, feature in features.items():
        titles = feature.titles
        if len(titles) == 1:
            tokens = titles[0].tokens
        else:
            tokens = frozenset().union(*(title.tokens for title in titles))
        mask = 0
        for token in tokens:
            token_bits = bits.get(token)
            if token_bits is None:
                copies = max(1, round(4 * feature.weights[token]))
                token_bits = bits[token] = ((1 << copies) - 1) << width
                width += copies
            mask |= token_bits
        start, end = feature.period.start, feature.period.end
        row = (
            pk,
            mask,
            mask.bit_count(),
            -(10**9) if start is None else start,
            10**9 if end is None else end,
        )
        for commune in feature.communes:
            by_block[(commune, feature.sector_id)].append(row)
            if tokens:
                by_key[(commune, tokens)].append(pk)
    # Pairs met twice: identical titles also in one block, or two initiatives sharing two
    # communes. Every other pair is met once, and is not remembered.
    seen: set[tuple[int, int]] = set()
    for members in by_key.values():
        members.sort()
        for index, a in enumerate(members):
            for b in members[index + 1 :]:
                if (a, b) not in seen:
                    seen.add((a, b))
                    yield a, b
    several = {pk for pk, feature in features.items() if len(feature.communes) > 1}
    tolerance = DATE_TOLERANCE.days
    for members in by_block.values():
        if len(members) < 2:
            continue
        members.sort(key=itemgetter(3))
        for index, (a, mask_a, count_a, _start_a, end_a) in enumerate(members):
            if not count_a:
                continue
            horizon = end_a + tolerance
            for b, mask_b, count_b, start_b, _end_b in members[index + 1 :]:
                if start_b > horizon:
                    break  # sorted by start: every later one starts after this one ends
                shared = (mask_a & mask_b).bit_count()
                if shared and 2 * shared >= _RESCAN_MIN_DICE * (count_a + count_b):
                    pair = (a, b) if a < b else (b, a)
                    if pair in seen:
                        continue
                    if (
                        a in several
                        and b in several
                        and len(features[a].communes & features[b].communes) > 1
                    ):
                        seen.add(pair)
                    yield pair


@dataclass
class RescanResult:
    initiatives: int
    pairs_compared: int
    created: int
    updated: int
    removed: int
    kept_reviewed: int


def _insert_pairs(rows: list[tuple[int, int, float, list[dict]]], now: datetime.datetime) -> None:
    """Insert new pairs with one prepared statement.

    ``bulk_create`` compiles every value of every row: for the 140,000 pairs of a registry of
    100,000 initiatives, about 15 s. The values still go through each field's
    ``get_db_prep_save`` (JSON, dates), and the fields not given take their defaults.
    """
    if not rows:
        return
    meta = OverlapCandidate._meta
    connection = connections[router.db_for_write(OverlapCandidate)]
    template = OverlapCandidate(first_id=0, second_id=0, score=0.0, created_at=now, updated_at=now)
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    base = [
        field.get_db_prep_save(getattr(template, field.attname), connection) for field in fields
    ]
    slots = [
        next(index for index, field in enumerate(fields) if field.name == name)
        for name in ("first", "second", "score", "reasons")
    ]
    to_json = meta.get_field("reasons").get_db_prep_save
    quote = connection.ops.quote_name
    # S608: the table and column names come from the model and are quoted; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = []
    for first, second, score, reasons in rows:
        row = base.copy()
        for slot, value in zip(
            slots, (first, second, score, to_json(reasons, connection)), strict=True
        ):
            row[slot] = value
        params.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _update_pairs(rows: list[tuple[int, float, list[dict]]], now: datetime.datetime) -> None:
    """Give existing pairs (by id) their new score and reasons, with one prepared statement."""
    if not rows:
        return
    meta = OverlapCandidate._meta
    connection = connections[router.db_for_write(OverlapCandidate)]
    quote = connection.ops.quote_name
    table, score, reasons, updated_at, pk = (
        quote(name)
        for name in (
            meta.db_table,
            *(meta.get_field(field).column for field in ("score", "reasons", "updated_at")),
            meta.pk.column,
        )
    )
    # S608: as in _insert_pairs, names from the model, values as parameters.
    sql = f"UPDATE {table} SET {score} = %s, {reasons} = %s, {updated_at} = %s WHERE {pk} = %s"  # noqa: S608
    to_json = meta.get_field("reasons").get_db_prep_save
    stamp = meta.get_field("updated_at").get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [(value, to_json(why, connection), stamp, pk) for pk, value, why in rows]
        )


@contextmanager
def _without_cycle_collection():
    """Python's cycle collector off for a while. The rescan holds millions of objects until it
    ends, which form no cycles; the collector would walk all of them again and again for nothing
    (a tenth of the rescan's time at 40,000 initiatives)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rescan(*, threshold: float = DEFAULT_THRESHOLD, batch_size: int = 2000) -> RescanResult:
    """Recompute the OverlapCandidate rows of every pair scoring ``threshold`` or more.

    Pairs already there get their new score and reasons and keep their review state, reviewer
    and note. Pairs no longer above the threshold are removed only while nobody has reviewed
    them; a reviewed pair stays, with its new score, whatever it is. Rows whose score and reasons
    do not change are not written.

    Each initiative is reduced once (:class:`_Features`); each blocked pair is dropped as soon as
    a bound of its score falls under the threshold (:func:`_compare`), and reasons are worked out
    only for the rows written.
    """
    with _without_cycle_collection():
        records = _all_records()
        names = _Names.load(
            communes={c for r in records.values() for c in r.communes},
            sectors={s for r in records.values() for s in (r.sector_id, r.subsector_id)},
            groups={g for r in records.values() for g in r.groups},
        )
        weights = _weights(place_tokens())
        texts = _Texts(weights)
        features = {pk: _Features(record, weights, texts) for pk, record in records.items()}
        found: dict[tuple[int, int], _Comparison] = {}
        compared = 0
        for a, b in candidate_pairs(features):
            compared += 1
            result = _compare(features[a], features[b], threshold)
            if result is not None:
                found[(a, b)] = result
        created, updated, removed, kept = _write(
            found, records, features, names, batch_size=batch_size
        )
    return RescanResult(len(records), compared, created, updated, removed, kept)


def _write(
    found: dict[tuple[int, int], _Comparison],
    records: dict[int, Record],
    features: dict[int, _Features],
    names: _Names,
    *,
    batch_size: int,
) -> tuple[int, int, int, int]:
    """Store the pairs found, keeping reviews: (created, updated, removed, kept reviewed)."""
    now = timezone.now()
    removed = kept = updated = 0
    with transaction.atomic():
        existing = {
            (first, second): (pk, score, state)
            for pk, first, second, score, state in OverlapCandidate.objects.order_by()
            .values_list("pk", "first_id", "second_id", "score", "state")
            .iterator(chunk_size=10_000)
        }
        again: list[tuple[int, tuple[int, int], _Comparison]] = []
        stale = []
        for key, (pk, _score, state) in existing.items():
            if key in found:
                again.append((pk, key, found[key]))
            elif state == OverlapCandidate.State.TO_REVIEW:
                stale.append(pk)
            else:
                kept += 1
                if key[0] in features and key[1] in features:
                    again.append((pk, key, _compare(features[key[0]], features[key[1]])))
        for start in range(0, len(again), batch_size):
            batch = again[start : start + batch_size]
            stored = dict(
                OverlapCandidate.objects.filter(pk__in=[pk for pk, _key, _result in batch])
                .order_by()
                .values_list("pk", "reasons")
            )
            changed = []
            for pk, (a, b), result in batch:
                score = round(result.score, 4)
                reasons = _reasons(records[a], records[b], result, names)
                if abs(existing[(a, b)][1] - score) > 1e-4 or stored[pk] != reasons:
                    changed.append((pk, score, reasons))
            _update_pairs(changed, now)
            updated += len(changed)
        for start in range(0, len(stale), batch_size):
            removed += OverlapCandidate.objects.filter(
                pk__in=stale[start : start + batch_size]
            ).delete()[0]
        new = [key for key in found if key not in existing]
        for start in range(0, len(new), batch_size):
            rows = []
            for a, b in new[start : start + batch_size]:
                result = found[(a, b)]
                reasons = _reasons(records[a], records[b], result, names)
                rows.append((a, b, round(result.score, 4), reasons))
            _insert_pairs(rows, now)
    return len(new), updated, removed, kept
