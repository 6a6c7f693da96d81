"""The public recommendation tracker: only what anyone may follow, never a draft or private."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from madina.coordination.tests.factories import ItemFactory, ProgrammeFactory, SpaceFactory
from madina.meetings.models import Recommendation, RecommendationAction, RecommendationUpdate
from madina.meetings.tests.factories import MeetingFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_space():
    return SpaceFactory(name_fr="Espace public de Nador", visibility="public")


@pytest.fixture
def shown(public_space):
    return RecommendationFactory(
        meeting=MeetingFactory(space=public_space),
        title="Ouvrir un guichet unique",
        state=Recommendation.State.IN_PROGRESS,
        is_public=True,
    )


@pytest.fixture
def hidden(public_space):
    """Recommendations that must never show: a draft, one not marked public, private spaces'."""
    return [
        RecommendationFactory(
            meeting=MeetingFactory(space=public_space),
            title="Brouillon",
            state=Recommendation.State.DRAFT,
            is_public=True,
        ),
        RecommendationFactory(
            meeting=MeetingFactory(space=public_space), title="Pas publique", is_public=False
        ),
        RecommendationFactory(
            meeting=MeetingFactory(space=SpaceFactory(visibility="private")),
            title="Espace privé",
            is_public=True,
        ),
        RecommendationFactory(
            meeting=MeetingFactory(space=SpaceFactory(visibility="transparent")),
            title="Espace transparent",
            is_public=True,
        ),
    ]


def _titles(client, **params) -> list[str]:
    response = client.get(reverse("portal:recommendations"), params)
    assert response.status_code == 200
    return [r.title for r in response.context["page"].object_list]


def test_only_public_recommendations_are_listed(client, shown, hidden):
    assert _titles(client) == [shown.title]
    html = client.get(reverse("portal:recommendations")).content.decode()
    for recommendation in hidden:
        assert recommendation.title not in html


def test_the_others_have_no_page(client, shown, hidden):
    url = reverse("portal:recommendation_detail", kwargs={"pk": shown.pk})
    assert client.get(url).status_code == 200
    for recommendation in hidden:
        url = reverse("portal:recommendation_detail", kwargs={"pk": recommendation.pk})
        assert client.get(url).status_code == 404


def test_a_signed_in_person_sees_no_more_on_the_portal(client, cast, shown, hidden):
    client.force_login(cast.admin)
    assert _titles(client) == [shown.title]


def test_filter_by_state_and_space(client, public_space, shown):
    other_space = SpaceFactory(name_fr="Autre espace public", visibility="public")
    done = RecommendationFactory(
        meeting=MeetingFactory(space=other_space),
        title="Fait",
        state=Recommendation.State.IMPLEMENTED,
        is_public=True,
    )
    assert set(_titles(client)) == {shown.title, done.title}
    assert _titles(client, state="implemented") == [done.title]
    assert _titles(client, space=public_space.pk) == [shown.title]
    assert _titles(client, state="implemented", space=public_space.pk) == []
    # A draft is no state to filter by; the filter is then ignored.
    assert set(_titles(client, state="draft")) == {shown.title, done.title}


def test_detail_shows_the_dated_updates_and_the_progress(client, public_space, shown):
    RecommendationUpdate.objects.create(
        recommendation=shown,
        on=datetime.date(2025, 5, 2),
        text="Le local est trouvé.",
        state_before=Recommendation.State.ADOPTED,
        state_after=Recommendation.State.IN_PROGRESS,
    )
    action = ItemFactory(
        programme=ProgrammeFactory(space=public_space), title="Aménager le guichet"
    )
    RecommendationAction.objects.create(recommendation=shown, action=action)
    response = client.get(reverse("portal:recommendation_detail", kwargs={"pk": shown.pk}))
    html = response.content.decode()
    assert "Le local est trouvé." in html
    assert 'datetime="2025-05-02"' in html
    assert "now in progress" in html
    assert "Espace public de Nador" in html
    assert action.title in html
