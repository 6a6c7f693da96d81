"""The duplicate finder: what it proposes for a draft, in which order, and why."""

import datetime

import pytest
from django.utils import translation

from madina.actors.tests.factories import AreaFactory, SectorFactory
from madina.initiatives.matching import (
    find_candidates,
    reason_words,
    record_for,
    score_pair,
    token_similarity,
)
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import InitiativeFactory, TargetGroupFactory

pytestmark = pytest.mark.django_db

FRENCH_TITLE = "Caravane médicale au profit des migrants à Nador"
ARABIC_TITLE = "قافلة طبية لفائدة المهاجرين بالناظور"


@pytest.fixture
def world():
    nador = AreaFactory(code="02.381.01.05", name_fr="Nador", name_ar="الناضور")
    oujda = AreaFactory(code="02.411.01.23", name_fr="Oujda", name_ar="وجدة")
    health = SectorFactory(code="S-HEALTH", name_fr="Santé", name_ar="الصحة")
    education = SectorFactory(code="S-EDU", name_fr="Éducation", name_ar="التربية")
    women = TargetGroupFactory(code="women", name_fr="Femmes", name_ar="النساء")
    children = TargetGroupFactory(code="children", name_fr="Enfants", name_ar="الأطفال")
    return {
        "nador": nador,
        "oujda": oujda,
        "health": health,
        "education": education,
        "women": women,
        "children": children,
    }


def draft(world, **fields):
    data = {
        "title": ARABIC_TITLE,
        "description": "",
        "sector": str(world["health"].pk),
        "communes": [str(world["nador"].pk)],
        "target_groups": [str(world["women"].pk)],
        "start_date": "2026-03-01",
        "end_date": "2026-06-30",
    }
    data.update(fields)
    return data


def test_the_french_original_of_an_arabic_draft_ranks_first_with_its_reasons(world):
    original = InitiativeFactory(
        title=FRENCH_TITLE,
        sector=world["health"],
        communes=[world["nador"]],
        target_groups=[world["women"]],
    )
    InitiativeFactory(
        title="Soutien scolaire aux enfants migrants",
        sector=world["education"],
        communes=[world["nador"]],
    )
    InitiativeFactory(
        title="Caravane médicale à Oujda", sector=world["health"], communes=[world["oujda"]]
    )

    candidates = find_candidates(draft(world))

    assert candidates[0].initiative == original
    assert candidates[0].score >= 0.8
    codes = [reason["code"] for reason in candidates[0].reasons]
    assert codes[:5] == ["communes", "sector", "target_groups", "dates", "title"]
    with translation.override("fr"):
        words = candidates[0].reason_words
    assert any("Nador" in sentence for sentence in words)
    assert any("Santé" in sentence for sentence in words)
    with translation.override("ar"):
        assert any("الناضور" in sentence for sentence in candidates[0].reason_words)


def test_an_unrelated_initiative_in_another_commune_scores_low_or_not_at_all(world):
    unrelated = InitiativeFactory(
        title="Formation des enseignants à l'accueil des élèves",
        sector=world["education"],
        communes=[world["oujda"]],
    )
    found = find_candidates(draft(world, communes=[str(world["nador"].pk)]), threshold=0)
    assert unrelated not in [candidate.initiative for candidate in found]
    score, reasons = score_pair(record_for(draft(world)), record_for(unrelated))
    assert score < 0.3
    assert [reason["code"] for reason in reasons] == ["dates"]


def test_cancelled_initiatives_are_never_proposed(world):
    InitiativeFactory(
        title=FRENCH_TITLE,
        sector=world["health"],
        communes=[world["nador"]],
        status=Initiative.Status.CANCELLED,
    )
    assert find_candidates(draft(world), threshold=0) == []


def test_excluded_ids_and_the_initiative_itself_are_left_out(world):
    first = InitiativeFactory(title=FRENCH_TITLE, sector=world["health"], communes=[world["nador"]])
    second = InitiativeFactory(
        title="Medical caravan for migrants in Nador",
        sector=world["health"],
        communes=[world["nador"]],
    )
    assert [c.initiative for c in find_candidates(draft(world), exclude_ids=[first.pk])] == [second]
    assert [c.initiative for c in find_candidates(first)] == [second]


def test_a_look_alike_for_another_group_ranks_below_the_true_duplicate(world):
    duplicate = InitiativeFactory(
        title=FRENCH_TITLE,
        sector=world["health"],
        communes=[world["nador"]],
        target_groups=[world["women"]],
    )
    look_alike = InitiativeFactory(
        title="Caravane médicale pour les enfants à Nador",
        sector=world["health"],
        communes=[world["nador"]],
        target_groups=[world["children"]],
    )
    found = {c.initiative: c.score for c in find_candidates(draft(world), threshold=0)}
    assert found[duplicate] > found[look_alike]


def test_dates_far_apart_are_not_proposed(world):
    InitiativeFactory(
        title=FRENCH_TITLE,
        sector=world["health"],
        communes=[world["nador"]],
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2022, 3, 31),
    )
    assert find_candidates(draft(world)) == []


def test_without_a_commune_the_sector_is_the_block(world):
    original = InitiativeFactory(
        title=FRENCH_TITLE, sector=world["health"], communes=[world["nador"]]
    )
    found = find_candidates(draft(world, communes=[]))
    assert [c.initiative for c in found] == [original]


def test_without_commune_nor_sector_nothing_is_compared(world):
    InitiativeFactory(title=FRENCH_TITLE, sector=world["health"], communes=[world["nador"]])
    assert find_candidates(draft(world, communes=[], sector="")) == []


def test_an_empty_draft_finds_nothing(world):
    InitiativeFactory(title=FRENCH_TITLE, sector=world["health"], communes=[world["nador"]])
    assert find_candidates(draft(world, title="")) == []


def test_the_check_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for number in range(30):
        InitiativeFactory(
            title=f"Caravane médicale {number} à Nador",
            sector=world["health"],
            communes=[world["nador"]],
        )
    with django_assert_max_num_queries(12):
        assert find_candidates(draft(world))


def test_token_similarity_tolerates_name_variants():
    assert token_similarity(["=caravan", "~bkd"], ["=caravan", "~kd"]) > 0.8
    assert token_similarity(["=caravan"], []) == 0
    assert token_similarity(["=caravan", "=women"], ["=training", "=teachers"]) == 0


def test_reasons_in_words_name_the_dates(world):
    with translation.override("fr"):
        words = reason_words([{"code": "dates", "start": "2026-03-01", "end": "2026-06-30"}])
    assert "01/03/2026" in words[0]
    assert reason_words([{"code": "unknown"}]) == []
