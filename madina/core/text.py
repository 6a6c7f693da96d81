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

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Q

# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks) and tatweel.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
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
    text = _ARABIC_MARKS.sub("", text)
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


def query_alternatives(query: str) -> list[set[str]]:
    """For each word of a query, the forms under which it may be stored."""
    alternatives = []
    for word in normalise(query).split():
        forms = {word}
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
