"""Whether the main menu offers "Cases": to people with a case role or a service to answer for."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from madina.cases import access


def _has_cases(user) -> bool:
    if not user.is_authenticated or access._token_scoped(user):
        return False
    if access.case_roles(user):
        return True
    from madina.actors.models import FocalPerson

    return (
        bool(user.email)
        and FocalPerson.objects.filter(
            email__iexact=user.email,
            organisation__memberships__user=user,
            organisation__memberships__is_active=True,
        ).exists()
    )


def cases_menu(request) -> dict:
    """``cases_menu``: true when the menu should show "Cases"; read only if a page asks."""
    user = getattr(request, "user", None)
    if user is None:
        return {"cases_menu": False}
    return {"cases_menu": SimpleLazyObject(lambda: _has_cases(user))}
