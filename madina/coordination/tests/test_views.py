"""Pages of coordination spaces: works, outsider 404, read-only 403, in Arabic and French."""

import datetime

import pytest

from madina.actors.tests.factories import AreaFactory, OrganisationFactory
from madina.coordination.models import Space, SpaceMember
from madina.coordination.tests.factories import SpaceFactory, SpaceMemberFactory, SpaceRoleFactory
from madina.core.models import AuditEvent
from madina.territory.models import Area

pytestmark = pytest.mark.django_db


def _url(space, rest=""):
    return f"/fr/spaces/{space.pk}/{rest}"


@pytest.fixture
def private(cast, spaces):
    SpaceMemberFactory(space=spaces.private, organisation=cast.organisation, position="chair")
    return spaces.private


def test_anonymous_is_sent_to_sign_in(client, spaces):
    assert client.get(_url(spaces.public)).status_code == 302


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_list_shows_the_spaces_the_user_may_see(cast, spaces, language):
    response = cast.client_for("outsider").get(f"/{language}/spaces/")
    assert response.status_code == 200
    names = [space.name_fr for space in response.context["page"].object_list]
    assert "Espace public de Nador" in names and "Espace transparent" in names
    assert "Espace privé" not in names
    assert response.context["LANGUAGE_CODE"] == language


def test_the_list_filters_and_searches_forgivingly(cast, spaces):
    province = AreaFactory(level=Area.Level.PROVINCE, code="02.381", name_fr="Nador")
    commune = AreaFactory(code="02.381.01.03", name_fr="Beni Ansar", parent=province)
    spaces.transparent.territory.set([province])
    spaces.public.name_ar = "فضاء بني أنصار"
    spaces.public.save()
    client = cast.client_for("member")
    found = client.get("/fr/spaces/", {"q": "بني انصار"}).context["page"].object_list
    assert list(found) == [spaces.public]
    found = client.get("/fr/spaces/", {"area": commune.pk}).context["page"].object_list
    assert list(found) == [spaces.transparent]
    found = client.get("/fr/spaces/", {"type": "other", "visibility": "nonsense"})
    assert found.status_code == 200 and not found.context["page"].object_list


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_detail_shows_members_by_position_with_dates(cast, private, language):
    SpaceMemberFactory(
        space=private,
        organisation=OrganisationFactory(name_fr="Ancienne association"),
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 6, 30),
    )
    response = cast.client_for("readonly").get(f"/{language}/spaces/{private.pk}/")
    assert response.status_code == 200
    labels = [label for label, _members in response.context["groups"]]
    assert len(labels) == 1
    assert [m.organisation for m in response.context["former"]][0].name_fr == (
        "Ancienne association"
    )
    assert response.context["roles"] is None
    assert not response.context["can_edit"]
    content = response.content.decode()
    assert ("رئاسة" if language == "ar" else "présidence") in content.lower()


def test_role_holders_are_shown_to_those_who_hold_a_role(cast, private):
    SpaceRoleFactory(space=private, user=cast.member, role="editor")
    response = cast.client_for("member").get(_url(private))
    assert [role.user for role in response.context["roles"]] == [cast.member]


@pytest.mark.parametrize("path", ["", "edit/", "close/", "history/", "members/new/", "roles/"])
def test_the_outsider_gets_404_on_a_private_space(cast, private, path):
    assert cast.client_for("outsider").get(_url(private, path)).status_code == 404


@pytest.mark.parametrize("path", ["edit/", "close/", "history/", "members/new/", "roles/"])
def test_a_read_only_member_gets_403_on_edits(cast, private, path):
    assert cast.client_for("readonly").get(_url(private, path)).status_code == 403


def test_only_coordinators_open_the_create_page(cast):
    assert cast.client_for("admin").get("/fr/spaces/new/").status_code == 403
    assert cast.client_for("coordinator").get("/ar/spaces/new/").status_code == 200


def test_creating_a_space_through_the_page(cast):
    response = cast.client_for("coordinator").post(
        "/fr/spaces/new/",
        {
            "name_ar": "لجنة جهوية",
            "type": "regional_committee",
            "created_on": "2025-01-15",
            "visibility": "private",
            "purpose_fr": "<script>alert(1)</script>",
        },
    )
    space = Space.objects.get()
    assert response.status_code == 302 and response.url == f"/fr/spaces/{space.pk}/"
    page = cast.client_for("coordinator").get(response.url).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_bad_form_changes_nothing_and_says_why(cast):
    response = cast.client_for("coordinator").post(
        "/fr/spaces/new/", {"type": "other", "visibility": "public", "created_on": "2025-01-01"}
    )
    assert response.status_code == 200
    assert "au moins une langue" in response.content.decode()
    assert not Space.objects.exists()


def test_a_cycle_is_refused_with_a_translated_message(cast):
    top = SpaceFactory()
    child = SpaceFactory(parent=top)
    data = {
        "name_fr": top.name_fr,
        "type": top.type,
        "visibility": top.visibility,
        "created_on": "2024-01-01",
        "parent": child.pk,
    }
    response = cast.client_for("coordinator").post(f"/ar/spaces/{top.pk}/edit/", data)
    assert response.status_code == 200
    assert "لا يمكن" in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None


def test_adding_and_ending_a_member(cast, spaces):
    SpaceRoleFactory(space=spaces.public, user=cast.member, role="editor")
    client = cast.client_for("member")
    response = client.post(
        _url(spaces.public, "members/new/"),
        {
            "organisation": cast.other_organisation.pk,
            "position": "observer",
            "start_date": "2025-01-01",
        },
    )
    assert response.status_code == 302
    member = SpaceMember.objects.get()
    response = client.post(
        _url(spaces.public, f"members/{member.pk}/end/"), {"end_date": "2024-12-01"}
    )
    assert response.status_code == 200
    assert "précéder la date de début" in response.content.decode()
    response = client.post(
        _url(spaces.public, f"members/{member.pk}/end/"), {"end_date": "2025-03-01"}
    )
    member.refresh_from_db()
    assert member.end_date == datetime.date(2025, 3, 1)


def test_someone_elses_member_id_gets_404(cast, spaces):
    other = SpaceMemberFactory(space=spaces.transparent)
    client = cast.client_for("coordinator")
    assert client.get(_url(spaces.public, f"members/{other.pk}/edit/")).status_code == 404
    assert client.get(_url(spaces.public, f"members/{other.pk}/end/")).status_code == 404


def test_closing_and_reopening(cast, spaces):
    client = cast.client_for("coordinator")
    response = client.post(_url(spaces.public, "close/"), {"closed_on": "2025-01-01"})
    assert response.status_code == 200 and not Space.objects.get(pk=spaces.public.pk).is_closed
    client.post(
        _url(spaces.public, "close/"), {"closed_on": "2025-01-01", "closing_reason": "Fusion"}
    )
    assert Space.objects.get(pk=spaces.public.pk).is_closed
    assert client.get(_url(spaces.public, "edit/")).status_code == 302
    client.post(_url(spaces.public, "reopen/"))
    assert not Space.objects.get(pk=spaces.public.pk).is_closed


def test_roles_page_grants_and_revokes(cast, spaces):
    SpaceRoleFactory(space=spaces.private, user=cast.admin, role="admin")
    client = cast.client_for("admin")
    response = client.post(
        _url(spaces.private, "roles/"), {"email": cast.outsider.email, "role": "editor"}
    )
    assert response.status_code == 302
    assert cast.client_for("outsider").get(_url(spaces.private)).status_code == 200
    role = spaces.private.roles.active().get(user=cast.outsider)
    client.post(_url(spaces.private, f"roles/{role.pk}/revoke/"))
    assert cast.client_for("outsider").get(_url(spaces.private)).status_code == 404


def test_the_audit_trail_shows_the_space_and_its_members(cast, spaces):
    client = cast.client_for("coordinator")
    client.post(
        _url(spaces.public, "members/new/"),
        {"organisation": cast.organisation.pk, "position": "member", "start_date": "2025-01-01"},
    )
    response = client.get(_url(spaces.public, "history/"))
    assert response.status_code == 200
    assert [row["event"].object_type for row in response.context["rows"]] == [
        "coordination.spacemember"
    ]
    assert AuditEvent.objects.count() == 1


def test_the_space_page_leads_to_all_its_meetings_past_ones_included(cast, private):
    """A space's meetings are mostly past ones (the seed's meeting was held): the link from the
    space page asks for every date, not the list's default of upcoming meetings."""
    content = cast.client_for("readonly").get(f"/fr/spaces/{private.pk}/").content.decode()
    assert f"/fr/meetings/?space={private.pk}&amp;when=all" in content
    assert f"/fr/meetings/spaces/{private.pk}/recommendations/" in content
