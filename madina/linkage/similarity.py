"""How alike two person records are, with the reasons, for the duplicate finder of one organisation.

:func:`score` compares two :class:`PersonRecord` in clear: name parts in any script and order
(:mod:`madina.linkage.normalise`), date of birth (exact, close, the same year only, approximate
when either is an estimate), sex, nationality and phone (compared as E.164 numbers). It returns a
score in [0, 1] and the reasons as machine codes with a translatable label each.

The score is a weighted mean of the name, birth date, nationality and phone similarities, lowered
when the sexes differ, and capped by the name similarity (two people are not the same because
they were born on the same day). ``PROBABLE`` is the threshold the benchmarks were run at.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import phonenumbers
from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import JaroWinkler, Levenshtein

from madina.linkage.normalise import NamePart, name_parts

PROBABLE = 0.72

REASONS = {
    "name_same": _("Same name"),
    "name_same_across_scripts": _("Same name in another script or transliteration"),
    "name_similar": _("Similar name"),
    "name_different": _("Different name"),
    "name_order_swapped": _("Name parts in another order"),
    "name_part_missing": _("A name part is missing on one record"),
    "birth_date_same": _("Same date of birth"),
    "birth_date_close": _("Close date of birth"),
    "birth_year_same": _("Same year of birth"),
    "birth_date_approximate": _("Date of birth compatible with an estimate"),
    "birth_date_different": _("Different date of birth"),
    "sex_same": _("Same sex"),
    "sex_different": _("Different sex"),
    "nationality_same": _("Same nationality"),
    "nationality_different": _("Different nationality"),
    "phone_same": _("Same phone number"),
}


@dataclass(frozen=True)
class PersonRecord:
    """The identifying fields of a person, as ``cases.PersonIdentity`` holds them."""

    given_names: str = ""
    family_names: str = ""
    birth_date: datetime.date | None = None
    birth_date_is_estimate: bool = False
    sex: str = ""
    nationality: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Reason:
    code: str

    @property
    def label(self):
        return REASONS[self.code]


@dataclass(frozen=True)
class Match:
    score: float
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    @property
    def probable(self) -> bool:
        return self.score >= PROBABLE


def part_similarity(a: NamePart, b: NamePart) -> float:
    """Similarity of two name parts: 1 same spelling, 0.95 same key, lower for near names."""
    if a.text == b.text:
        return 1.0
    if a.key == b.key:
        return 0.95
    if a.name is not None and a.name == b.name:
        return 0.92
    if set(a.keys) & set(b.keys):
        return 0.85  # a particle dropped: "Benali" / "Ali"
    if _feminine_pair(a.key, b.key):
        return 0.2  # Karim / Karima, Nabil / Nabila: the feminine form is another name
    fuzzy = JaroWinkler.similarity(a.key, b.key)
    if a.script == b.script:
        fuzzy = max(fuzzy, JaroWinkler.similarity(a.text, b.text))
    if a.name is not None and b.name is not None:
        return 0.3 * fuzzy  # two different known names: Fatima / Fatiha
    if a.script != b.script:
        # Latin spellings write short vowels Arabic does not (طارق / Tarik): the Latin key
        # without its vowel marks may meet the Arabic key.
        arabic, latin = (a, b) if a.script == "arabic" else (b, a)
        if _without_marks(latin.key) == arabic.key:
            return 0.9
    # Unrelated short words often reach 0.7 in Jaro-Winkler: only close spellings score well.
    return 0.9 * fuzzy**4


def _without_marks(key: str) -> str:
    return key.replace("I", "").replace("U", "")


def _feminine_pair(first: str, second: str) -> bool:
    shorter, longer = sorted((first, second), key=len)
    return len(shorter) >= 3 and longer == shorter + "a"


def _assign(first: list[NamePart], second: list[NamePart]) -> list[tuple[int, int, float]]:
    """Pairs of parts, best first, each part used once (greedy assignment)."""
    candidates = sorted(
        ((part_similarity(a, b), i, j) for i, a in enumerate(first) for j, b in enumerate(second)),
        reverse=True,
    )
    used_first: set[int] = set()
    used_second: set[int] = set()
    pairs = []
    for similarity, i, j in candidates:
        if i in used_first or j in used_second:
            continue
        used_first.add(i)
        used_second.add(j)
        pairs.append((i, j, similarity))
    return pairs


def name_similarity(a: PersonRecord, b: PersonRecord) -> tuple[float, list[str]]:
    given_a, family_a = name_parts(a.given_names), name_parts(a.family_names)
    given_b, family_b = name_parts(b.given_names), name_parts(b.family_names)
    first, second = given_a + family_a, given_b + family_b
    if not first or not second:
        return 0.0, []
    pairs = _assign(first, second)
    similarities = [similarity for _i, _j, similarity in pairs]
    mean = sum(similarities) / len(similarities)
    value = 0.4 * mean + 0.6 * min(similarities)
    extra = max(len(first), len(second)) - len(pairs)
    value *= 0.97**extra
    codes = []
    if min(similarities) >= 0.999 and not extra:
        codes.append("name_same")
    elif min(similarities) >= 0.9:
        codes.append("name_same_across_scripts")
    elif value >= 0.75:
        codes.append("name_similar")
    else:
        codes.append("name_different")
    swapped = sum(
        (i < len(given_a)) != (j < len(given_b)) for i, j, similarity in pairs if similarity > 0.8
    )
    if swapped and given_a and given_b and family_a and family_b:
        codes.append("name_order_swapped")
    if extra:
        codes.append("name_part_missing")
    return value, codes


def birth_date_similarity(a: PersonRecord, b: PersonRecord) -> tuple[float | None, str | None]:
    first, second = a.birth_date, b.birth_date
    if first is None or second is None:
        return None, None
    estimate = a.birth_date_is_estimate or b.birth_date_is_estimate
    if first == second:
        return 1.0, "birth_date_same"
    days = abs((first - second).days)
    swapped = first.year == second.year and (first.month, first.day) == (second.day, second.month)
    typo = Levenshtein.distance(first.strftime("%Y%m%d"), second.strftime("%Y%m%d")) == 1
    if swapped or days <= 3 or (typo and days <= 2 * 366):
        return 0.85, "birth_date_close"
    if first.year == second.year:
        return (0.85 if estimate else 0.6), "birth_year_same"
    if days <= 45:
        return 0.7, "birth_date_close"
    if estimate and abs(first.year - second.year) <= 2:
        return 0.6, "birth_date_approximate"
    return 0.0, "birth_date_different"


def normalise_phone(number: str, region: str = "MA") -> str:
    """The E.164 form of a phone number ("0661-23 45 67" → "+212661234567"), or ""."""
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def score(a: PersonRecord, b: PersonRecord) -> Match:
    """How likely two records are the same person, in [0, 1], with the reasons."""
    name, codes = name_similarity(a, b)
    weighted = [(name, 0.6)]
    birth, birth_code = birth_date_similarity(a, b)
    if birth is not None:
        weighted.append((birth, 0.35))
        codes.append(birth_code)
    if a.nationality and b.nationality:
        same = a.nationality.upper() == b.nationality.upper()
        weighted.append((1.0 if same else 0.0, 0.05))
        codes.append("nationality_same" if same else "nationality_different")
    value = sum(s * w for s, w in weighted) / sum(w for _s, w in weighted)
    phone_a, phone_b = normalise_phone(a.phone), normalise_phone(b.phone)
    if phone_a and phone_a == phone_b:
        # A shared phone is strong evidence, but families share one: it raises, never decides.
        value += (1.0 - value) * 0.3
        codes.append("phone_same")
    if a.sex and b.sex:
        if a.sex == b.sex:
            codes.append("sex_same")
        else:
            value *= 0.6
            codes.append("sex_different")
    value = min(value, name + 0.05)
    return Match(round(max(0.0, min(1.0, value)), 4), tuple(Reason(code) for code in codes))
