"""Pages of programmes: works, outsider 404 on a private space, read-only 403; flows in Arabic
and French; bad input refused with a translated message and nothing saved."""

import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from madina.coordination.models import ProgrammeItem, Responsibility, ReviewRequest
from madina.coordination.tests.factories import ItemFactory, SpaceRoleFactory
from madina.core.models import AuditEvent

pytestmark = pytest.mark.django_db

D = datetime.date


def _reading_pages(plan):
    programme = plan.programme.pk
    return [
        f"/spaces/programmes/{programme}/",
        f"/spaces/programmes/{programme}/raci/",
        f"/spaces/programmes/{programme}/timeline/",
        f"/spaces/programmes/{programme}/programme.xlsx",
        f"/spaces/{plan.space.pk}/overdue/",
        f"/spaces/items/{plan.action.pk}/",
        f"/spaces/items/{plan.milestone.pk}/",
    ]


def _editing_pages(plan):
    lead = plan.action.responsibilities.get(role="accountable")
    return [
        f"/spaces/{plan.space.pk}/programmes/new/",
        f"/spaces/programmes/{plan.programme.pk}/edit/",
        f"/spaces/programmes/{plan.programme.pk}/items/new/",
        f"/spaces/items/{plan.action.pk}/edit/",
        f"/spaces/items/{plan.action.pk}/responsibilities/new/",
        f"/spaces/responsibilities/{lead.pk}/edit/",
    ]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_sign_in(client, plan):
    for path in _reading_pages(plan):
        assert client.get(f"/fr{path}").status_code == 302, path


@pytest.mark.parametrize("who", ["member", "readonly", "coordinator"])
def test_those_who_take_part_read_every_page(cast, plan, who):
    client = cast.client_for(who)
    for path in _reading_pages(plan):
        assert client.get(f"/ar{path}").status_code == 200, path


def test_the_outsider_gets_404_on_every_page_of_a_private_space(cast, plan):
    client = cast.client_for("outsider")
    review = ReviewRequest.objects.create(item=plan.action, organisation=plan.consulted)
    lead = plan.action.responsibilities.get(role="accountable")
    paths = [
        *_reading_pages(plan),
        *_editing_pages(plan),
        f"/spaces/items/{plan.action.pk}/status/",
        f"/spaces/reviews/{review.pk}/",
    ]
    for path in paths:
        assert client.get(f"/fr{path}").status_code == 404, path
    assert client.post(f"/fr/spaces/responsibilities/{lead.pk}/remove/").status_code == 404
    assert Responsibility.objects.filter(pk=lead.pk).exists()


@pytest.mark.parametrize("who", ["readonly", "member", "admin"])
def test_taking_part_gives_no_right_to_edit_the_programme(cast, plan, who):
    client = cast.client_for(who)
    for path in _editing_pages(plan):
        assert client.get(f"/fr{path}").status_code == 403, path
    lead = plan.action.responsibilities.get(role="accountable")
    assert client.post(f"/fr/spaces/responsibilities/{lead.pk}/remove/").status_code == 403
    assert Responsibility.objects.filter(pk=lead.pk).exists()


def test_a_space_editor_opens_every_editing_page(cast, plan):
    SpaceRoleFactory(space=plan.space, user=cast.readonly, role="editor")
    client = cast.client_for("readonly")
    for path in _editing_pages(plan):
        assert client.get(f"/ar{path}").status_code == 200, path


def test_the_read_only_member_of_the_lead_may_not_update_the_status(cast, plan):
    client = cast.client_for("readonly")
    path = f"/fr/spaces/items/{plan.action.pk}/status/"
    assert client.get(path).status_code == 403
    assert client.post(path, {"status": "on_track"}).status_code == 403
    plan.action.refresh_from_db()
    assert plan.action.status == "not_started"


def test_an_organisation_named_in_the_matrix_sees_the_action_but_not_the_programme(plan):
    client = _client(plan.informed_user)
    assert client.get(f"/fr/spaces/items/{plan.action.pk}/").status_code == 200
    assert client.get(f"/fr/spaces/programmes/{plan.programme.pk}/").status_code == 404
    assert client.get(f"/fr/spaces/items/{plan.action.pk}/status/").status_code == 403


def test_the_space_page_lists_programmes_and_links_the_overdue_list(cast, plan):
    ItemFactory(
        programme=plan.programme, start_date=None, due_date=D(2020, 1, 31), title="Étude ancienne"
    )
    response = cast.client_for("readonly").get(f"/fr/spaces/{plan.space.pk}/")
    assert list(response.context["programmes"]) == [plan.programme]
    content = response.content.decode()
    overdue = f"/fr/spaces/{plan.space.pk}/overdue/"
    assert overdue in content
    rows = cast.client_for("readonly").get(overdue).context["rows"]
    assert "Étude ancienne" in [item.title for item, _lead, _days in rows]


def test_a_transparent_space_keeps_its_programmes_to_those_who_take_part(cast, spaces):
    from madina.coordination.tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(space=spaces.transparent)
    client = cast.client_for("outsider")
    response = client.get(f"/fr/spaces/{spaces.transparent.pk}/")
    assert response.status_code == 200 and response.context["programmes"] is None
    assert client.get(f"/fr/spaces/programmes/{programme.pk}/").status_code == 404


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_tree_shows_status_progress_lead_and_flags_gaps(cast, plan, language):
    plan.milestone.status = "done"
    plan.milestone.save()
    gap = ItemFactory(programme=plan.programme, parent=plan.axis, code="1.2", title="Sans chef")
    response = cast.client_for("member").get(f"/{language}/spaces/programmes/{plan.programme.pk}/")
    tree = response.context["tree"]
    assert [node.item for node in tree.gaps] == [gap]
    action = next(node for node in tree.nodes if node.item == plan.action)
    assert action.progress_percent == 100 and action.lead.organisation == cast.organisation
    content = response.content.decode()
    assert getattr(cast.organisation, f"name_{language}") in content
    assert ('value="100"' in content) and ("Sans chef" in content)


def test_a_collision_with_another_programme_is_flagged(cast, plan):
    other = ItemFactory(title="Cartographier les services ", programme__space=plan.space)
    Responsibility.objects.create(
        item=other, organisation=cast.other_organisation, role="accountable"
    )
    response = cast.client_for("member").get(f"/fr/spaces/programmes/{plan.programme.pk}/")
    (collision,) = response.context["collisions"]
    assert (collision.action, collision.other) == (plan.action, other)
    assert collision.other_lead == cast.other_organisation


def test_the_raci_matrix_has_a_column_per_organisation(cast, plan):
    response = cast.client_for("member").get(f"/ar/spaces/programmes/{plan.programme.pk}/raci/")
    matrix = response.context["matrix"]
    assert {organisation.pk for organisation in matrix.organisations} == {
        cast.organisation.pk,
        plan.consulted.pk,
        plan.informed.pk,
    }
    ((node, cells),) = matrix.rows
    assert node.item == plan.action
    assert sorted(cell.role for cell in cells if cell) == ["accountable", "consulted", "informed"]
    assert "table-responsive" in response.content.decode()


def test_a_bad_due_date_on_the_form_is_refused_in_arabic_and_nothing_is_saved(cast, plan):
    client = cast.client_for("coordinator")
    count = ProgrammeItem.objects.count()
    response = client.post(
        f"/ar/spaces/programmes/{plan.programme.pk}/items/new/",
        {
            "kind": "action",
            "parent": plan.objective.pk,
            "title": "تكوين الأطر",
            "start_date": "2025-06-01",
            "due_date": "2025-05-01",
            "weight": 1,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"] == [
        "لا يمكن أن يسبق تاريخ الاستحقاق تاريخ البداية."
    ]
    assert ProgrammeItem.objects.count() == count


def test_a_second_lead_on_the_form_is_refused_in_french(cast, plan):
    client = cast.client_for("coordinator")
    response = client.post(
        f"/fr/spaces/items/{plan.action.pk}/responsibilities/new/",
        {"organisation": cast.other_organisation.pk, "role": "accountable"},
    )
    assert response.status_code == 200
    (message,) = response.context["form"].errors["role"]
    assert message.startswith("Cette action a déjà une organisation cheffe de file")
    assert plan.action.responsibilities.count() == 3


def test_the_lead_proposes_done_and_the_consulted_approve_on_their_page(cast, plan):
    response = cast.client_for("member").post(
        f"/fr/spaces/items/{plan.action.pk}/status/", {"status": "done", "reason": ""}
    )
    assert response.status_code == 302
    review = ReviewRequest.objects.get()
    consulted = _client(plan.consulted_user)
    page = consulted.get(f"/ar/spaces/reviews/{review.pk}/")
    assert page.status_code == 200 and cast.organisation.name_ar in page.content.decode()
    refused = consulted.post(f"/fr/spaces/reviews/{review.pk}/", {"decision": "no"})
    assert "comment" in refused.context["form"].errors
    consulted.post(f"/fr/spaces/reviews/{review.pk}/", {"decision": "yes"})
    plan.action.refresh_from_db()
    assert plan.action.status == "done"
    assert cast.client_for("member").get(f"/fr/spaces/reviews/{review.pk}/").status_code == 403


def test_the_organisation_page_shows_what_it_leads_to_those_who_may_see_it(cast, plan):
    path = f"/fr/spaces/organisations/{cast.organisation.pk}/responsibilities/"
    rows = cast.client_for("readonly").get(path).context["rows"]
    assert [responsibility.item for responsibility, _overdue in rows] == [plan.action]
    assert cast.client_for("outsider").get(path).context["rows"] == []


def test_the_workbook_has_a_row_per_item_and_reads_right_to_left_in_arabic(cast, plan):
    response = cast.client_for("member").get(
        f"/ar/spaces/programmes/{plan.programme.pk}/programme.xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.sheet_view.rightToLeft
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["1", "1.1", "1.1.1", "1.1.1.a"]
    assert sheet.cell(row=4, column=9).value == cast.organisation.name


def test_the_timeline_places_bars_on_the_period_and_mirrors_them_in_arabic(cast, plan):
    french = cast.client_for("member").get(f"/fr/spaces/programmes/{plan.programme.pk}/timeline/")
    arabic = cast.client_for("member").get(f"/ar/spaces/programmes/{plan.programme.pk}/timeline/")
    bar_fr = next(bar for bar in french.context["timeline"].bars if bar.node.item == plan.action)
    bar_ar = next(bar for bar in arabic.context["timeline"].bars if bar.node.item == plan.action)
    assert bar_fr.x == 0 and 0 < bar_fr.width < 1000
    assert bar_ar.x + bar_ar.width == 1000
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("path", ["", "raci/", "timeline/"])
def test_programme_pages_cost_the_same_queries_for_few_or_many_actions(cast, plan, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = cast.client_for("member")
    url = f"/fr/spaces/programmes/{plan.programme.pk}/{path}"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add_actions(number):
        for _index in range(number):
            action = ItemFactory(programme=plan.programme, parent=plan.axis)
            Responsibility.objects.create(
                item=action, organisation=cast.other_organisation, role="accountable"
            )
            ItemFactory(programme=plan.programme, kind="milestone", parent=action)

    add_actions(1)
    few = count()
    add_actions(10)
    assert count() == few
