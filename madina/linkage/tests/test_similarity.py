import datetime

from madina.linkage.similarity import PersonRecord, normalise_phone, score

BIRTH = datetime.date(1990, 3, 2)


def test_same_person_across_scripts_and_order():
    match = score(
        PersonRecord("محمد", "بن علي", BIRTH, sex="m", phone="0661-23 45 67"),
        PersonRecord("BENALI", "Mohammed", BIRTH, sex="m", phone="+212 661 234567"),
    )
    assert match.probable
    assert {
        "name_same_across_scripts",
        "name_order_swapped",
        "birth_date_same",
        "phone_same",
        "sex_same",
    } <= set(match.codes)
    assert all(str(reason.label) for reason in match.reasons)


def test_near_name_is_not_a_duplicate():
    match = score(PersonRecord("Mohamed", "Tazi", BIRTH), PersonRecord("Mahmoud", "Tazi", BIRTH))
    assert not match.probable
    assert "name_different" in match.codes


def test_same_name_born_far_apart_is_not_a_duplicate():
    match = score(
        PersonRecord("Karim", "Kasmi", BIRTH),
        PersonRecord("Karim", "Kasmi", datetime.date(1965, 8, 1)),
    )
    assert not match.probable
    assert "birth_date_different" in match.codes


def test_birth_date_reasons():
    estimate = PersonRecord("Fatima", "Zahraoui", datetime.date(1990, 1, 1), True)
    assert "birth_year_same" in score(PersonRecord("Fatima", "Zahraoui", BIRTH), estimate).codes
    swapped = PersonRecord("Fatima", "Zahraoui", datetime.date(1990, 2, 3))
    assert "birth_date_close" in score(PersonRecord("Fatima", "Zahraoui", BIRTH), swapped).codes


def test_different_sex_lowers_the_score():
    same = score(
        PersonRecord("Adama", "Diallo", BIRTH, sex="f"),
        PersonRecord("Adama", "Diallo", BIRTH, sex="f"),
    )
    other = score(
        PersonRecord("Adama", "Diallo", BIRTH, sex="f"),
        PersonRecord("Adama", "Diallo", BIRTH, sex="m"),
    )
    assert other.score < same.score
    assert "sex_different" in other.codes


def test_phone_normalisation():
    assert normalise_phone("06 61 23 45 67") == "+212661234567"
    assert normalise_phone("not a phone") == ""
