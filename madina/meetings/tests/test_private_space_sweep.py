"""Every page and API endpoint that names a record of a private space answers 404 to an outsider.

The list of URLs is read from the URL configuration, not written by hand: a page added later to
coordination or meetings without its permission check fails here, unless it is added to the
records below (a test then says which URL has no record to try).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from madina.accounts.tests.factories import MembershipFactory
from madina.actors.tests.factories import OrganisationFactory
from madina.coordination.models import ItemEvidence, ReviewRequest
from madina.coordination.tests.factories import (
    ItemFactory,
    ProgrammeFactory,
    ResponsibilityFactory,
    SpaceFactory,
    SpaceMemberFactory,
    SpaceRoleFactory,
)
from madina.meetings.models import MinutesFile, RecommendationAction, RecommendationUpdate
from madina.meetings.tests.factories import (
    AgendaItemFactory,
    InvitationFactory,
    MeetingFactory,
    MinutesFactory,
    RecommendationFactory,
    SessionFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db

APPS = ("coordination", "meetings")
# Pages that name no record of a space: lists, creation forms, the strategy table, and an
# organisation's own page (an outsider's organisation page is theirs to see).
NO_RECORD = {
    "coordination:space_list",
    "coordination:space_create",
    "coordination:organisation_responsibilities",
    "meetings:meeting_list",
    "meetings:meeting_create",
    "meetings:strategy",
    "meetings:strategy_xlsx",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pages():
    """(namespaced name, URL keyword names) of every page of the two apps."""
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in APPS and pattern.name:
                found.append((f"{namespace}:{pattern.name}", tuple(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, None)
    return sorted(set(found))


@pytest.fixture
def private(cast, settings, tmp_path):
    """One record of every kind, all in a private space the outsider has nothing to do with."""
    settings.MEDIA_ROOT = tmp_path / "media"
    space = SpaceFactory(visibility="private")
    member = SpaceMemberFactory(space=space, organisation=cast.organisation, position="chair")
    role = SpaceRoleFactory(space=space, user=cast.member, role="editor")
    programme = ProgrammeFactory(space=space)
    axis = ItemFactory(programme=programme, kind="axis", code="1")
    action = ItemFactory(programme=programme, parent=axis, code="1.1")
    responsibility = ResponsibilityFactory(
        item=action, organisation=cast.organisation, role="accountable"
    )
    consulted = OrganisationFactory()
    MembershipFactory(organisation=consulted)
    review = ReviewRequest.objects.create(item=action, organisation=consulted)
    evidence = ItemEvidence.objects.create(
        item=action,
        file=ContentFile(PDF, name="evidence.pdf"),
        original_name="rapport.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=cast.member,
    )
    meeting = MeetingFactory(space=space)
    agenda = AgendaItemFactory(meeting=meeting)
    session = SessionFactory(meeting=meeting)
    speaker = SpeakerFactory(session=session)
    minutes = MinutesFactory(meeting=meeting)
    minutes_file = MinutesFile.objects.create(
        minutes=minutes,
        kind="document",
        file=ContentFile(PDF, name="minutes.pdf"),
        original_name="pv.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=cast.member,
    )
    recommendation = RecommendationFactory(meeting=meeting, is_public=True, state="adopted")
    update = RecommendationUpdate.objects.create(
        recommendation=recommendation,
        on=datetime.date(2026, 1, 15),
        text="Suivi",
        evidence_file=ContentFile(PDF, name="update.pdf"),
        evidence_file_name="preuve.pdf",
        evidence_content_type="application/pdf",
    )
    link = RecommendationAction.objects.create(recommendation=recommendation, action=action)
    invitation = InvitationFactory(meeting=meeting, organisation=cast.organisation)
    # Keyword values for each page, by the page's name; "pk" names the page's own record.
    records = {
        "coordination:space_": {"pk": space.pk},
        "coordination:member_": {"pk": space.pk, "member_pk": member.pk},
        "coordination:role_": {"pk": space.pk, "role_pk": role.pk},
        "coordination:programme_create": {"pk": space.pk},
        "coordination:space_overdue": {"pk": space.pk},
        "coordination:programme_": {"pk": programme.pk},
        "coordination:item_create": {"pk": programme.pk},
        "coordination:item_": {"pk": action.pk},
        "coordination:responsibility_add": {"pk": action.pk},
        "coordination:responsibility_": {"pk": responsibility.pk},
        "coordination:review_answer": {"pk": review.pk},
        "coordination:evidence_add": {"pk": action.pk},
        "coordination:evidence_": {"pk": evidence.pk},
        "meetings:meeting_": {"pk": meeting.pk},
        "meetings:agenda_item_add": {"pk": meeting.pk},
        "meetings:agenda_item_": {"pk": meeting.pk, "item_pk": agenda.pk},
        "meetings:session_add": {"pk": meeting.pk},
        "meetings:session_": {"pk": meeting.pk, "session_pk": session.pk},
        "meetings:speaker_add": {"pk": meeting.pk, "session_pk": session.pk},
        "meetings:speaker_edit": {
            "pk": meeting.pk,
            "session_pk": session.pk,
            "speaker_pk": speaker.pk,
        },
        "meetings:speaker_delete": {"pk": meeting.pk, "speaker_pk": speaker.pk},
        "meetings:attendance_edit": {"pk": meeting.pk},
        "meetings:invitation_list": {"pk": meeting.pk},
        "meetings:invitation_": {"pk": invitation.pk},
        "meetings:minutes_file_add": {"pk": meeting.pk},
        "meetings:minutes_file": {"pk": minutes_file.pk},
        "meetings:minutes_": {"pk": meeting.pk},
        "meetings:update_evidence": {"pk": update.pk},
        "meetings:recommendation_create": {"pk": meeting.pk},
        "meetings:recommendation_unlink_action": {"pk": recommendation.pk, "link_pk": link.pk},
        "meetings:recommendation_": {"pk": recommendation.pk},
        "meetings:space_": {"space_pk": space.pk},
        "meetings:public_space_recommendations": {"space_pk": space.pk},
        "meetings:public_recommendation": {"pk": recommendation.pk},
    }
    return records


def _kwargs(records: dict, name: str, keywords: tuple[str, ...]) -> dict | None:
    """The most specific entry of ``records`` whose key starts ``name`` and gives its keywords."""
    for prefix in sorted(records, key=len, reverse=True):
        if name.startswith(prefix) and set(keywords) <= set(records[prefix]):
            return {key: records[prefix][key] for key in keywords}
    return None


def test_every_page_of_a_private_space_is_a_404_for_an_outsider(cast, private):
    client = cast.client_for("outsider")
    tried, answers = [], {}
    with translation.override("fr"):
        for name, keywords in _pages():
            if name in NO_RECORD:
                continue
            kwargs = _kwargs(private, name, keywords)
            assert kwargs is not None, f"{name} names a record this test does not build"
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status != 405:  # a page that only answers to one method
                    answers[f"{method.upper()} {url}"] = status
            tried.append(name)
    assert len(tried) > 50
    leaks = {request: status for request, status in answers.items() if status != 404}
    assert leaks == {}


def test_the_strategy_table_of_a_private_space_is_a_404_for_an_outsider(cast, private):
    space = private["coordination:space_"]["pk"]
    client = cast.client_for("outsider")
    assert client.get(f"/fr/meetings/strategy/?space={space}").status_code == 404
    assert client.get(f"/fr/meetings/strategy/xlsx/?space={space}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/spaces/{space}/",
        "/api/spaces/{space}/members/",
        "/api/spaces/{space}/programmes/",
        "/api/programmes/{programme}/",
        "/api/programme-items/{item}/status/",
        "/api/meetings/{meeting}/",
        "/api/meetings/{meeting}/places/",
        "/api/recommendations/{recommendation}/",
        "/api/recommendations/{recommendation}/state/",
    ],
)
def test_every_api_endpoint_of_a_private_space_is_a_404_for_an_outsider(cast, private, url):
    url = url.format(
        space=private["coordination:space_"]["pk"],
        programme=private["coordination:programme_"]["pk"],
        item=private["coordination:item_"]["pk"],
        meeting=private["meetings:meeting_"]["pk"],
        recommendation=private["meetings:recommendation_"]["pk"],
    )
    client = cast.client_for("outsider")
    statuses = {client.get(url).status_code, client.post(url, {}).status_code}
    assert statuses <= {404, 405} and 404 in statuses, (url, statuses)
