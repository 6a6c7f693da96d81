"""Build madina/linkage/data/name_pairs.csv: labelled pairs of person records (issue 9).

    .venv/bin/python bench/linkage/make_name_pairs.py [--pairs N] [--seed S]

Deterministic (seed 9 by default). People are drawn from the curated lists below (Moroccan given
and family names in Arabic script with their usual French-style Latin spelling, sub-Saharan names
in Latin), then each pair is made by one rule:

same person (label 1):
  * ``script``: one record in Arabic, the other in a Latin spelling;
  * ``translit``: two Latin spellings that differ by the rules of :func:`latin_variant` (ou/u,
    ch/sh, dj/j, kh/x, doubled letters, e/a, y/i, a final e, accents, capitals);
  * ``order``: given and family names swapped (family name first, as on many Moroccan papers);
  * ``particle``: a particle dropped or glued (Ben Ali / Benali / Ali, El Idrissi / Idrissi);
  * ``typo``: one letter deleted, doubled, replaced or two letters swapped;
  * ``middle``: a second given name present on one record only;
  and for each, a birth date kept, moved by a few days, with day and month swapped, or replaced
  by an estimate (1 January or 1 July of the same or the next year, flagged as an estimate).

different people (label 0):
  * ``near_name``: a near-miss given name (محمد/محمود, Fatima/Fatiha, Amine/Amina…), same
    family name, a birth date a month or more apart: of another year or, one time in four, of
    the same year;
  * ``far_year``: the same name, born 6 to 30 years apart (father and son, an aunt and her niece);
  * ``sibling``: same family name, another given name of the same sex, born 1 to 8 years apart;
  * ``other_family``: same given name and birth year, another family name.

Then the hand-written cases of :data:`HAND_WRITTEN`. The labels are right by construction for
the generated part: they say what the rule did, not what a matcher thinks.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "madina" / "linkage" / "data" / "name_pairs.csv"
FIELDS = [
    "pair",
    "rule",
    "same",
    "given_a",
    "family_a",
    "birth_a",
    "estimate_a",
    "sex_a",
    "given_b",
    "family_b",
    "birth_b",
    "estimate_b",
    "sex_b",
]

# (Arabic, Latin, sex)
MOROCCAN_GIVEN = [
    ("محمد", "Mohamed", "m"),
    ("أحمد", "Ahmed", "m"),
    ("يوسف", "Youssef", "m"),
    ("خالد", "Khalid", "m"),
    ("رشيد", "Rachid", "m"),
    ("كريم", "Karim", "m"),
    ("حسن", "Hassan", "m"),
    ("حسين", "Houssine", "m"),
    ("عمر", "Omar", "m"),
    ("مصطفى", "Mustapha", "m"),
    ("إبراهيم", "Brahim", "m"),
    ("إدريس", "Driss", "m"),
    ("سعيد", "Said", "m"),
    ("عبد القادر", "Abdelkader", "m"),
    ("عبد الرحمن", "Abderrahmane", "m"),
    ("جمال", "Jamal", "m"),
    ("مهدي", "Mehdi", "m"),
    ("حمزة", "Hamza", "m"),
    ("ياسين", "Yassine", "m"),
    ("هشام", "Hicham", "m"),
    ("نبيل", "Nabil", "m"),
    ("وليد", "Walid", "m"),
    ("طارق", "Tarik", "m"),
    ("أيوب", "Ayoub", "m"),
    ("زكرياء", "Zakaria", "m"),
    ("عثمان", "Othmane", "m"),
    ("بلال", "Bilal", "m"),
    ("فاطمة", "Fatima", "f"),
    ("خديجة", "Khadija", "f"),
    ("عائشة", "Aicha", "f"),
    ("مريم", "Meryem", "f"),
    ("زينب", "Zineb", "f"),
    ("سميرة", "Samira", "f"),
    ("نادية", "Nadia", "f"),
    ("مليكة", "Malika", "f"),
    ("كريمة", "Karima", "f"),
    ("رشيدة", "Rachida", "f"),
    ("نعيمة", "Naima", "f"),
    ("حليمة", "Halima", "f"),
    ("سعاد", "Souad", "f"),
    ("لطيفة", "Latifa", "f"),
    ("هند", "Hind", "f"),
    ("سلمى", "Salma", "f"),
    ("إيمان", "Imane", "f"),
    ("أسماء", "Asmae", "f"),
    ("حنان", "Hanane", "f"),
    ("وفاء", "Ouafae", "f"),
    ("يسرى", "Yousra", "f"),
]
MOROCCAN_FAMILY = [
    ("العلوي", "El Alaoui"),
    ("الإدريسي", "El Idrissi"),
    ("بن علي", "Ben Ali"),
    ("بنجلون", "Benjelloun"),
    ("التازي", "Tazi"),
    ("الفاسي", "El Fassi"),
    ("بناني", "Bennani"),
    ("الشرقاوي", "Cherkaoui"),
    ("الزهراوي", "Zahraoui"),
    ("المرابط", "Mrabet"),
    ("الحمداوي", "Hamdaoui"),
    ("بوعزة", "Bouazza"),
    ("أيت وعلي", "Ait Ouali"),
    ("أمزيان", "Amziane"),
    ("الخطابي", "El Khattabi"),
    ("بوشتى", "Bouchta"),
    ("الريفي", "Rifi"),
    ("أزواغ", "Azouagh"),
    ("الناظوري", "Nadori"),
    ("العمراني", "El Amrani"),
    ("الصديقي", "Seddiki"),
    ("الغزواني", "Ghazouani"),
    ("القاسمي", "Kasmi"),
    ("بن موسى", "Ben Moussa"),
    ("ولد حمو", "Ould Hammou"),
    ("المنصوري", "Mansouri"),
    ("الطاهري", "Tahiri"),
    ("الجبلي", "Jebli"),
]
SUBSAHARAN_GIVEN = [
    ("Mamadou", "m"),
    ("Moussa", "m"),
    ("Ousmane", "m"),
    ("Ibrahima", "m"),
    ("Boubacar", "m"),
    ("Abdoulaye", "m"),
    ("Souleymane", "m"),
    ("Seydou", "m"),
    ("Lamine", "m"),
    ("Cheikh", "m"),
    ("Modibo", "m"),
    ("Issa", "m"),
    ("Emmanuel", "m"),
    ("Chinedu", "m"),
    ("Kofi", "m"),
    ("Yaya", "m"),
    ("Fatoumata", "f"),
    ("Aminata", "f"),
    ("Mariama", "f"),
    ("Kadiatou", "f"),
    ("Awa", "f"),
    ("Aissatou", "f"),
    ("Hawa", "f"),
    ("Ramatoulaye", "f"),
    ("Oumou", "f"),
    ("Djeneba", "f"),
    ("Binta", "f"),
    ("Grace", "f"),
    ("Blessing", "f"),
    ("Adama", "f"),
    ("Nafissatou", "f"),
    ("Coumba", "f"),
]
SUBSAHARAN_FAMILY = [
    "Diallo",
    "Traoré",
    "Koné",
    "Camara",
    "Diop",
    "Ndiaye",
    "Sow",
    "Barry",
    "Keita",
    "Coulibaly",
    "Touré",
    "Cissé",
    "Bah",
    "Sylla",
    "Fofana",
    "Konaté",
    "Diabaté",
    "Ouedraogo",
    "Sawadogo",
    "Mensah",
    "Okafor",
    "Eze",
    "Bamba",
    "Sangaré",
    "Doumbia",
]
# Given names that are other people's names, not spellings of one another.
NEAR_MISSES = [
    ("محمد", "Mohamed", "محمود", "Mahmoud"),
    ("فاطمة", "Fatima", "فتيحة", "Fatiha"),
    ("أمين", "Amine", "أمينة", "Amina"),
    ("سعيد", "Said", "سعد", "Saad"),
    ("حسن", "Hassan", "حسين", "Hussein"),
    ("كريم", "Karim", "كريمة", "Karima"),
    ("رشيد", "Rachid", "رشيدة", "Rachida"),
    ("أحمد", "Ahmed", "حامد", "Hamed"),
    ("سليم", "Salim", "سالم", "Salem"),
    ("ياسمين", "Yasmine", "ياسمينة", "Yasmina"),
    ("سعيد", "Said", "سعيدة", "Saida"),
    ("حميد", "Hamid", "أحمد", "Ahmed"),
    ("سلمى", "Salma", "سليمة", "Salima"),
    ("جمال", "Jamal", "جميلة", "Jamila"),
    ("عمر", "Omar", "عمار", "Ammar"),
    ("نبيل", "Nabil", "نبيلة", "Nabila"),
    ("", "Fatouma", "", "Fatoumata"),
    ("", "Aminata", "", "Amina"),
    ("", "Mariama", "", "Mariam"),
    ("", "Awa", "", "Hawa"),
    ("", "Lamine", "", "Aminata"),
]

LATIN_SWAPS = [
    ("ou", "u"),
    ("u", "ou"),
    ("ch", "sh"),
    ("sh", "ch"),
    ("dj", "j"),
    ("j", "dj"),
    ("kh", "x"),
    ("ss", "s"),
    ("s", "ss"),
    ("mm", "m"),
    ("m", "mm"),
    ("e", "a"),
    ("a", "e"),
    ("y", "i"),
    ("i", "y"),
    ("k", "q"),
    ("ine", "in"),
    ("ane", "an"),
    ("é", "e"),
    ("e", "é"),
    ("ï", "i"),
    ("ae", "a"),
]


def latin_variant(name: str, rng: random.Random) -> str:
    """Another Latin spelling of ``name`` by one or two transliteration habits."""
    variant = name
    for _attempt in range(8):
        pattern, replacement = rng.choice(LATIN_SWAPS)
        lowered = variant.lower()
        # Neither the first nor the last letter: "Hanane" → "Hanana" would be another name.
        if pattern in lowered[1:-1]:
            at = lowered.index(pattern, 1)
            candidate = variant[:at] + replacement + variant[at + len(pattern) :]
            variant = candidate
            if variant != name and rng.random() < 0.6:
                break
    if rng.random() < 0.2:
        variant = variant.upper()
    return variant


def typo(name: str, rng: random.Random) -> str:
    letters = list(name)
    at = rng.randrange(1, max(2, len(letters) - 1))
    kind = rng.choice(["delete", "double", "replace", "swap"])
    if kind == "delete" and len(letters) > 4:
        del letters[at]
    elif kind == "double":
        letters.insert(at, letters[at])
    elif kind == "replace":
        letters[at] = rng.choice("aeioumnrlst")
    elif at + 1 < len(letters):
        letters[at], letters[at + 1] = letters[at + 1], letters[at]
    return "".join(letters)


def particle_variant(family: str, rng: random.Random) -> str:
    words = family.split()
    if len(words) == 2 and words[0].lower() in {"el", "ben", "ait", "ould"}:
        return rng.choice([words[1], "".join(words), f"{words[0]}-{words[1]}"])
    if family.lower().startswith("ben") and len(family) > 6:
        return rng.choice([f"Ben {family[3:].capitalize()}", family[3:].capitalize()])
    return rng.choice([f"El {family}", family])


def birth_variant(date: datetime.date, rng: random.Random) -> tuple[datetime.date, bool]:
    roll = rng.random()
    if roll < 0.35:
        return date, False
    if roll < 0.55:
        return date + datetime.timedelta(days=rng.choice([-3, -2, -1, 1, 2, 3])), False
    if roll < 0.7 and date.day <= 12 and date.day != date.month:
        return date.replace(month=date.day, day=date.month), False
    return datetime.date(date.year + rng.choice([0, 0, 1]), rng.choice([1, 7]), 1), True


def random_date(rng: random.Random, start: int = 1955, end: int = 2012) -> datetime.date:
    return datetime.date(rng.randint(start, end), rng.randint(1, 12), rng.randint(1, 28))


def person(rng: random.Random) -> dict:
    """A person with Arabic and Latin spellings (Arabic empty for sub-Saharan names)."""
    if rng.random() < 0.65:
        arabic, latin, sex = rng.choice(MOROCCAN_GIVEN)
        family_ar, family = rng.choice(MOROCCAN_FAMILY)
    else:
        latin, sex = rng.choice(SUBSAHARAN_GIVEN)
        arabic, family_ar, family = "", "", rng.choice(SUBSAHARAN_FAMILY)
    return {
        "given_ar": arabic,
        "given": latin,
        "family_ar": family_ar,
        "family": family,
        "sex": sex,
        "birth": random_date(rng),
    }


def row(rule, same, a, b) -> dict:
    def side(record, suffix):
        return {
            f"given_{suffix}": record[0],
            f"family_{suffix}": record[1],
            f"birth_{suffix}": record[2].isoformat() if record[2] else "",
            f"estimate_{suffix}": int(record[3]),
            f"sex_{suffix}": record[4],
        }

    return {"rule": rule, "same": int(same), **side(a, "a"), **side(b, "b")}


def same_pair(rng: random.Random) -> dict:
    p = person(rng)
    rules = ["translit", "order", "particle", "typo", "middle"]
    if p["given_ar"]:
        rules += ["script", "script"]
    rule = rng.choice(rules)
    a = (p["given"], p["family"], p["birth"], False, p["sex"])
    given, family = latin_variant(p["given"], rng), p["family"]
    if rule == "script":
        a = (p["given_ar"], p["family_ar"], p["birth"], False, p["sex"])
    elif rule == "order":
        given, family = family, given
    elif rule == "particle":
        family = particle_variant(family, rng)
        given = p["given"]
    elif rule == "typo":
        given, family = (
            (typo(p["given"], rng), family)
            if rng.random() < 0.5
            else (p["given"], typo(family, rng))
        )
    elif rule == "middle":
        other = rng.choice(MOROCCAN_GIVEN if p["given_ar"] else SUBSAHARAN_GIVEN)
        given = f"{p['given']} {other[1 if p['given_ar'] else 0]}"
    if rule == "translit" and rng.random() < 0.5:
        family = latin_variant(family, rng)
    birth, estimate = birth_variant(p["birth"], rng)
    return row(rule, True, a, (given, family, birth, estimate, p["sex"]))


def different_pair(rng: random.Random) -> dict:
    p = person(rng)
    rule = rng.choice(["near_name", "near_name", "far_year", "sibling", "other_family"])
    a = (p["given"], p["family"], p["birth"], False, p["sex"])
    if rule == "near_name":
        ar_a, lat_a, ar_b, lat_b = rng.choice(NEAR_MISSES)
        if rng.random() < 0.5:
            ar_a, lat_a, ar_b, lat_b = ar_b, lat_b, ar_a, lat_a
        same_year = rng.random() < 0.25
        birth = random_date(rng, p["birth"].year, p["birth"].year) if same_year else None
        while birth is None or abs((birth - p["birth"]).days) < 30:
            birth = random_date(rng)
        script = ar_a and p["family_ar"] and rng.random() < 0.3
        a = (
            (ar_a, p["family_ar"], p["birth"], False, "")
            if script
            else (lat_a, p["family"], p["birth"], False, "")
        )
        # The near name as written: a transliteration rule could turn it into the other name.
        b = (lat_b.upper() if rng.random() < 0.2 else lat_b, p["family"], birth, False, "")
        return row(rule, False, a, b)
    if rule == "far_year":
        gap = rng.randint(6, 30) * rng.choice([-1, 1])
        birth = random_date(rng, p["birth"].year + gap, p["birth"].year + gap)
        return row(rule, False, a, (p["given"], p["family"], birth, False, p["sex"]))
    if rule == "sibling":
        pool = MOROCCAN_GIVEN if p["given_ar"] else [(g, g, s) for g, s in SUBSAHARAN_GIVEN]
        others = [g for g in pool if g[2] == p["sex"] and g[1] != p["given"]]
        other = rng.choice(others)[1]
        birth = p["birth"] + datetime.timedelta(days=rng.randint(365, 8 * 365))
        return row(rule, False, a, (other, p["family"], birth, False, p["sex"]))
    families = [f for _a, f in MOROCCAN_FAMILY] if p["given_ar"] else SUBSAHARAN_FAMILY
    other = rng.choice([f for f in families if f != p["family"]])
    birth = random_date(rng, p["birth"].year, p["birth"].year)
    return row(rule, False, a, (p["given"], other, birth, False, p["sex"]))


D = datetime.date
# Hand-written: the cases a reviewer would argue about. (a, b, same)
HAND_WRITTEN = [
    (
        ("محمد", "بن علي", D(1990, 3, 2), False, "m"),
        ("Mohammed", "Benali", D(1990, 3, 2), False, "m"),
        1,
    ),
    (
        ("Mhamed", "El Ouali", D(1985, 1, 1), True, "m"),
        ("محمد", "الوالي", D(1985, 6, 14), False, "m"),
        1,
    ),
    (
        ("Muhammad", "Alaoui", D(1979, 11, 5), False, "m"),
        ("ALAOUI", "Mohamed", D(1979, 5, 11), False, "m"),
        1,
    ),
    (
        ("محمد", "العلوي", D(1979, 11, 5), False, "m"),
        ("محمود", "العلوي", D(1979, 11, 5), False, "m"),
        0,
    ),
    (
        ("Mohamed", "Tazi", D(2001, 2, 2), False, "m"),
        ("Mahmoud", "Tazi", D(2001, 2, 2), False, "m"),
        0,
    ),
    (
        ("فاطمة الزهراء", "بناني", D(1995, 7, 1), True, "f"),
        ("Fatima Zahra", "Bennani", D(1995, 3, 9), False, "f"),
        1,
    ),
    (
        ("Fatima", "Bennani", D(1995, 3, 9), False, "f"),
        ("Fatiha", "Bennani", D(1997, 3, 9), False, "f"),
        0,
    ),
    (
        ("Fatoumata", "Diallo", D(2000, 1, 1), True, "f"),
        ("Fatouma", "Diallo", D(2000, 1, 1), True, "f"),
        0,
    ),
    (
        ("Fatoumata", "Diallo", D(2000, 1, 1), True, "f"),
        ("Fatimata", "Diallo", D(2000, 8, 3), False, "f"),
        1,
    ),
    (
        ("Amine", "Cherkaoui", D(1999, 4, 4), False, "m"),
        ("Amina", "Cherkaoui", D(1999, 4, 4), False, "f"),
        0,
    ),
    (
        ("Youssef", "Ait Ouali", D(1992, 9, 30), False, "m"),
        ("Youssouf", "Aitouali", D(1992, 9, 30), False, "m"),
        1,
    ),
    (
        ("يوسف", "أيت وعلي", D(1992, 9, 30), False, "m"),
        ("Yusuf", "Ouali", D(1992, 1, 1), True, "m"),
        1,
    ),
    (
        ("Abdel Kader", "El Idrissi", D(1960, 5, 5), False, "m"),
        ("عبد القادر", "الإدريسي", D(1960, 5, 5), False, "m"),
        1,
    ),
    (
        ("Abdelkader", "Idrissi", D(1960, 5, 5), False, "m"),
        ("Abdelkader", "Idrissi", D(1988, 5, 5), False, "m"),
        0,
    ),
    (
        ("Boubacar", "Traoré", D(1998, 12, 12), False, "m"),
        ("Aboubakar", "Traore", D(1998, 1, 1), True, "m"),
        1,
    ),
    (
        ("Ibrahim", "Diop", D(1994, 6, 6), False, "m"),
        ("Brahim", "Diop", D(1994, 6, 6), False, "m"),
        1,
    ),
    (
        ("Mamadou", "Barry", D(1997, 3, 3), False, "m"),
        ("Moussa", "Barry", D(1997, 3, 3), False, "m"),
        0,
    ),
    (
        ("Said", "Mrabet", D(1983, 8, 8), False, "m"),
        ("Saad", "Mrabet", D(1983, 8, 8), False, "m"),
        0,
    ),
    (
        ("سعيد", "المرابط", D(1983, 8, 8), False, "m"),
        ("Saïd", "Mrabet", D(1983, 8, 8), False, "m"),
        1,
    ),
    (
        ("Hassan", "Kasmi", D(1970, 10, 10), False, "m"),
        ("Hussein", "Kasmi", D(1970, 10, 10), False, "m"),
        0,
    ),
    (
        ("Hassane", "Kasmi", D(1970, 10, 10), False, "m"),
        ("حسن", "القاسمي", D(1970, 10, 10), False, "m"),
        1,
    ),
    (
        ("Aminata", "Koné", D(2003, 2, 14), False, "f"),
        ("Aminata", "Kone", D(2003, 2, 14), False, "f"),
        1,
    ),
    (
        ("Aminata", "Koné", D(2003, 2, 14), False, "f"),
        ("Amina", "Koné", D(2003, 2, 14), False, "f"),
        0,
    ),
    (
        ("Khadija", "Tahiri", D(1988, 1, 20), False, "f"),
        ("Khadidja", "Tahiri", D(1988, 1, 20), False, "f"),
        1,
    ),
    (
        ("Aicha", "Jebli", D(1991, 4, 4), False, "f"),
        ("Aïcha", "El Jebli", D(1991, 4, 4), False, "f"),
        1,
    ),
    (
        ("Mustapha", "Bouazza", D(1975, 7, 7), False, "m"),
        ("مصطفى", "بوعزة", D(1975, 7, 7), False, "m"),
        1,
    ),
    (
        ("Mustapha", "Bouazza", D(1975, 7, 7), False, "m"),
        ("Mustapha", "Bouazza", D(2004, 7, 7), False, "m"),
        0,
    ),
    (("Ousmane", "Sow", D(1996, 5, 5), False, "m"), ("Usman", "Sow", D(1996, 5, 5), False, "m"), 1),
    (
        ("Djamel", "Hamdaoui", D(1982, 2, 2), False, "m"),
        ("Jamal", "Hamdaoui", D(1982, 2, 2), False, "m"),
        1,
    ),
    (
        ("Jamal", "Hamdaoui", D(1982, 2, 2), False, "m"),
        ("Jamila", "Hamdaoui", D(1982, 2, 2), False, "f"),
        0,
    ),
    (
        ("Mariam", "Keita", D(2005, 9, 9), False, "f"),
        ("Meryem", "Keita", D(2005, 9, 9), False, "f"),
        1,
    ),
    (
        ("Khalid", "Rifi", D(1993, 3, 3), False, "m"),
        ("خالد", "الريفي", D(1993, 3, 3), False, "m"),
        1,
    ),
]


def build(pairs: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    generated = pairs - len(HAND_WRITTEN)
    rows = [same_pair(rng) if index % 2 == 0 else different_pair(rng) for index in range(generated)]
    rows += [row("hand", same, a, b) for a, b, same in HAND_WRITTEN]
    for number, item in enumerate(rows, start=1):
        item["pair"] = number
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=9)
    arguments = parser.parse_args()
    rows = build(arguments.pairs, arguments.seed)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    same = sum(item["same"] for item in rows)
    print(f"{len(rows)} pairs ({same} same person, {len(rows) - same} different) → {OUTPUT}")


if __name__ == "__main__":
    main()
