"""Sensitive feedback: only its team sees it; never in the public figures, the export or counts."""

import pytest

from madina.feedback import services
from madina.feedback.models import Feedback
from madina.feedback.tests.conftest import submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def sensitive(cast, team_member):
    return services.feedback_submit(
        data=submission(
            organisation=cast.organisation,
            is_sensitive=True,
            message="Un agent demande de l'argent pour inscrire les gens.",
            category="staff",
        )
    )


@pytest.fixture
def ordinary(cast):
    return services.feedback_submit(
        data=submission(organisation=cast.organisation, message="Horaires faux sur la porte.")
    )


def test_sensitive_item_is_404_for_staff_outside_the_team(cast, sensitive, team_member):
    url = f"/en/feedback/{sensitive.pk}/"
    for name in ("admin", "member", "readonly", "outsider", "coordinator"):
        response = cast.client_for(name).get(url)
        assert response.status_code == 404, name
    from django.test import Client

    client = Client()
    client.force_login(team_member)
    response = client.get(url)
    assert response.status_code == 200
    assert "Un agent demande" in response.content.decode()


def test_sensitive_item_is_not_in_the_inbox_of_others(cast, sensitive, ordinary):
    for name in ("admin", "coordinator"):
        page = cast.client_for(name).get("/en/feedback/").content.decode()
        assert ordinary.reference_display in page
        assert sensitive.reference_display not in page


def test_team_actions_on_other_peoples_sensitive_items_are_404(cast, sensitive):
    response = cast.client_for("admin").post(f"/en/feedback/{sensitive.pk}/acknowledge/")
    assert response.status_code == 404
    sensitive.refresh_from_db()
    assert sensitive.status == Feedback.Status.RECEIVED


def test_export_holds_no_sensitive_item_and_no_message_or_contact(cast, team_member, sensitive):
    services.feedback_submit(
        data=submission(
            organisation=cast.organisation,
            message="Texte ordinaire secret-123",
            answer_by="phone",
            contact="0611223344",
        )
    )
    from django.test import Client

    client = Client()
    client.force_login(team_member)  # the team sees the sensitive item, and still not in exports
    response = client.get("/en/feedback/export/?format=csv")
    body = b"".join(response.streaming_content).decode()
    lines = [line for line in body.splitlines() if line.strip()]
    assert len(lines) == 2  # header and the one ordinary item
    assert sensitive.reference_display not in body
    assert "secret-123" not in body and "0611223344" not in body
    response = client.get("/en/feedback/export/?format=xlsx&sensitive=yes")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert sheet.max_row == 2
    assert sensitive.reference_display not in values


def test_public_figures_leave_sensitive_items_out(cast, client, sensitive):
    for _ in range(6):
        services.feedback_submit(data=submission(category="staff"))
    for _ in range(5):
        services.feedback_submit(
            data=submission(category="documents", is_sensitive=True, type="concern")
        )
    from madina.feedback.selectors import public_figures

    figures = public_figures()
    staff = next(row for row in figures["by_category"] if row.label == "behaviour of staff")
    assert staff.total == "6"  # six ordinary ones; the sensitive one is not counted
    documents = next(row for row in figures["by_category"] if row.label == "documents")
    assert documents.total == "0"
    concern = next(row for row in figures["by_type"] if row.label == "concern")
    assert concern.total == "0"
    assert figures["total"] == "6"
    page = client.get("/en/portal/feedback/results/").content.decode()
    assert "Un agent demande" not in page
    assert sensitive.reference_display not in page


def test_small_cells_are_suppressed(cast):
    for _ in range(3):
        services.feedback_submit(data=submission(category="shelter"))
    from madina.feedback.selectors import public_figures

    figures = public_figures()
    shelter = next(row for row in figures["by_category"] if row.label == "shelter")
    assert shelter.total == "<5"
    assert "<5" in shelter.cells and "3" not in shelter.cells


def test_flagging_hides_it_from_the_one_who_flagged(cast, ordinary, team_member):
    client = cast.client_for("member")
    response = client.post(
        f"/en/feedback/{ordinary.pk}/sensitive/", {"kind": "misconduct", "note": ""}
    )
    assert response.status_code == 302 and response["Location"] == "/en/feedback/"
    ordinary.refresh_from_db()
    assert ordinary.is_sensitive and ordinary.sensitive_kind == "misconduct"
    assert client.get(f"/en/feedback/{ordinary.pk}/").status_code == 404
    assert ordinary.events.filter(action="flagged", actor=cast.member).exists()
    # Only the team, who see it, may clear the mark.
    services.feedback_set_sensitive(actor=team_member, feedback=ordinary, sensitive=False)
    assert cast.member.has_perm("feedback.view_feedback", ordinary)


def test_team_is_managed_by_admins_and_coordinators_only(cast):
    from django.core.exceptions import PermissionDenied

    from madina.feedback.models import SensitiveTeamMember

    with pytest.raises(PermissionDenied):
        services.sensitive_team_add(
            actor=cast.member, organisation=cast.organisation, user=cast.member
        )
    response = cast.client_for("outsider").post(
        f"/en/feedback/teams/{cast.organisation.pk}/add/", {"user": cast.outsider.pk}
    )
    assert response.status_code == 404
    assert not SensitiveTeamMember.objects.exists()
    services.sensitive_team_add(
        actor=cast.coordinator, organisation=cast.organisation, user=cast.readonly
    )
    assert SensitiveTeamMember.objects.filter(user=cast.readonly).exists()


def test_team_member_who_leaves_the_organisation_loses_access(cast, sensitive, team_member):
    assert team_member.has_perm("feedback.view_feedback", sensitive)
    team_member.memberships.all().delete()
    from madina.accounts.models import User

    fresh = User.objects.get(pk=team_member.pk)
    assert not fresh.has_perm("feedback.view_feedback", sensitive)
