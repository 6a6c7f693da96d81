"""Who may see and do what with a case: the one place that decides (docs/decisions/0022).

- A case is seen by its assigned case workers and by the case supervisors of the organisation
  that owns it, and only in a session signed in with a second factor.
- A referral receiver sees a referral's packet, and nothing else of the case, while the
  referral is open (sent, accepted or in progress) and still covered by a valid consent or a
  recorded override. Receivers of a service are the people of its organisation who hold a case
  role, and its referral focal point when they have an account (same e-mail, same organisation).
- Organisation members without a case role, coordinators and platform administrators see no
  case content (coordinators see statistics, which are consented, counted and suppressed).
- An API token never opens a case: it carries no second factor.
"""

from __future__ import annotations

from django.utils import timezone

from madina.accounts.models import Membership

CaseRole = Membership.CaseRole


def _token_scoped(user) -> bool:
    return getattr(user, "_madina_token_organisation", None) is not None


def case_roles(user) -> dict[int, str]:
    """The user's case role in each organisation, read once per request."""
    if not user.is_authenticated or _token_scoped(user):
        return {}
    cache = getattr(user, "_madina_case_roles", None)
    if cache is None:
        cache = dict(
            user.memberships.active()
            .exclude(case_role="")
            .values_list("organisation_id", "case_role")
        )
        user._madina_case_roles = cache
    return cache


def is_verified(user) -> bool:
    """Signed in with a second factor in this session (django-otp)."""
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def role_in(user, organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    return case_roles(user).get(organisation_id)


def is_supervisor(user, organisation_id: int | None) -> bool:
    return role_in(user, organisation_id) == CaseRole.CASE_SUPERVISOR


def may_open_cases(user, organisation_id: int | None) -> bool:
    return role_in(user, organisation_id) in {CaseRole.CASE_WORKER, CaseRole.CASE_SUPERVISOR}


def worker_organisations(user) -> list[int]:
    """Organisations in which the user may open cases."""
    return [
        org
        for org, role in case_roles(user).items()
        if role in {CaseRole.CASE_WORKER, CaseRole.CASE_SUPERVISOR}
    ]


def supervised_organisations(user) -> list[int]:
    return [org for org, role in case_roles(user).items() if role == CaseRole.CASE_SUPERVISOR]


def can_see_case(user, case) -> bool:
    """Owner side: an assigned worker or a supervisor of the owning organisation."""
    role = role_in(user, case.organisation_id)
    if role == CaseRole.CASE_SUPERVISOR:
        return True
    if role == CaseRole.CASE_WORKER:
        return case.workers.filter(pk=user.pk).exists()
    return False


def can_reveal(user, case) -> bool:
    """Who may ask to see the identity: those who see the case (and the reveal is logged)."""
    return can_see_case(user, case)


def can_override_consent(user, case) -> bool:
    """Referring without matching consent (e.g. mandatory reporting of child abuse)."""
    return is_supervisor(user, case.organisation_id)


def can_receive_for(user, service) -> bool:
    """A person who answers referrals sent to ``service``."""
    if not user.is_authenticated or _token_scoped(user):
        return False
    if role_in(user, service.organisation_id) is not None:
        return True
    focal = focal_user(service)
    return focal is not None and focal.pk == user.pk


def focal_user(service):
    """The platform account of the service's referral focal point: an active member of the
    service's organisation with the focal point's e-mail address (or None)."""
    focal = service.referral_focal_point
    if focal is None or not focal.email:
        return None
    from madina.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            email__iexact=focal.email,
            memberships__organisation_id=service.organisation_id,
            memberships__is_active=True,
        )
        .distinct()
        .first()
    )


def consent_covers(referral, today=None) -> bool:
    """The referral still rests on a valid consent, or on an override recorded with a reason."""
    if referral.override_reason:
        return True
    consent = referral.consent
    return consent is not None and consent.is_valid_on(today or timezone.localdate())


def receiver_may_see(user, referral) -> bool:
    return referral.is_open and can_receive_for(user, referral.service) and consent_covers(referral)
