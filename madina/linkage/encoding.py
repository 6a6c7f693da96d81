"""Privacy-preserving encodings of a person: keyed Bloom filters (Schnell, Bachteler & Reiher 2009).

An organisation turns a person's identifying fields into an :data:`Encoding` on its own side, with
a secret shared by the coordination space; only encodings leave it. Two encodings of the same
person, even spelt in another script, have a high Dice similarity; without the secret, nobody can
tell which names or dates an encoding holds (decision 28 says what each measure resists).

An encoding is three field-level Bloom filters side by side, packed in 64-bit words:

* ``native`` (512 bits): the bigrams of each name part as written (script-native, after folding),
  which carry typos within one script;
* ``phonetic`` (512 bits): the bigrams of each part's cross-script key, the whole key, the key
  without a joined particle and the canonical given name (:mod:`madina.linkage.normalise`), which
  carry transliterations and scripts; every name part goes into both filters whatever its field,
  so the order of the parts and the field they were typed in do not matter;
* ``demographic`` (256 bits): sex and birth date (year, month, day, year-month, month-day, the
  unordered day and month), in one filter so that sex, which has two values, is not a filter of
  its own. An estimated date contributes its year only.

Each item is hashed with HMAC-SHA256 under a key derived from the secret for its filter, and the
digest gives the k bit positions directly (random hashing, not double hashing). Optional
hardenings: ``flip`` (BLIP, a permanent randomised response: each bit is flipped with probability
``flip`` by a generator seeded from the secret and the record, so one record always gives the
same encoding) and ``fold`` (XOR-folding each filter to half its length).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass

import numpy as np

from madina.linkage.normalise import NamePart, name_parts

WORD_BITS = 64
VERSION = b"madina-linkage-v1"
# Items that say more than one bigram take more bits: a whole key, a known given name, a key
# without the Latin vowel marks (طارق / Tarik).
WEIGHTS = {"k:": 3, "n:": 3, "r:": 2}


@dataclass(frozen=True)
class Scheme:
    """The parameters every member of a space must share to compare encodings."""

    native_bits: int = 512
    phonetic_bits: int = 512
    demographic_bits: int = 256
    hashes: int = 10  # k, bit positions per item (three times as many for a whole key)
    flip: float = 0.0  # BLIP probability; 0 leaves the filters exact
    fold: bool = False  # XOR-fold each filter to half its length

    @property
    def segments(self) -> tuple[tuple[str, int], ...]:
        factor = 2 if self.fold else 1
        return (
            ("native", self.native_bits // factor),
            ("phonetic", self.phonetic_bits // factor),
            ("demographic", self.demographic_bits // factor),
        )

    @property
    def words(self) -> int:
        return sum(bits for _name, bits in self.segments) // WORD_BITS

    def slices(self) -> dict[str, slice]:
        result, start = {}, 0
        for name, bits in self.segments:
            result[name] = slice(start, start + bits // WORD_BITS)
            start += bits // WORD_BITS
        return result


DEFAULT_SCHEME = Scheme()


def _segment_key(secret: bytes, segment: str) -> bytes:
    return hmac.new(secret, VERSION + b":" + segment.encode(), hashlib.sha256).digest()


def _positions(key: bytes, item: str, bits: int, hashes: int) -> list[int]:
    positions: list[int] = []
    counter = 0
    while len(positions) < hashes:
        digest = hmac.new(key, f"{counter}:{item}".encode(), hashlib.sha256).digest()
        for offset in range(0, len(digest), 2):
            positions.append(int.from_bytes(digest[offset : offset + 2], "big") % bits)
        counter += 1
    return positions[:hashes]


def _bigrams(text: str) -> list[str]:
    padded = f"^{text}$"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def name_items(parts: list[NamePart]) -> tuple[set[str], set[str]]:
    """The items of the native and phonetic filters for a person's name parts."""
    native: set[str] = set()
    phonetic: set[str] = set()
    for part in parts:
        native.update(_bigrams(part.text))
        phonetic.update("b:" + gram for gram in _bigrams(part.key))
        phonetic.add("k:" + part.key)
        phonetic.add("r:" + part.key.replace("I", "").replace("U", ""))
        phonetic.update("k:" + key for key in part.bare_keys)
        if part.name:
            phonetic.add("n:" + part.name)
    return native, phonetic


def demographic_items(
    birth_date: datetime.date | None, *, estimate: bool = False, sex: str = ""
) -> set[str]:
    items: set[str] = set()
    if sex:
        items.add("s:" + sex.lower()[:1])
    if birth_date is not None:
        items.add(f"y:{birth_date.year}")
        if not estimate:
            month, day = birth_date.month, birth_date.day
            items.update(
                {
                    f"m:{month}",
                    f"d:{day}",
                    f"ym:{birth_date.year}-{month}",
                    f"md:{month}-{day}",
                    f"dm:{min(month, day)}-{max(month, day)}",
                }
            )
    return items


def _filter(key: bytes, items: set[str], bits: int, hashes: int) -> np.ndarray:
    bitmap = np.zeros(bits, dtype=np.uint8)
    for item in items:
        count = hashes * WEIGHTS.get(item[:2], 1)
        bitmap[_positions(key, item, bits, count)] = 1
    return bitmap


def _pack(bitmap: np.ndarray) -> np.ndarray:
    return np.packbits(bitmap, bitorder="little").view(np.uint64)


def encode(
    secret: bytes,
    *,
    given_names: str = "",
    family_names: str = "",
    birth_date: datetime.date | None = None,
    birth_date_is_estimate: bool = False,
    sex: str = "",
    scheme: Scheme = DEFAULT_SCHEME,
) -> np.ndarray:
    """The encoding of one person: ``scheme.words`` unsigned 64-bit words."""
    if not secret:
        raise ValueError("An encoding needs the space's secret.")
    native, phonetic = name_items(name_parts(given_names, family_names))
    demographic = demographic_items(birth_date, estimate=birth_date_is_estimate, sex=sex)
    items = {"native": native, "phonetic": phonetic, "demographic": demographic}
    sizes = {"native": scheme.native_bits, "phonetic": scheme.phonetic_bits}
    sizes["demographic"] = scheme.demographic_bits
    packed = []
    for segment, _bits in scheme.segments:
        bitmap = _filter(
            _segment_key(secret, segment), items[segment], sizes[segment], scheme.hashes
        )
        if scheme.fold:
            half = len(bitmap) // 2
            bitmap = bitmap[:half] ^ bitmap[half:]
        if scheme.flip:
            seed = hmac.new(
                _segment_key(secret, "flip"),
                segment.encode() + b"\0" + "\0".join(sorted(items[segment])).encode(),
                hashlib.sha256,
            ).digest()
            generator = np.random.default_rng(np.frombuffer(seed, dtype=np.uint32))
            flips = generator.random(len(bitmap)) < scheme.flip
            bitmap = np.where(flips, generator.integers(0, 2, len(bitmap)), bitmap).astype(np.uint8)
        packed.append(_pack(bitmap))
    return np.concatenate(packed)


def to_bytes(encoding: np.ndarray) -> bytes:
    """The encoding as stored in the shared index (little-endian words)."""
    return encoding.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)
