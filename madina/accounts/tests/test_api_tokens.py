"""Organisation-scoped API keys: made once, stored hashed, limited to one organisation and role."""

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from madina.accounts.models import ApiToken, Membership
from madina.accounts.services import api_token_create, api_token_revoke
from madina.accounts.tests.factories import MembershipFactory
from madina.core.models import AuditEvent
from madina.initiatives.models import Initiative
from madina.initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def detail(initiative) -> str:
    return f"/api/initiatives/{initiative.pk}/"


def test_the_key_is_shown_once_and_stored_only_as_a_hash(cast):
    token, key = api_token_create(actor=cast.member, organisation=cast.organisation, name="Kobo")
    assert len(key) >= 40
    assert key not in token.key_hash
    assert token.prefix == key[:8]
    assert not ApiToken.objects.filter(key_hash=key).exists()
    event = AuditEvent.objects.get(object_type="accounts.apitoken", object_id=str(token.pk))
    assert event.organisation_id == cast.organisation.pk
    assert key not in str(event.changes)


def test_no_key_for_an_organisation_one_does_not_belong_to(cast):
    with pytest.raises(PermissionDenied):
        api_token_create(actor=cast.outsider, organisation=cast.organisation, name="x")
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(object_type="accounts.apitoken").exists()


def test_a_key_needs_a_name(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_token_create(actor=cast.member, organisation=cast.organisation, name="  ")
    assert not ApiToken.objects.exists()


def test_a_members_key_edits_its_organisations_initiative(cast):
    own = InitiativeFactory(lead_organisation=cast.organisation)
    _token, key = api_token_create(actor=cast.member, organisation=cast.organisation, name="t")
    response = api(key).patch(detail(own), {"title": "Nouveau titre"}, format="json")
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.title == "Nouveau titre"


def test_a_read_only_members_key_cannot_write(cast):
    own = InitiativeFactory(lead_organisation=cast.organisation)
    _token, key = api_token_create(actor=cast.readonly, organisation=cast.organisation, name="t")
    assert api(key).get(detail(own)).status_code == 200
    assert api(key).patch(detail(own), {"title": "x"}, format="json").status_code == 403
    own.refresh_from_db()
    assert own.title != "x"


def test_a_coordinators_key_carries_no_platform_role(cast):
    """A coordinator sees everything when signed in, but their key sees one organisation's share."""
    MembershipFactory(
        user=cast.coordinator, organisation=cast.organisation, role=Membership.Role.MEMBER
    )
    private = InitiativeFactory(
        lead_organisation=cast.other_organisation,
        visibility=Initiative.Visibility.PARTNERS,
    )
    signed_in = APIClient()
    signed_in.force_authenticate(cast.coordinator)
    assert signed_in.get(detail(private)).status_code == 200

    _token, key = api_token_create(actor=cast.coordinator, organisation=cast.organisation, name="t")
    assert api(key).get(detail(private)).status_code == 404
    listed = api(key).get("/api/initiatives/").json()
    assert private.pk not in [row["id"] for row in listed["results"]]


def test_a_key_does_not_act_for_the_users_other_organisations(cast):
    MembershipFactory(
        user=cast.member, organisation=cast.other_organisation, role=Membership.Role.ADMIN
    )
    theirs = InitiativeFactory(lead_organisation=cast.other_organisation)
    _token, key = api_token_create(actor=cast.member, organisation=cast.organisation, name="t")
    assert api(key).patch(detail(theirs), {"title": "x"}, format="json").status_code == 403


def test_a_revoked_key_opens_nothing(cast):
    own = InitiativeFactory(lead_organisation=cast.organisation)
    token, key = api_token_create(actor=cast.member, organisation=cast.organisation, name="t")
    api_token_revoke(actor=cast.member, token=token)
    assert api(key).get(detail(own)).status_code == 401
    assert api("not-a-key").get(detail(own)).status_code == 401


def test_a_key_stops_when_its_membership_ends(cast):
    own = InitiativeFactory(lead_organisation=cast.organisation)
    _token, key = api_token_create(actor=cast.member, organisation=cast.organisation, name="t")
    Membership.objects.filter(user=cast.member).update(is_active=False)
    assert api(key).get(detail(own)).status_code == 401


def test_only_the_owner_or_the_organisation_admin_revokes(cast):
    token, _key = api_token_create(actor=cast.member, organisation=cast.organisation, name="t")
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=cast.readonly, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    api_token_revoke(actor=cast.admin, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_keys_page_shows_a_new_key_once_and_never_caches_it(cast):
    client = cast.client_for("member")
    page = client.get("/fr/accounts/api-keys/")
    assert page.status_code == 200
    response = client.post(
        "/fr/accounts/api-keys/", {"name": "<b>Kobo</b>", "organisation": cast.organisation.pk}
    )
    token = ApiToken.objects.get(user=cast.member)
    html = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert token.prefix in html
    assert "&lt;b&gt;Kobo&lt;/b&gt;" in html
    assert "copiez-la maintenant" in html.lower()
    again = client.get("/fr/accounts/api-keys/").content.decode()
    assert "Votre nouvelle clé" not in again


def test_someone_elses_key_cannot_be_revoked_through_the_page(cast):
    token, _key = api_token_create(actor=cast.member, organisation=cast.organisation, name="t")
    response = cast.client_for("outsider").post(f"/fr/accounts/api-keys/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_only_organisation_is_chosen_already(cast):
    from madina.accounts.forms import ApiTokenForm

    assert ApiTokenForm(user=cast.member)["organisation"].value() == cast.organisation.pk
