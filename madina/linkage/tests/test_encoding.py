import datetime
import re

import numpy as np
import pytest

from madina.linkage import compare
from madina.linkage.encoding import Scheme, encode, from_bytes, to_bytes

SECRET = b"secret of the space"
BIRTH = datetime.date(1987, 11, 23)


def person(secret=SECRET, given="Mohamed", family="Benali", birth=BIRTH, **options):
    return encode(
        secret, given_names=given, family_names=family, birth_date=birth, sex="m", **options
    )


def test_deterministic_under_one_secret_and_unrelated_under_another():
    assert np.array_equal(person(), person())
    assert compare.score(person(), person(b"another secret")) < 0.2


def test_same_person_across_scripts_scores_high_and_near_names_low():
    arabic = person(given="محمد", family="بن علي")
    assert compare.score(person(), arabic) >= compare.PROBABLE
    assert compare.score(person(), person(given="Mahmoud", birth=datetime.date(1990, 1, 5))) < (
        compare.PROBABLE
    )


def test_dice_values():
    empty = np.zeros(4, dtype=np.uint64)
    assert compare.dice(empty, empty) == 0.0
    a = np.array([0b1111, 0, 0, 0], dtype=np.uint64)
    b = np.array([0b0011, 0, 0, 0], dtype=np.uint64)
    assert compare.dice(a, b) == pytest.approx(2 * 2 / 6)
    assert compare.dice(a, a) == 1.0


def test_encoding_holds_no_clear_name_or_date():
    data = to_bytes(person())
    for clear in (b"mohamed", b"Mohamed", b"benali", b"1987", b"871123", "محمد".encode()):
        assert clear not in data
    assert not re.search(rb"19\d\d", data.hex().encode())
    assert np.array_equal(from_bytes(data), person())


def test_dictionary_attack_without_the_secret_fails():
    target = person()
    guesses = [
        person(secret, given, family)
        for secret in (b"", b"madina", b"secret", b"space")
        if secret
        for given in ("Mohamed", "Mohammed", "Ahmed")
        for family in ("Benali", "Ben Ali")
    ]
    assert max(compare.score(target, guess) for guess in guesses) < 0.3
    with pytest.raises(ValueError):
        person(b"")


@pytest.mark.parametrize("scheme", [Scheme(), Scheme(fold=True), Scheme(flip=0.02)])
def test_fast_comparator_agrees_with_the_reference(scheme):
    rng = np.random.default_rng(1)
    people = [
        encode(
            SECRET,
            given_names=given,
            family_names="Diallo",
            sex="f",
            birth_date=datetime.date(1990 + i, 1 + i % 12, 1 + i),
            scheme=scheme,
        )
        for i, given in enumerate(["Fatoumata", "Fatimata", "Aminata", "Awa", "Hawa"])
    ]
    noise = rng.integers(0, 2**63, (50, scheme.words), dtype=np.uint64)
    index = compare.EncodingIndex(np.vstack([np.stack(people), noise]), scheme)
    fast = index.scores(people[0])
    slow = [compare.score(people[0], row, scheme) for row in index.matrix]
    assert np.allclose(fast, slow, atol=1e-5)
    assert index.matches(people[0])[0] == 0
