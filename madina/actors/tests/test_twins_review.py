"""The coordinators' review of probable duplicate organisations."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from madina.actors.models import OrganisationPairReview
from madina.actors.tests.factories import OrganisationFactory
from madina.actors.twins_review_services import organisation_pair_review
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins():
    first = OrganisationFactory(name_fr="Association Al Amal Nador", name_ar="", acronym="AAN")
    second = OrganisationFactory(
        name_fr="Association Al-Amal Nador", name_ar="جمعية الأمل الناظور", acronym=""
    )
    OrganisationFactory(name_fr="Croissant Rouge Oujda", name_ar="", acronym="")
    return first, second


def detail_url(first, second):
    return reverse("actors_review:twins_review_detail", args=[first.pk, second.pk])


def test_the_list_shows_probable_twins_across_the_registry(cast, twins):
    response = cast.client_for("coordinator").get(reverse("actors_review:twins_review_list"))
    assert response.status_code == 200
    pairs = {(pair.first.pk, pair.second.pk) for pair in response.context["pairs"]}
    assert (twins[0].pk, twins[1].pk) in pairs
    assert all(
        pair.first.name_fr != "Croissant Rouge Oujda"
        and pair.second.name_fr != "Croissant Rouge Oujda"
        for pair in response.context["pairs"]
    )
    counts = {state["value"]: state["count"] for state in response.context["states"]}
    assert counts["to_review"] == len(pairs)


@pytest.mark.parametrize("page", ["list", "detail"])
def test_review_pages_are_for_coordinators(cast, twins, page):
    url = reverse("actors_review:twins_review_list") if page == "list" else detail_url(*twins)
    assert cast.client_for("coordinator").get(url).status_code == 200
    for user in ("admin", "member", "readonly", "outsider"):
        assert cast.client_for(user).get(url).status_code == 403
    response = Client().get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_detail_shows_both_side_by_side(cast, twins):
    response = cast.client_for("coordinator").get(detail_url(*twins))
    html = response.content.decode()
    assert "Association Al Amal Nador" in html and "Association Al-Amal Nador" in html
    assert 'class="duplicate-differs table-warning"' in html
    assert 'class="duplicate-same"' in html  # the type is the same


def test_a_coordinator_records_a_review_and_the_list_counts_it(cast, twins):
    client = cast.client_for("coordinator")
    # Ids in the other order reach the same pair.
    response = client.post(detail_url(twins[1], twins[0]), {"state": "duplicate"})
    assert response.status_code == 302
    review = OrganisationPairReview.objects.get()
    assert (review.first, review.second) == twins
    assert review.state == "duplicate"
    assert review.reviewed_by == cast.coordinator
    assert review.reasons
    assert AuditEvent.objects.filter(object_type="actors.organisationpairreview").count() == 1
    response = client.get(reverse("actors_review:twins_review_list"), {"state": "duplicate"})
    assert [(pair.first, pair.second) for pair in response.context["pairs"]] == [twins]
    client.post(detail_url(*twins), {"state": "distinct"})
    review.refresh_from_db()
    assert review.state == "distinct"
    assert OrganisationPairReview.objects.count() == 1


def test_a_member_cannot_record_a_review(cast, twins):
    response = cast.client_for("member").post(detail_url(*twins), {"state": "duplicate"})
    assert response.status_code == 403
    assert OrganisationPairReview.objects.count() == 0


def test_the_same_organisation_twice_is_404(cast, twins):
    url = detail_url(twins[0], twins[0])
    assert cast.client_for("coordinator").get(url).status_code == 404


def test_the_service_refuses_bad_states_and_non_coordinators(cast, twins):
    with pytest.raises(ValidationError):
        organisation_pair_review(actor=cast.coordinator, first=twins[0], second=twins[1], state="x")
    with pytest.raises(PermissionDenied):
        organisation_pair_review(
            actor=cast.admin, first=twins[0], second=twins[1], state="distinct"
        )
    with pytest.raises(ValidationError):
        organisation_pair_review(
            actor=cast.coordinator, first=twins[0], second=twins[0], state="distinct"
        )
    assert OrganisationPairReview.objects.count() == 0
