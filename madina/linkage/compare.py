"""Dice similarity of encodings, one pair at a time or one against a million.

The score of two encodings mirrors :func:`madina.linkage.similarity.score` on what the encodings
hold: the name is the better of the phonetic filter's Dice and the mean of both name filters'
(a cross-script pair shares no native bigram, so the native filter may only help), and the
demographic filter weighs 0.4 when both records have one. :class:`EncodingIndex` computes the
same score for one encoding against many with numpy: a bitwise AND and a popcount
(``np.bitwise_count``) on packed 64-bit words, chunk by chunk so that memory stays small.
"""

from __future__ import annotations

import numpy as np

from madina.linkage.encoding import DEFAULT_SCHEME, Scheme

PROBABLE = 0.6
NAME_WEIGHT = 0.5
NAME_BACKGROUND = 0.2
DEMOGRAPHIC_BACKGROUND = 0.3
_CHUNK = 1 << 16


def dice(first: np.ndarray, second: np.ndarray) -> float:
    """Dice coefficient of two packed bit sets: 2|A∩B| / (|A| + |B|), 0 when both are empty."""
    both = int(np.bitwise_count(first & second).sum())
    total = int(np.bitwise_count(first).sum() + np.bitwise_count(second).sum())
    return 2 * both / total if total else 0.0


def _similarity(both, first, second):
    """The mean of Dice and the overlap coefficient: a name part missing on one side (a middle
    name, a particle) costs less than under Dice alone."""
    total = first + second
    smaller = np.minimum(first, second)
    dice_value = np.divide(
        2 * both, total, out=np.zeros_like(total, dtype=np.float32), where=total > 0
    )
    overlap = np.divide(
        both, smaller, out=np.zeros_like(total, dtype=np.float32), where=smaller > 0
    )
    return (dice_value + overlap) / 2


def _rescale(value, background):
    """Bits set by chance make unrelated filters overlap a little: that share counts for 0."""
    return np.clip((value - background) / (1 - background), 0.0, 1.0)


def _combine(native, phonetic, demographic, has_demographic):
    name = _rescale(np.maximum(phonetic, (native + phonetic) / 2), NAME_BACKGROUND)
    demographic = _rescale(demographic, DEMOGRAPHIC_BACKGROUND)
    with_demographic = NAME_WEIGHT * name + (1 - NAME_WEIGHT) * demographic
    return np.where(has_demographic, np.minimum(with_demographic, name + 0.05), name)


def score(first: np.ndarray, second: np.ndarray, scheme: Scheme = DEFAULT_SCHEME) -> float:
    """The similarity of two encodings in [0, 1], pure Python on their words (the reference)."""
    values = {}
    present = True
    for segment, part in scheme.slices().items():
        a = [int(word) for word in first[part]]
        b = [int(word) for word in second[part]]
        both = sum((x & y).bit_count() for x, y in zip(a, b, strict=True))
        count_a, count_b = sum(x.bit_count() for x in a), sum(y.bit_count() for y in b)
        total, smaller = count_a + count_b, min(count_a, count_b)
        dice_value = 2 * both / total if total else 0.0
        values[segment] = (dice_value + (both / smaller if smaller else 0.0)) / 2
        if segment == "demographic":
            present = bool(any(a)) and bool(any(b))
    return float(_combine(values["native"], values["phonetic"], values["demographic"], present))


class EncodingIndex:
    """Many encodings as one packed matrix, with their popcounts per filter computed once."""

    def __init__(self, encodings: np.ndarray, scheme: Scheme = DEFAULT_SCHEME) -> None:
        self.matrix = np.ascontiguousarray(encodings, dtype=np.uint64).reshape(-1, scheme.words)
        self.scheme = scheme
        self.slices = scheme.slices()
        self.counts = {
            segment: np.bitwise_count(self.matrix[:, part]).sum(axis=1, dtype=np.int32)
            for segment, part in self.slices.items()
        }

    def __len__(self) -> int:
        return len(self.matrix)

    def scores(self, query: np.ndarray) -> np.ndarray:
        """The score of ``query`` against every encoding, as float32."""
        result = np.empty(len(self.matrix), dtype=np.float32)
        query_counts = {
            segment: int(np.bitwise_count(query[part]).sum())
            for segment, part in self.slices.items()
        }
        for start in range(0, len(self.matrix), _CHUNK):
            stop = min(start + _CHUNK, len(self.matrix))
            common = np.bitwise_count(self.matrix[start:stop] & query)
            values = {}
            for segment, part in self.slices.items():
                both = common[:, part].sum(axis=1, dtype=np.int32)
                values[segment] = _similarity(
                    both, self.counts[segment][start:stop], np.int32(query_counts[segment])
                )
            has_demographic = (self.counts["demographic"][start:stop] > 0) & (
                query_counts["demographic"] > 0
            )
            result[start:stop] = _combine(
                values["native"], values["phonetic"], values["demographic"], has_demographic
            )
        return result

    def matches(self, query: np.ndarray, threshold: float = PROBABLE) -> np.ndarray:
        """Positions of the encodings scoring at least ``threshold``, best first."""
        scores = self.scores(query)
        found = np.flatnonzero(scores >= threshold)
        return found[np.argsort(-scores[found], kind="stable")]
