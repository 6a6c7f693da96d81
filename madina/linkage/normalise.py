"""Person names across Arabic and Latin scripts: name parts, particles and a phonetic key.

A name reaches Madina as محمد بن علي, "Mohamed Ben Ali", "BENALI Mohammed" or "Muhammad Benali".
This module turns each spelling into name parts (:class:`NamePart`) that can be compared whatever
the script, the transliteration habit (French, English, Spanish) or the order of the parts:

* particles are handled once: the article (ال, el, al) is dropped; "ben", "ibn", "bin", "ould",
  "ait", "bent", بن, ابن, ولد, ايت are joined to the next word ("Ben Ali" → "benali") and the part
  remembers its bare form ("ali") so that a dropped particle still matches; "Abd"/"Abdel"/عبد
  and "Abou"/"Abu"/ابو are joined the same way ("Abdel Kader" = "Abdelkader" = عبد القادر);
* :func:`phonetic_key` is a deterministic transliteration of either script to one canonical key:
  consonant classes (ch/sh/ش, kh/x/خ, gh/غ, dj/j/g/ج, k/q/c/ك/ق, t/ط/ث, d/ذ/ض/ظ, s/ص, f/ph/v),
  a mark for a word that starts with a vowel (أحمد "Ahmed" ≠ حامد "Hamed"), the long vowel of the
  last syllable (محمود "Mahmoud" ≠ محمد "Mohamed") and the final vowel (أمينة "Amina" ≠ أمين
  "Amine"). Short vowels elsewhere are dropped, since Arabic does not write them and Latin
  spellings disagree on them (Mohamed, Muhammad, Mhamed all give ``mhmd``);
* :data:`GIVEN_NAMES` lists usual names with spellings whose keys the rules cannot bring together
  (فاطمة / Fatima, يوسف / Yusuf / Youssouf, Brahim / Ibrahim); :func:`canonical` maps a key to its
  name, so that two known names with different keys are known to be *different* names (Fatima ≠
  Fatiha, Fatouma ≠ Fatoumata) rather than a typo of one another.

Folding of Latin text reuses :func:`madina.core.text.fold_latin`; Arabic is folded here, because
person names need the ta marbuta and the final alef maqsura that ``core.text`` folds away.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from madina.core.text import ARABIC_MARKS, fold_latin

_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ی": "ي",
        "ک": "ك",
        "ڭ": "ك",
        "گ": "ك",
        "ڤ": "ف",
        "ء": "",
    }
)
_SPLIT = re.compile(r"[^\w\u0600-\u06ff]+|_|\d+")

# Particles, in folded form. The article is dropped; connectors join the next word.
_ARTICLES = {"ال", "al", "el", "ul", "ed", "er", "es", "et", "ad", "ar", "as", "at", "az", "en"}
_CONNECTORS = {
    "بن",
    "ابن",
    "بنت",
    "ولد",
    "ايت",
    "ben",
    "bin",
    "ibn",
    "bent",
    "bint",
    "ould",
    "ait",
    "aït",
    "oulad",
    "ouled",
    "beni",
    "bni",
}
_COMPOUND_HEADS = {
    "عبد": "abd",
    "ابو": "abu",
    "abd": "abd",
    "abdel": "abd",
    "abdul": "abd",
    "abdal": "abd",
    "abdoul": "abd",
    "abou": "abu",
    "abu": "abu",
    "abo": "abu",
}
_GLUED_CONNECTOR = re.compile(r"^(ben|bin|ibn|ould|ait)(?=[a-z]{3})")
_GLUED_ARABIC_CONNECTOR = re.compile(r"^(بن|ولد|ايت)(?=[\u0600-\u06ff]{3})")
_GLUED_ABD = re.compile(r"^(abd[aeiou]?l?|abdoul|abou|abu)(?=[a-z]{3})")
_GLUED_ARTICLE = re.compile(r"^(el|al)(?=[bcdfghjklmnpqrstvwxz])")
_SUN_ASSIMILATED = re.compile(r"^[aeiou]([tdrzsn])\1")


@dataclass(frozen=True)
class NamePart:
    """One word of a name, ready to compare: its folded spelling, key and alternatives."""

    text: str  # folded spelling, particles joined ("benali", "بنعلي")
    script: str  # "arabic" or "latin"
    key: str  # cross-script phonetic key
    bare_keys: tuple[str, ...] = field(default=())  # keys without a joined particle
    name: str | None = None  # canonical name when the key is a known name

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, *self.bare_keys)


def fold_arabic(text: str) -> str:
    """Arabic without diacritics, tatweel and letter variants; ة and final ى are kept apart."""
    text = unicodedata.normalize("NFKC", text)
    text = ARABIC_MARKS.sub("", text)
    return text.translate(_ARABIC_FOLD)


def fold(text: str) -> str:
    """The folded form of a name in either script (Latin lower-cased without accents)."""
    return fold_latin(fold_arabic(text))


def _words(text: str) -> list[str]:
    return [word for word in _SPLIT.split(fold(text)) if word]


def _is_arabic(word: str) -> bool:
    return bool(_ARABIC_LETTER.search(word))


def split_words(text: str) -> list[tuple[str, str | None]]:
    """Words of a name with particles handled: (joined word, bare word or None)."""
    words = _words(text)
    result: list[tuple[str, str | None]] = []
    index = 0
    while index < len(words):
        word = words[index]
        following = words[index + 1 :]
        if word in _ARTICLES and following:
            index += 1
            continue
        if word.startswith("ال") and len(word) > 3:
            word = word[2:]
        head = _COMPOUND_HEADS.get(word)
        if head is not None and following:
            rest = [w for w in following[:2] if w not in _ARTICLES][:1]
            skipped = following.index(rest[0]) + 1 if rest else 1
            nxt = rest[0] if rest else following[0]
            if nxt.startswith("ال") and len(nxt) > 3:
                nxt = nxt[2:]
            prefix = "عبد" if head == "abd" and _is_arabic(nxt) else head
            if head == "abu" and _is_arabic(nxt):
                prefix = "ابو"
            result.append((prefix + nxt, None))
            index += 1 + skipped
            continue
        if word in _CONNECTORS and following:
            nxt = following[0]
            if nxt.startswith("ال") and len(nxt) > 3:
                nxt = nxt[2:]
            joined = ("بن" if _is_arabic(nxt) else "ben") if word in {"ابن", "ibn", "bin"} else word
            result.append((joined + nxt, nxt))
            index += 2
            continue
        result.append((word, _bare(word)))
        index += 1
    return result


def _bare(word: str) -> str | None:
    """A glued word without its particle, when it plausibly has one ("benali" → "ali")."""
    if _is_arabic(word):
        match = _GLUED_ARABIC_CONNECTOR.match(word)
        return word[match.end() :] if match else None
    for pattern in (_GLUED_CONNECTOR, _GLUED_ARTICLE):
        match = pattern.match(word)
        if match:
            return word[match.end() :]
    return None


def _normal_latin_compound(word: str) -> str:
    """ "abdelkader", "abdulqadir", "abderrahmane" → "abd" + the name without its article."""
    match = _GLUED_ABD.match(word)
    if not match:
        return word
    head = "abu" if match.group(1).startswith(("abou", "abu")) else "abd"
    rest = word[match.end() :]
    if head == "abd" and not match.group(1).endswith("l"):
        # "abderrahmane": the article assimilated to a sun letter.
        assimilated = _SUN_ASSIMILATED.match(word[3:])
        if assimilated:
            rest = word[3 + 2 :]
    return head + rest


# --- The phonetic key ---------------------------------------------------------------------------

_LATIN_RULES = [
    ("tch", "C"),
    ("tsh", "C"),
    ("sch", "C"),
    ("ch", "C"),
    ("sh", "C"),
    ("kh", "X"),
    ("x", "X"),
    ("gh", "G"),
    ("dj", "j"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("ck", "k"),
    ("qu", "k"),
    ("ce", "se"),
    ("ci", "si"),
    ("cy", "sy"),
    ("q", "k"),
    ("c", "k"),
    ("g", "j"),
    ("v", "f"),
    ("p", "b"),
    ("oo", "u"),
    ("ou", "u"),
    ("ee", "i"),
]
_ARABIC_CONSONANTS = {
    "ب": "b",
    "ت": "t",
    "ث": "t",
    "ط": "t",
    "ج": "j",
    "ح": "h",
    "ه": "h",
    "خ": "X",
    "د": "d",
    "ذ": "d",
    "ض": "d",
    "ظ": "d",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ص": "s",
    "ش": "C",
    "غ": "G",
    "ف": "f",
    "ق": "k",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
}
_CONSONANT_CLASSES = set("bCdfGhjklmnrstXzwy")


def _latin_symbols(word: str) -> list[str]:
    """A Latin word as consonant classes and vowel marks (A short, I, U)."""
    word = _normal_latin_compound(word)
    if word.endswith("llah"):
        word = word[:-4] + "lah"
    elif len(word) > 3 and word.endswith("h") and word[-2] in "aeiou":
        word = word[:-1]  # "Fatimah", "Aichah": a final h after a vowel is a ta marbuta.
    for pattern, replacement in _LATIN_RULES:
        word = word.replace(pattern, replacement)
    symbols: list[str] = []
    for position, char in enumerate(word):
        after = word[position + 1] if position + 1 < len(word) else ""
        if char in "aeo":
            symbols.append("A")
        elif char in "iy":
            # A "y" or "i" before a vowel is the consonant y: "Nadia", "Youssef", "Yasmina".
            is_consonant = after in "aeiouAU" and after != "" and (char == "y" or position > 0)
            symbols.append("y" if is_consonant or (char == "y" and position == 0) else "I")
        elif char == "u":
            # "u" (or "ou") before a vowel is the consonant w: "Ouafae", "Bouazza", "Alaoui".
            symbols.append("w" if after in "aeiy" and after != "" else "U")
        elif char in _CONSONANT_CLASSES or char in "CXG":
            symbols.append(char)
    return symbols


def _arabic_symbols(word: str) -> list[str]:
    symbols: list[str] = []
    for position, char in enumerate(word):
        after = word[position + 1] if position + 1 < len(word) else ""
        last = position == len(word) - 1
        if char in _ARABIC_CONSONANTS:
            symbols.append(_ARABIC_CONSONANTS[char])
        elif char == "ة":
            symbols.append("A")
        elif char == "ى":
            symbols.append("A")
        elif char == "ا":
            symbols.append("A")
        elif char == "و":
            consonant = position == 0 or (after in "اةىيع" and after != "")
            symbols.append("w" if consonant else "U")
        elif char == "ي":
            consonant = position == 0 or (after in "اةو" and after != "" and not last)
            symbols.append("y" if consonant else "I")
        elif char == "ع":
            symbols.append("A")  # ain is written as a vowel, or not at all, in Latin
    return [symbol for symbol in symbols if symbol]


def _key_from_symbols(symbols: list[str], *, mute_final_e: bool) -> str:
    if not symbols:
        return ""
    # Repeated letters are one (Mohammed, Youssef); vowel runs are one mark, the strongest.
    collapsed: list[str] = []
    for symbol in symbols:
        if collapsed and collapsed[-1] == symbol:
            continue
        if collapsed and symbol in "AIU" and collapsed[-1] in "AIU":
            if "AIU".index(symbol) > "AIU".index(collapsed[-1]) or collapsed[-1] == "A":
                collapsed[-1] = symbol if symbol != "A" else collapsed[-1]
            continue
        collapsed.append(symbol)
    starts_with_vowel = collapsed[0] in "AIU"
    final = ""
    if collapsed[-1] in "AIU":
        final = {"A": "a", "I": "i", "U": "u"}[collapsed[-1]]
        if mute_final_e:
            final = ""
        collapsed = collapsed[:-1]
    consonant_positions = [i for i, symbol in enumerate(collapsed) if symbol not in "AIU"]
    key = []
    for i, symbol in enumerate(collapsed):
        if symbol not in "AIU":
            key.append(symbol)
        elif (
            len(consonant_positions) >= 2
            and consonant_positions[-2] < i < consonant_positions[-1]
            and symbol != "A"
        ):
            key.append(symbol)
    return ("'" if starts_with_vowel else "") + "".join(key) + final


@lru_cache(maxsize=100_000)
def phonetic_key(word: str) -> str:
    """The cross-script key of one folded word: محمد, Mohamed, Muhammad, Mhamed → ``mhmd``."""
    if not word:
        return ""
    if _is_arabic(word):
        return _key_from_symbols(_arabic_symbols(word), mute_final_e=False)
    mute = word.endswith("e") and not word.endswith(("ee", "ie", "ae")) and len(word) > 2
    return _key_from_symbols(_latin_symbols(word), mute_final_e=mute)


# --- Known names --------------------------------------------------------------------------------
#
# Usual given names of Morocco and of the sub-Saharan countries migrants in Nador come from, each
# with its Arabic spelling (when there is one, "+" standing for a space) and the Latin spellings
# whose keys differ. Names whose keys differ are different names: a typo of a known name that
# lands on another known name is scored as a different name, the safe side for a duplicate
# finder.
GIVEN_NAMES: dict[str, str] = {
    "muhammad": "محمد mohamed mohammed muhammad mhamed mouhamed mohamad mohammad mouhammad",
    "mahmoud": "محمود mahmoud mahmud mahmood",
    "ahmed": "أحمد ahmed ahmad",
    "hamid": "حميد hamid",
    "hamed": "حامد hamed",
    "fatima": "فاطمة fatima fatma fadma fatime fatimah",
    "fatiha": "فتيحة fatiha",
    "fatouma": "fatouma fatuma",
    "fatoumata": "fatoumata fatumata fatimata",
    "amina": "أمينة amina",
    "amine": "أمين amine amin",
    "youssef": "يوسف youssef yousef yusuf youssouf yousouf youcef yussuf",
    "ibrahim": "إبراهيم ibrahim brahim ebrahim",
    "ibrahima": "ibrahima",
    "idriss": "إدريس idriss driss idris",
    "khalid": "خالد khalid khaled",
    "khadija": "خديجة khadija khadidja khadidia",
    "aicha": "عائشة aicha aisha aycha",
    "said": "سعيد said saïd saeed",
    "saad": "سعد saad saâd",
    "saida": "سعيدة saida",
    "hassan": "حسن hassan hasan hassane",
    "hussein": "حسين hussein houssine hussain hocine",
    "hasna": "حسناء hasna",
    "karim": "كريم karim karime",
    "karima": "كريمة karima",
    "rachid": "رشيد rachid rashid",
    "rachida": "رشيدة rachida rashida",
    "mustapha": "مصطفى mustapha mustafa moustapha moustafa",
    "omar": "عمر omar umar oumar",
    "ammar": "عمار ammar amar",
    "ali": "علي ali aly",
    "abdelkader": "عبد+القادر abdelkader abdulqadir abdelkadir abdel-kader",
    "abdellah": "عبد+الله abdellah abdallah abdullah abdoulaye",
    "abderrahmane": "عبد+الرحمن abderrahmane abdurrahman abdourahmane",
    "aboubakar": "أبو+بكر aboubakar aboubacar boubacar abubakar",
    "mamadou": "mamadou mamadu",
    "moussa": "موسى moussa musa mousa",
    "ousmane": "عثمان ousmane usman osman othmane",
    "mariam": "مريم mariam maryam meryem meriem mariama",
    "aminata": "aminata",
    "samira": "سميرة samira",
    "nadia": "نادية nadia nadiya",
    "malika": "مليكة malika",
    "zineb": "زينب zineb zaynab zeinab",
    "salma": "سلمى salma",
    "salima": "سليمة salima",
    "salim": "سليم salim",
    "salem": "سالم salem",
    "mehdi": "مهدي mehdi mahdi",
    "hamza": "حمزة hamza",
    "yassine": "ياسين yassine yacine yasin",
    "yasmina": "ياسمينة yasmina",
    "yasmine": "ياسمين yasmine yasmin",
    "naima": "نعيمة naima naeema",
    "nour": "نور nour nur",
    "jamal": "جمال jamal djamel jamel gamal",
    "jamila": "جميلة jamila djamila",
    "kadiatou": "kadiatou kadidiatou",
    "awa": "awa",
    "adama": "adama",
}


@lru_cache(maxsize=1)
def _known_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    ambiguous: set[str] = set()
    for name, spellings in GIVEN_NAMES.items():
        for spelling in spellings.split(" "):
            for word, _bare_word in split_words(spelling.replace("+", " ")):
                key = phonetic_key(word)
                if keys.get(key, name) != name:
                    ambiguous.add(key)
                keys[key] = name
    return {key: name for key, name in keys.items() if key not in ambiguous}


def canonical(key: str) -> str | None:
    """The known given name a key belongs to, or None."""
    return _known_keys().get(key)


def name_parts(*names: str | None) -> list[NamePart]:
    """Every name part of a person, whatever field it was typed in and in whichever order."""
    parts: list[NamePart] = []
    for text in names:
        if not text:
            continue
        for word, bare_word in split_words(text):
            key = phonetic_key(word)
            if not key:
                continue
            bare_keys = tuple(
                bare for bare in ([phonetic_key(bare_word)] if bare_word else []) if bare
            )
            parts.append(
                NamePart(
                    text=word,
                    script="arabic" if _is_arabic(word) else "latin",
                    key=key,
                    bare_keys=bare_keys,
                    name=canonical(key),
                )
            )
    return parts


def transliterate(text: str) -> str:
    """The name's canonical keys joined by spaces: a readable, script-free form for logs."""
    return " ".join(part.key for part in name_parts(text))
