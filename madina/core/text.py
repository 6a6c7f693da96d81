"""Text normalisation shared by search, matching and imports.

Names of places, organisations and people reach Madina in Arabic script and in several Latin
transliterations (Beni Ansar / Bni Ansar, Zeghanghane / Zghanghane, Mohamed / Muhammad). Every
search key is built here, so that the registry, the duplicate checks and the importers agree on
what "the same name" means.

Three forms are produced:

* ``normalise_arabic`` folds the orthographic variants of Arabic script (hamza on alef, alef
  madda and wasla, ta marbuta, alef maqsura, hamza on waw and ya, Persian ya and kaf, tatweel and
  every diacritic);
* ``fold_latin`` lower-cases Latin text and strips accents (Aïn → ain, Mérada → merada);
* ``skeleton`` reduces a Latin word to its consonants after folding the transliteration habits of
  French and English for Maghrebi Arabic (ou/w, ch/sh, kh, gh, dj, q/k, doubled letters), so that
  spellings that differ only in their vowels or doubling meet.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db.models import Q

# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks) and tatweel.
ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ی": "ي",
        "ک": "ك",
        "ڤ": "ف",
        "ڭ": "ك",
        "گ": "ك",
        # Eastern Arabic and Persian digits become ASCII digits.
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
_SEPARATORS = re.compile(r"[\s\-_'’‘`.,;:/()\[\]\"«»،؛]+")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")

# Ordered: longer patterns first. Upper-case letters are placeholders for one consonant sound.
_DIGRAPHS = [
    ("tch", "C"),
    ("sch", "C"),
    ("ch", "C"),
    ("sh", "C"),
    ("kh", "X"),
    ("gh", "G"),
    ("dj", "j"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("ck", "k"),
    ("ou", "u"),
    ("ce", "se"),
    ("ci", "si"),
    ("q", "k"),
    ("c", "k"),
    ("w", "u"),
    ("y", "i"),
]
_VOWELS = re.compile("[aeiou]")
_REPEATS = re.compile(r"(.)\1+")


def normalise_arabic(text: str) -> str:
    """Fold the spelling variants of Arabic script; other characters pass through."""
    text = unicodedata.normalize("NFKC", text)
    text = ARABIC_MARKS.sub("", text)
    text = text.translate(_ARABIC_FOLD)
    # A lone hamza carries no distinction users type consistently.
    text = text.replace("ء", "")
    return _SEPARATORS.sub(" ", text).strip()


def fold_latin(text: str) -> str:
    """Lower-case, strip accents and collapse separators: "Aïn Béni-Mathar" → "ain beni mathar"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", stripped.casefold()).strip()


def _skeleton_word(word: str) -> str:
    if _ARABIC_LETTER.search(word):
        return ""
    for pattern, replacement in _DIGRAPHS:
        word = word.replace(pattern, replacement)
    word = _VOWELS.sub("", word)
    return _REPEATS.sub(r"\1", word).lower()


def skeleton(text: str) -> str:
    """The consonant skeleton of a Latin name: "Zeghanghane" and "Zghanghane" → "zgngn"."""
    words = (_skeleton_word(word) for word in fold_latin(text).split())
    return " ".join(word for word in words if word)


def normalise(text: str) -> str:
    """The folded form of any text, Arabic or Latin."""
    return fold_latin(normalise_arabic(text))


def search_text(names: Iterable[str | None]) -> str:
    """The stored search key of a record: every name in its folded and skeleton forms."""
    parts: list[str] = []
    for name in names:
        if not name:
            continue
        folded = normalise(name)
        parts.append(folded)
        bones = skeleton(folded)
        if bones:
            parts.append(bones)
    unique = list(dict.fromkeys(part for part in parts if part))
    return " | ".join(unique)


# Letters that people in the region write for one another: ض and ظ are both said "d" in Moroccan
# Arabic (الناضور / الناظور). A query word is also looked up with each swapped.
_CONFUSED_LETTERS = [("ض", "ظ"), ("ظ", "ض")]


def merge_confused(text: str) -> str:
    """``text`` with the letters people write for one another made one (ظ written as ض)."""
    for written, kept in _CONFUSED_LETTERS[1:]:
        text = text.replace(written, kept)
    return text


def query_alternatives(query: str) -> list[set[str]]:
    """For each word of a query, the forms under which it may be stored."""
    alternatives = []
    for word in normalise(query).split():
        forms = {word}
        forms.update(word.replace(a, b) for a, b in _CONFUSED_LETTERS if a in word)
        bones = _skeleton_word(word)
        if bones:
            forms.add(bones)
        alternatives.append(forms)
    return alternatives


def search_q(query: str, field: str = "search_text") -> Q:
    """A filter that every word of the query matches, under any of its forms.

    An empty query matches everything.
    """
    condition = Q()
    for forms in query_alternatives(query):
        word_q = Q()
        for form in forms:
            word_q |= Q(**{f"{field}__contains": form})
        condition &= word_q
    return condition


# --- Across scripts and languages ---------------------------------------------------------------
#
# The duplicate finder compares titles written in Arabic, French and English. Two tools make them
# comparable: an Arabic → Latin consonant skeleton that meets the Latin ``skeleton`` above (place
# and personal names), and a lexicon of the domain's usual words (data/lexicon.csv) that maps the
# forms of the three languages to one concept ("caravane médicale", "قافلة طبية" and "medical
# caravan" all become {caravan, medical}).

# Arabic letters to the Latin consonant each transliteration habit reduces to in ``skeleton``:
# ش is "ch/sh" (C), خ "kh" (X), غ "gh" (G); the long vowels, alef, ain and hamza carry nothing.
_ARABIC_TO_SKELETON = str.maketrans(
    {
        "ب": "b",
        "ت": "t",
        "ث": "t",
        "ج": "j",
        "ح": "h",
        "خ": "x",
        "د": "d",
        "ذ": "d",
        "ر": "r",
        "ز": "z",
        "س": "s",
        "ش": "c",
        "ص": "s",
        "ض": "d",
        "ط": "t",
        "ظ": "d",
        "ع": "",
        "غ": "g",
        "ف": "f",
        "ق": "k",
        "ك": "k",
        "ل": "l",
        "م": "m",
        "ن": "n",
        "ه": "h",
        "و": "",
        "ي": "",
        "ا": "",
        "ء": "",
    }
)
_ARABIC_ARTICLE = "ال"
# Moroccan "g" is written ج, ك, ڭ or ق in Arabic and g, gu or k in Latin; "Guercif" is جرسيف and
# "Gafait" كفايت. Comparisons across scripts fold these into one class.
_LOOSE_CONSONANTS = str.maketrans({"g": "k", "j": "k", "q": "k"})
# Latin renderings of the Arabic article, alone or hyphenated: "Al Aaroui", "Ras-El-Ma".
_LATIN_ARTICLE_SKELETONS = {"l"}


def _arabic_skeleton_word(word: str) -> str:
    if word.startswith(_ARABIC_ARTICLE) and len(word) > len(_ARABIC_ARTICLE) + 1:
        word = word[len(_ARABIC_ARTICLE) :]
    # A final ه is almost always a ta marbuta (folded by normalise_arabic): not pronounced in
    # Latin spellings ("وجدة" → "Oujda").
    if len(word) > 2 and word.endswith("ه"):
        word = word[:-1]
    bones = word.translate(_ARABIC_TO_SKELETON)
    if _ARABIC_LETTER.search(bones):
        return ""
    return _REPEATS.sub(r"\1", bones)


def arabic_skeleton(text: str) -> str:
    """The Latin consonant skeleton of an Arabic name, comparable with :func:`skeleton`.

    "بني أنصار" → "bn nsr" (as "Beni Ansar" and "Bni Ansar"), "الناظور" → "ndr" (as "Nador"):
    the article is dropped, since Latin spellings usually assimilate or omit it. Latin words in
    the text are skipped (use :func:`cross_skeleton` for mixed text).
    """
    words = (
        _arabic_skeleton_word(word)
        for word in normalise_arabic(text).split()
        if _ARABIC_LETTER.search(word)
    )
    return " ".join(word for word in words if word)


def cross_skeleton(text: str) -> str:
    """A key that Arabic and Latin spellings of one name share, whatever the script.

    Each word is reduced by :func:`arabic_skeleton` or :func:`skeleton`; the article ("al",
    "el", "ال") is dropped; g, j, q and k fall into one class. "العروي" and "Al Aaroui" → "r";
    "جرسيف" and "Guercif" → "krsf".
    """
    parts = []
    for word in normalise_arabic(text).split():
        if _ARABIC_LETTER.search(word):
            bones = _arabic_skeleton_word(word)
        else:
            bones = " ".join(
                part for part in skeleton(word).split() if part not in _LATIN_ARTICLE_SKELETONS
            )
        if bones:
            parts.append(bones.translate(_LOOSE_CONSONANTS))
    return _REPEATS.sub(r"\1", " ".join(parts))


STOPWORDS = {
    "fr": frozenset(
        "a à au aux avec ce ces cet cette chez contre d dans de des du en entre et l la le les "
        "leur leurs lors ou où par pour sa se ses son sur un une via y afin faveur profit "
        "niveau travers auprès dont que qui est sont tout tous toute toutes plus cadre sein "
        "al el".split()
    ),
    "en": frozenset(
        "a an and at by for from in into of on or the to with their its about among across "
        "through against within towards toward this that these those all as per".split()
    ),
    "ar": frozenset(
        normalise_arabic(word)
        for word in (
            "في من إلى الى على عن مع و أو او ثم هذا هذه ذلك تلك التي الذي الذين اللواتي "
            "لفائدة لصالح حول عبر بين ضد لدى قصد أجل خلال كل بعض عند تحت فوق بمدينة ب ل "
            "إطار اطار ضمن نحو لـ"
        ).split()
    ),
}
_ALL_STOPWORDS = frozenset(
    normalise(word) for words in STOPWORDS.values() for word in words if normalise(word)
)
_ARABIC_CLITICS = {"و", "ب", "ل", "ف"}
_ARABIC_PREFIXES = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال")
_LEXICON_PATH = Path(__file__).resolve().parent / "data" / "lexicon.csv"
_MAX_PHRASE = 4
CONCEPT_PREFIX = "="
SKELETON_PREFIX = "~"
NUMBER_PREFIX = "#"


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A light stem of one folded word: Arabic prefixes (ال، لل، بال، وال…) or Latin plurals.

    Arabic suffixes are left alone: they are listed in the lexicon, and stripping them confuses
    words (مدرسة school / مدرسين teachers).
    """
    if _ARABIC_LETTER.search(word):
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                return word[len(prefix) :]
        return word
    if len(word) > 3 and word[-1] in "sx" and word[-2] != "s":
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def _content_words(text: str) -> list[str]:
    return [stem(word) for word in normalise(text).split() if word not in _ALL_STOPWORDS]


@dataclass(frozen=True)
class Lexicon:
    """Forms of the domain's usual words (stemmed word tuples) → concept, and concept weights."""

    phrases: dict[tuple[str, ...], str]
    weights: dict[str, float]
    first_words: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon of data/lexicon.csv: columns concept, weight, fr, en, ar (forms joined by |).

    A weight below 1 marks a concept that says little on its own ("migrants", "project").
    """
    phrases: dict[tuple[str, ...], str] = {}
    weights: dict[str, float] = {}
    with _LEXICON_PATH.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            concept = row["concept"]
            weights[concept] = float(row["weight"])
            for language in ("fr", "en", "ar"):
                for form in row[language].split("|"):
                    key = tuple(_content_words(form))
                    if key:
                        phrases.setdefault(key, concept)
    return Lexicon(phrases, weights, frozenset(key[0] for key in phrases))


@lru_cache(maxsize=100_000)
def _word_token(word: str) -> str:
    if word.isdigit():
        return NUMBER_PREFIX + word
    bones = cross_skeleton(word)
    return SKELETON_PREFIX + bones.replace(" ", "") if len(bones) >= 2 else ""


@lru_cache(maxsize=200_000)
def concept_tokens(text: str) -> tuple[str, ...]:
    """The language-independent tokens of a text: concepts of the lexicon, else skeletons.

    "Caravane médicale au profit des migrants à Nador" and "قافلة طبية لفائدة المهاجرين
    بالناظور" both give ("=caravan", "=medical", "=migrant", "~ndr"). Stopwords of the three
    languages are dropped; words the lexicon does not know (names of places and organisations)
    become their cross-script skeleton; numbers stay. Cached: titles repeat across calls.
    """
    known = lexicon()
    phrases = known.phrases
    words = []
    for word in _content_words(text or ""):
        # A conjunction or preposition glued to a word: وحماية, بتحسيس, لتكوين.
        if (
            word not in known.first_words
            and word[:1] in _ARABIC_CLITICS
            and len(word) > 3
            and stem(word[1:]) in known.first_words
        ):
            word = stem(word[1:])
        words.append(word)
    tokens: list[str] = []
    index = 0
    while index < len(words):
        for size in range(min(_MAX_PHRASE, len(words) - index), 0, -1):
            concept = phrases.get(tuple(words[index : index + size]))
            if concept is not None:
                tokens.append(CONCEPT_PREFIX + concept)
                index += size
                break
        else:
            token = _word_token(words[index])
            if token:
                tokens.append(token)
            index += 1
    return tuple(dict.fromkeys(tokens))


def token_weight(token: str) -> float:
    """How much a token of :func:`concept_tokens` counts when two texts are compared."""
    if token.startswith(CONCEPT_PREFIX):
        return lexicon().weights.get(token[len(CONCEPT_PREFIX) :], 1.0)
    return 1.0
