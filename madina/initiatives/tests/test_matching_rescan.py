"""The full rescan: every pair above the threshold, with reviews kept across runs."""

import pytest
from django.core.management import call_command

from madina.actors.tests.factories import AreaFactory, SectorFactory
from madina.initiatives import tasks
from madina.initiatives.matching import rescan
from madina.initiatives.models import Initiative, OverlapCandidate
from madina.initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    nador = AreaFactory(name_fr="Nador", name_ar="الناضور")
    oujda = AreaFactory(name_fr="Oujda", name_ar="وجدة")
    health = SectorFactory(name_fr="Santé")
    education = SectorFactory(name_fr="Éducation")
    french = InitiativeFactory(
        title="Caravane médicale au profit des migrants à Nador", sector=health, communes=[nador]
    )
    arabic = InitiativeFactory(
        title="قافلة طبية لفائدة المهاجرين بالناظور", sector=health, communes=[nador]
    )
    english = InitiativeFactory(
        title="Medical caravan for migrants in Nador", sector=education, communes=[nador]
    )
    other = InitiativeFactory(title="Formation des enseignants", sector=education, communes=[oujda])
    return {"french": french, "arabic": arabic, "english": english, "other": other}


def pairs():
    return set(OverlapCandidate.objects.values_list("first_id", "second_id"))


def ordered(a, b):
    return tuple(sorted((a.pk, b.pk)))


def test_rescan_finds_the_pairs_across_languages_and_sectors(registry):
    result = rescan(threshold=0.6)
    assert ordered(registry["french"], registry["arabic"]) in pairs()
    # Same words, another sector: found by the identical-tokens pass.
    assert ordered(registry["french"], registry["english"]) in pairs()
    assert all(registry["other"].pk not in pair for pair in pairs())
    assert result.created == len(pairs())
    pair = OverlapCandidate.objects.get(first=registry["french"], second=registry["arabic"])
    assert pair.score >= 0.8
    assert {reason["code"] for reason in pair.reasons} >= {"communes", "sector", "title"}


def test_rescan_keeps_review_states_and_notes(registry, cast):
    rescan(threshold=0.6)
    pair = OverlapCandidate.objects.get(first=registry["french"], second=registry["arabic"])
    pair.state = OverlapCandidate.State.COMPLEMENTARY
    pair.note = "Coordonné avec l'autre association"
    pair.reviewed_by = cast.coordinator
    pair.save()

    result = rescan(threshold=0.6)

    pair.refresh_from_db()
    assert pair.state == OverlapCandidate.State.COMPLEMENTARY
    assert pair.note == "Coordonné avec l'autre association"
    assert pair.reviewed_by == cast.coordinator
    assert result.created == 0


def test_a_reviewed_pair_stays_when_it_falls_below_the_threshold(registry):
    rescan(threshold=0.6)
    reviewed = OverlapCandidate.objects.get(first=registry["french"], second=registry["arabic"])
    reviewed.state = OverlapCandidate.State.DISTINCT
    reviewed.save()
    Initiative.objects.filter(pk=registry["arabic"].pk).update(title="تكوين الأساتذة")
    Initiative.objects.filter(pk=registry["english"].pk).update(title="Formation des enseignants")

    result = rescan(threshold=0.6)

    assert OverlapCandidate.objects.filter(pk=reviewed.pk).exists()
    assert result.kept_reviewed == 1
    # The unreviewed pair that no longer matches is gone.
    assert ordered(registry["french"], registry["english"]) not in pairs()


def test_cancelled_initiatives_leave_the_pairs(registry):
    Initiative.objects.filter(pk=registry["arabic"].pk).update(status=Initiative.Status.CANCELLED)
    rescan(threshold=0.6)
    assert all(registry["arabic"].pk not in pair for pair in pairs())


def test_the_command_and_the_job_run_the_rescan(registry, capsys):
    call_command("rescan_overlaps", "--threshold", "0.6")
    assert "initiatives" in capsys.readouterr().out
    found = pairs()
    OverlapCandidate.objects.all().delete()
    tasks.rescan_overlaps(threshold=0.6)  # immediate mode in tests
    assert pairs() == found
