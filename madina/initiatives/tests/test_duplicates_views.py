"""The live duplicate check, the decisions on drafts and the coordinators' review pages."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from madina.actors.tests.factories import AreaFactory, SectorFactory
from madina.initiatives.models import DraftDecision, Initiative, OverlapCandidate
from madina.initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db

CHECK = "initiatives:duplicate_check"


@pytest.fixture
def existing(cast):
    nador = AreaFactory(name_fr="Nador", name_ar="الناضور")
    health = SectorFactory(name_fr="Santé", name_ar="الصحة")
    initiative = InitiativeFactory(
        title="Caravane médicale au profit des migrants à Nador",
        lead_organisation=cast.other_organisation,
        sector=health,
        communes=[nador],
    )
    return initiative


def draft(existing, cast, **fields):
    data = {
        "title": "قافلة طبية لفائدة المهاجرين بالناظور",
        "sector": existing.sector_id,
        "communes": [existing.communes.get().pk],
        "start_date": "2026-02-01",
        "end_date": "2026-05-31",
        "lead_organisation": cast.organisation.pk,
    }
    data.update(fields)
    return data


def test_the_check_lists_the_candidate_with_score_reasons_and_a_decision_form(cast, existing):
    with translation.override("fr"):
        response = cast.client_for("member").post(reverse(CHECK), draft(existing, cast))
        link = existing.get_absolute_url()
        decide = reverse("initiatives:duplicate_decide", args=[existing.pk])
    assert response.status_code == 200
    html = response.content.decode()
    assert existing.title in html
    assert link in html
    assert 'target="_blank"' in html
    assert "Nador" in html  # the shared commune, named
    assert decide in html
    assert 'hx-include="#initiative-form"' in html
    for value in ("duplicate", "complementary", "unrelated"):
        assert f'value="{value}"' in html
    assert "<script" not in html and "style=" not in html


def test_the_check_asks_for_a_place_before_comparing(cast, existing):
    response = cast.client_for("member").post(
        reverse(CHECK), draft(existing, cast, sector="", communes=[])
    )
    assert response.status_code == 200
    assert existing.title not in response.content.decode()
    assert response.context["has_place"] is False


def test_the_check_hides_initiatives_the_user_may_not_see(cast, existing):
    Initiative.objects.filter(pk=existing.pk).update(visibility=Initiative.Visibility.PARTNERS)
    response = cast.client_for("member").post(reverse(CHECK), draft(existing, cast))
    assert existing.title not in response.content.decode()
    response = cast.client_for("coordinator").post(reverse(CHECK), draft(existing, cast))
    assert existing.title in response.content.decode()


def test_read_only_members_get_403_and_anonymous_users_sign_in(cast, existing):
    assert cast.client_for("readonly").post(reverse(CHECK), {}).status_code == 403
    response = Client().post(reverse(CHECK), {})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert cast.client_for("member").get(reverse(CHECK)).status_code == 405


def test_a_decision_is_stored_with_the_recomputed_score_and_reasons(cast, existing):
    url = reverse("initiatives:duplicate_decide", args=[existing.pk])
    data = draft(existing, cast, decision="duplicate", note="Déjà fait", score="0.01")
    response = cast.client_for("member").post(url, data)
    assert response.status_code == 200
    decision = DraftDecision.objects.get()
    assert decision.candidate == existing
    assert decision.organisation == cast.organisation
    assert decision.decision == "duplicate"
    assert decision.draft_title == "قافلة طبية لفائدة المهاجرين بالناظور"
    assert decision.score > 0.6  # computed here, not taken from the request
    assert {reason["code"] for reason in decision.reasons} >= {"communes", "sector", "title"}
    assert f'data-draft-decision="{decision.pk}"' in response.content.decode()


def test_a_bad_decision_is_shown_and_nothing_is_stored(cast, existing):
    url = reverse("initiatives:duplicate_decide", args=[existing.pk])
    response = cast.client_for("member").post(url, draft(existing, cast, decision="perhaps"))
    assert response.status_code == 200
    assert response.context["error"]
    assert DraftDecision.objects.count() == 0


def test_a_decision_on_an_invisible_initiative_is_404(cast, existing):
    Initiative.objects.filter(pk=existing.pk).update(visibility=Initiative.Visibility.PARTNERS)
    url = reverse("initiatives:duplicate_decide", args=[existing.pk])
    response = cast.client_for("member").post(url, draft(existing, cast, decision="duplicate"))
    assert response.status_code == 404
    assert DraftDecision.objects.count() == 0


def test_the_check_shows_decisions_already_taken_on_the_draft(cast, existing):
    client = cast.client_for("member")
    url = reverse("initiatives:duplicate_decide", args=[existing.pk])
    client.post(url, draft(existing, cast, decision="complementary"))
    decision = DraftDecision.objects.get()
    response = client.post(reverse(CHECK), draft(existing, cast, draft_decisions=[decision.pk]))
    assert f'data-draft-decision="{decision.pk}"' in response.content.decode()


@pytest.fixture
def pair(existing):
    other = InitiativeFactory(
        title="قافلة طبية لفائدة المهاجرين بالناظور",
        sector=existing.sector,
        communes=list(existing.communes.all()),
    )
    first, second = sorted([existing, other], key=lambda item: item.pk)
    return OverlapCandidate.objects.create(
        first=first,
        second=second,
        score=0.9,
        reasons=[{"code": "title", "similarity": 0.95}],
    )


REVIEW_PAGES = ["initiatives:duplicate_review_list", "initiatives:duplicate_review_detail"]


def review_url(name, pair):
    return reverse(name, args=[pair.pk]) if name.endswith("detail") else reverse(name)


@pytest.mark.parametrize("name", REVIEW_PAGES)
def test_review_pages_are_for_coordinators(cast, pair, name):
    url = review_url(name, pair)
    assert cast.client_for("coordinator").get(url).status_code == 200
    for user in ("admin", "member", "readonly", "outsider"):
        assert cast.client_for(user).get(url).status_code == 403
    response = Client().get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_review_list_counts_and_filters_by_state(cast, pair):
    distinct = OverlapCandidate.objects.create(
        first=InitiativeFactory(), second=InitiativeFactory(), score=0.7, state="distinct"
    )
    OverlapCandidate.objects.create(
        first=InitiativeFactory(), second=InitiativeFactory(), score=0.2
    )
    client = cast.client_for("coordinator")
    response = client.get(reverse("initiatives:duplicate_review_list"))
    counts = {state["value"]: state["count"] for state in response.context["states"]}
    assert counts == {"to_review": 1, "duplicate": 0, "complementary": 0, "distinct": 1}
    assert response.context["page"].paginator.count == 2  # the 0.2 pair is below the threshold
    response = client.get(reverse("initiatives:duplicate_review_list"), {"state": "distinct"})
    assert [row["pair"] for row in response.context["rows"]] == [distinct]
    response = client.get(reverse("initiatives:duplicate_review_list"), {"threshold": "10"})
    assert response.context["page"].paginator.count == 3


def test_the_review_detail_shows_both_side_by_side_with_differences(cast, pair):
    with translation.override("fr"):
        response = cast.client_for("coordinator").get(
            reverse("initiatives:duplicate_review_detail", args=[pair.pk])
        )
    html = response.content.decode()
    assert pair.first.title in html and pair.second.title in html
    same = {str(row["label"]): row["same"] for row in response.context["rows"]}
    assert list(same.values())[0] is False  # the titles differ
    assert list(same.values())[4] is True  # the same sector
    assert 'class="duplicate-differs table-warning"' in html
    assert 'class="duplicate-same"' in html
    assert "95" in html  # the title similarity, in words


def test_the_review_detail_lists_decisions_about_either_initiative(cast, pair):
    DraftDecision.objects.create(
        candidate=pair.first,
        draft_title="Un brouillon",
        organisation=cast.organisation,
        decision="unrelated",
        score=0.5,
        decided_by=cast.member,
    )
    response = cast.client_for("coordinator").get(
        reverse("initiatives:duplicate_review_detail", args=[pair.pk])
    )
    assert "Un brouillon" in response.content.decode()


def test_a_coordinator_saves_a_review(cast, pair):
    url = reverse("initiatives:duplicate_review_detail", args=[pair.pk])
    response = cast.client_for("coordinator").post(
        url, {"review-state": "complementary", "review-note": "Coordonnées"}
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.state == "complementary"
    assert pair.note == "Coordonnées"
    assert pair.reviewed_by == cast.coordinator


def test_a_member_cannot_post_a_review(cast, pair):
    url = reverse("initiatives:duplicate_review_detail", args=[pair.pk])
    response = cast.client_for("member").post(url, {"review-state": "duplicate"})
    assert response.status_code == 403
    pair.refresh_from_db()
    assert pair.state == "to_review"


def test_the_review_list_costs_the_same_for_many_pairs(cast, pair, django_assert_max_num_queries):
    for _number in range(10):
        OverlapCandidate.objects.create(
            first=InitiativeFactory(), second=InitiativeFactory(), score=0.8
        )
    client = cast.client_for("coordinator")
    url = reverse("initiatives:duplicate_review_list")
    client.get(url)
    with django_assert_max_num_queries(10):
        client.get(url)
