"""The cast of the case tests: an association that runs cases, a court whose cell receives
referrals, and everyone who must not see a case.

``ccast.client_for(name)`` signs in through a session verified with a second factor, as a real
sign-in would; ``verified=False`` gives a session that gave only the password.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from madina.accounts.models import Membership, User
from madina.accounts.tests.factories import MembershipFactory, UserFactory
from madina.actors.models import Organisation
from madina.actors.tests.factories import AreaFactory, FocalPersonFactory, OrganisationFactory
from madina.cases import services
from madina.cases.models import Case, Consent, RecipientKind
from madina.directory.models import Service
from madina.directory.tests.factories import ServiceFactory
from madina.territory.models import Area

PASSWORD = "Correct-Horse-Battery-9"
NAME = "Aminata Diallo"
PHONE = "+212612345678"
BIRTH = "1999-04-17"


def verify(user: User) -> User:
    """Mark ``user`` as signed in with a second factor, for calls made without a request."""
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="phone", confirmed=True
    )
    user.otp_device = device
    user.is_verified = lambda: True
    return user


@dataclass
class CaseCast:
    association: Organisation
    court: Organisation
    other: Organisation
    commune: Area
    cell: Service
    shelter: Service
    no_referrals: Service
    worker: User
    worker2: User
    supervisor: User
    supervisor2: User
    member: User  # of the association, without a case role
    receiver: User  # the court cell's focal point
    court_member: User  # of the court, without a case role
    outsider: User
    other_supervisor: User  # case supervisor of another organisation
    coordinator: User
    admin: User

    def client_for(self, name: str, *, verified: bool = True) -> Client:
        user = getattr(self, name)
        client = Client()
        client.force_login(user)
        if verified:
            device = verify(user).otp_device
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    def open_case(self, *, by: str = "worker", consents=("services", "court_cell")) -> Case:
        actor = verify(getattr(self, by))
        case = services.case_open(
            actor=actor,
            organisation=self.association,
            sex="female",
            identity={
                "given_name": "Aminata",
                "family_name": "Diallo",
                "phone": PHONE,
                "birth_date": BIRTH,
                "nationality": "GN",
            },
        )
        today = timezone.localdate()
        for consent in consents:
            if consent in {"services", "statistics"}:
                services.consent_record(
                    actor=actor, case=case, purpose=consent, given_by="person", given_on=today
                )
            else:
                services.consent_record(
                    actor=actor,
                    case=case,
                    purpose=Consent.Purpose.REFERRAL,
                    recipient_kind=RecipientKind(consent),
                    given_by="person",
                    given_on=today,
                )
        return case


def _member(organisation, case_role="", role=Membership.Role.MEMBER, **user_fields) -> User:
    user = UserFactory(**user_fields)
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, organisation=organisation, role=role, case_role=case_role)
    return user


@pytest.fixture
def ccast(db) -> CaseCast:
    region = AreaFactory(level=Area.Level.REGION, code="02", name_fr="Oriental", name_ar="الشرق")
    province = AreaFactory(
        level=Area.Level.PROVINCE, code="02.381", name_fr="Nador", name_ar="الناظور", parent=region
    )
    commune = AreaFactory(
        code="02.381.01.01",
        name_fr="Nador",
        name_ar="الناظور",
        parent=province,
        latitude=Decimal("35.168"),
        longitude=Decimal("-2.933"),
    )
    association = OrganisationFactory(name_fr="Association Rif Solidarité", acronym="ARS")
    court = OrganisationFactory(
        name_fr="Tribunal de première instance de Nador", acronym="TPI", type="public_institution"
    )
    other = OrganisationFactory(name_fr="Association Oujda Accueil", acronym="AOA")
    receiver = _member(court, Membership.CaseRole.REFERRAL_RECEIVER, full_name="Latifa Bennani")
    focal = FocalPersonFactory(organisation=court, full_name="Latifa Bennani", email=receiver.email)
    cell = ServiceFactory(
        organisation=court,
        name_fr="Cellule de prise en charge des femmes et des enfants",
        name_ar="خلية التكفل بالنساء والأطفال",
        type=Service.Type.POLICE_JUSTICE,
        is_specialised_cell=True,
        cell_kind=Service.CellKind.COURT,
        accepts_referrals=True,
        referral_focal_point=focal,
    )
    shelter = ServiceFactory(organisation=other, type=Service.Type.SHELTER, accepts_referrals=True)
    no_referrals = ServiceFactory(organisation=court, type=Service.Type.LEGAL)
    return CaseCast(
        association=association,
        court=court,
        other=other,
        commune=commune,
        cell=cell,
        shelter=shelter,
        no_referrals=no_referrals,
        worker=_member(association, Membership.CaseRole.CASE_WORKER, full_name="Nadia Case"),
        worker2=_member(association, Membership.CaseRole.CASE_WORKER),
        supervisor=_member(association, Membership.CaseRole.CASE_SUPERVISOR),
        supervisor2=_member(association, Membership.CaseRole.CASE_SUPERVISOR),
        member=_member(association, role=Membership.Role.ADMIN),
        receiver=receiver,
        court_member=_member(court),
        outsider=_member(other, role=Membership.Role.ADMIN),
        other_supervisor=_member(other, Membership.CaseRole.CASE_SUPERVISOR),
        coordinator=UserFactory(platform_role=User.PlatformRole.COORDINATOR),
        admin=UserFactory(platform_role=User.PlatformRole.ADMIN, is_superuser=True),
    )


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Attachments of these tests go to a folder of their own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    """Tests read messages and pages in English unless they ask for a language (/ar/…)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_refusals_left_over():
    """Refusals kept aside by an earlier test (its transaction never ended) are not this one's."""
    from madina.cases import selectors

    selectors._pending.events = []
    yield
    selectors._pending.events = []
