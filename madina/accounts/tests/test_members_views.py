"""Every members view: works for the admin, 404 for an outsider, 403 for a read-only member."""

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from madina.accounts.models import Invitation, Membership
from madina.accounts.tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(cast):
    org = cast.organisation.pk
    member = Membership.objects.get(user=cast.member)
    invitation = InvitationFactory(organisation=cast.organisation)
    return {
        "list": reverse("accounts:member_list", kwargs={"org": org}),
        "invite": reverse("accounts:invite", kwargs={"org": org}),
        "change": reverse("accounts:member_change", kwargs={"org": org, "pk": member.pk}),
        "revoke": reverse("accounts:invitation_revoke", kwargs={"org": org, "pk": invitation.pk}),
        "membership": member,
        "invitation": invitation,
    }


def test_member_list_works_for_the_admin(cast, urls):
    client = cast.client_for("admin")
    response = client.get(urls["list"])
    assert response.status_code == 200
    html = response.content.decode()
    assert cast.member.email in html
    assert urls["invitation"].email in html
    assert urls["invite"] in html


@pytest.mark.parametrize("name", ["member", "readonly", "coordinator"])
def test_member_list_is_readable_by_members_and_coordinators_without_management(cast, urls, name):
    response = cast.client_for(name).get(urls["list"])
    assert response.status_code == 200
    html = response.content.decode()
    assert cast.admin.email in html
    assert urls["invitation"].email not in html
    assert urls["invite"] not in html


def test_member_list_queries_do_not_grow_with_members(cast, urls, django_assert_max_num_queries):
    client = cast.client_for("admin")
    client.get(urls["list"])
    with django_assert_max_num_queries(20) as few:
        client.get(urls["list"])
    MembershipFactory.create_batch(10, organisation=cast.organisation)
    InvitationFactory.create_batch(5, organisation=cast.organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(urls["list"])


def test_member_list_of_an_unknown_organisation_is_404(cast):
    response = cast.client_for("admin").get(reverse("accounts:member_list", kwargs={"org": 999999}))
    assert response.status_code == 404


@pytest.mark.parametrize("view", ["list", "invite", "change"])
def test_outsider_gets_404(cast, urls, view):
    assert cast.client_for("outsider").get(urls[view]).status_code == 404


def test_outsider_gets_404_on_revoke(cast, urls):
    assert cast.client_for("outsider").post(urls["revoke"]).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, urls):
    response = client.get(urls["list"])
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["readonly", "member"])
@pytest.mark.parametrize("view", ["invite", "change"])
def test_members_without_admin_role_get_403_on_every_write(cast, urls, name, view):
    client = cast.client_for(name)
    assert client.get(urls[view]).status_code == 403
    assert (
        client.post(urls[view], {"email": "x@example.org", "role": "org_admin"}).status_code == 403
    )
    assert client.post(urls[view], {"action": "role", "role": "org_admin"}).status_code == 403


@pytest.mark.parametrize("name", ["readonly", "member", "coordinator"])
def test_non_admins_get_403_on_revoke(cast, urls, name):
    assert cast.client_for(name).post(urls["revoke"]).status_code == 403
    urls["invitation"].refresh_from_db()
    assert urls["invitation"].revoked_at is None


def test_platform_admin_may_manage_any_organisation(cast, urls):
    client = Client()
    client.force_login(UserFactory(platform_role="platform_admin"))
    with override_settings(MADINA_2FA_REQUIRED_ROLES=[]):
        assert client.get(urls["invite"]).status_code == 200
        assert (
            client.post(urls["change"], {"action": "role", "role": "readonly"}).status_code == 302
        )


def test_admin_invites_by_email(cast, urls, django_capture_on_commit_callbacks):
    client = cast.client_for("admin")
    assert client.get(urls["invite"]).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls["invite"], {"email": "New@Example.org", "role": "member"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@example.org")
    assert invitation.invited_by == cast.admin
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    assert "/accounts/invitations/" in mail.outbox[0].body


def test_invite_form_errors_are_tied_to_their_field(cast, urls):
    response = cast.client_for("admin").post(urls["invite"], {"email": "not-an-email"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_email_error"' in html
    assert 'aria-invalid="true"' in html


def test_invite_of_an_existing_member_is_refused(cast, urls):
    count = Invitation.objects.count()
    response = cast.client_for("admin").post(
        urls["invite"], {"email": cast.member.email, "role": "member"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert Invitation.objects.count() == count


def test_admin_changes_a_role(cast, urls):
    client = cast.client_for("admin")
    assert client.get(urls["change"]).status_code == 200
    response = client.post(urls["change"], {"action": "role", "role": "readonly"})
    assert response.status_code == 302
    urls["membership"].refresh_from_db()
    assert urls["membership"].role == "readonly"


def test_admin_deactivates_and_reactivates_a_member(cast, urls):
    client = cast.client_for("admin")
    client.post(urls["change"], {"action": "deactivate"})
    urls["membership"].refresh_from_db()
    assert not urls["membership"].is_active
    assert cast.client_for("member").get(urls["list"]).status_code == 404
    client.post(urls["change"], {"action": "reactivate"})
    urls["membership"].refresh_from_db()
    assert urls["membership"].is_active


def test_the_last_admin_cannot_demote_themselves(cast):
    client = cast.client_for("admin")
    own = Membership.objects.get(user=cast.admin)
    url = reverse("accounts:member_change", kwargs={"org": cast.organisation.pk, "pk": own.pk})
    response = client.post(url, {"action": "role", "role": "member"})
    assert response.status_code == 400
    assert "هذا آخر مسؤول عن الهيئة" in response.content.decode()
    assert response.context["errors"]
    own.refresh_from_db()
    assert own.role == "org_admin"
    response = client.post(url, {"action": "deactivate"})
    assert response.status_code == 400
    own.refresh_from_db()
    assert own.is_active


def test_admin_revokes_an_invitation(cast, urls):
    response = cast.client_for("admin").post(urls["revoke"])
    assert response.status_code == 302
    urls["invitation"].refresh_from_db()
    assert urls["invitation"].revoked_at is not None


def test_revoke_is_post_only(cast, urls):
    assert cast.client_for("admin").get(urls["revoke"]).status_code == 405


def test_membership_of_another_organisation_is_404(cast):
    other = Membership.objects.get(user=cast.outsider)
    url = reverse("accounts:member_change", kwargs={"org": cast.organisation.pk, "pk": other.pk})
    assert cast.client_for("admin").get(url).status_code == 404


def test_markup_in_a_full_name_is_shown_escaped(cast, urls):
    cast.member.full_name = '<script>alert("x")</script>Amina'
    cast.member.save()
    html = cast.client_for("admin").get(urls["list"]).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Amina" in html
    html = cast.client_for("admin").get(urls["change"]).content.decode()
    assert '<script>alert("x")</script>' not in html
