"""Members of an organisation: list, invite, change role or deactivate, revoke an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from madina.accounts import selectors, services
from madina.accounts.forms import InvitationSignupForm, InviteForm, MemberRoleForm
from madina.actors.selectors import organisation_get_for_user
from madina.core.forms import add_service_errors

MANAGE = "actors.manage_members"


@login_required
def member_list(request, org: int):
    organisation = organisation_get_for_user(request.user, org, perm="accounts.view_members")
    can_manage = request.user.has_perm(MANAGE, organisation)
    context = {
        "organisation": organisation,
        "memberships": selectors.membership_list(organisation=organisation),
        "invitations": selectors.invitation_open_list(organisation=organisation)
        if can_manage
        else [],
        "can_manage": can_manage,
    }
    return render(request, "accounts/member_list.html", context)


@login_required
def invite(request, org: int):
    organisation = organisation_get_for_user(request.user, org, perm=MANAGE)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                actor=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("accounts:member_list", org=organisation.pk)
    return render(request, "accounts/invite.html", {"organisation": organisation, "form": form})


@login_required
def member_change(request, org: int, pk: int):
    membership = selectors.membership_get_for_user(request.user, organisation_pk=org, pk=pk)
    organisation = membership.organisation
    form = MemberRoleForm(
        request.POST if request.POST.get("action") == "role" else None,
        initial={"role": membership.role, "case_role": membership.case_role},
    )
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "role":
                if form.is_valid():
                    services.membership_change_role(
                        actor=request.user,
                        membership=membership,
                        role=form.cleaned_data["role"],
                        # A form that did not offer the field leaves the case role as it is.
                        case_role=form.cleaned_data["case_role"]
                        if "case_role" in request.POST
                        else None,
                    )
                    messages.success(request, _("The role has been changed."))
            elif action == "deactivate":
                services.membership_deactivate(actor=request.user, membership=membership)
                messages.success(request, _("The member has been deactivated."))
            elif action == "reactivate":
                services.membership_reactivate(actor=request.user, membership=membership)
                messages.success(request, _("The member has been reactivated."))
            else:
                errors.append(_("Unknown action."))
        except ValidationError as error:
            errors.extend(error.messages)
        if not errors and not form.errors:
            if request.user.has_perm(MANAGE, organisation):
                return redirect("accounts:member_list", org=organisation.pk)
            return redirect("accounts:profile")
    context = {
        "organisation": organisation,
        "membership": membership,
        "form": form,
        "errors": errors,
    }
    return render(
        request,
        "accounts/member_change.html",
        context,
        status=400 if errors or form.errors else 200,
    )


@login_required
@require_POST
def invitation_revoke(request, org: int, pk: int):
    invitation = selectors.invitation_get_for_user(request.user, organisation_pk=org, pk=pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError:
        messages.error(request, _("This invitation is no longer open."))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been revoked.") % {"email": invitation.email},
        )
    return redirect("accounts:member_list", org=invitation.organisation_id)


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, token: str):
    invitation = selectors.invitation_get_by_token(token)
    if invitation is None or not invitation.is_open:
        return render(request, "accounts/invitation_invalid.html", status=404)
    context = {"invitation": invitation, "organisation": invitation.organisation}
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            return render(request, "accounts/invitation_wrong_account.html", context, status=403)
        if request.method == "POST":
            try:
                services.invitation_accept(actor=user, invitation=invitation)
            except (ValidationError, PermissionDenied):
                return render(request, "accounts/invitation_invalid.html", status=404)
            messages.success(
                request,
                _("You are now a member of %(organisation)s.")
                % {"organisation": invitation.organisation},
            )
            return redirect("accounts:profile")
        return render(request, "accounts/invitation_accept.html", context)
    if selectors.user_exists_with_email(invitation.email):
        return render(request, "accounts/invitation_sign_in.html", context)
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept(
                actor=user,
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                preferred_language=get_language() or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            auth_login(
                request, membership.user, backend="django.contrib.auth.backends.ModelBackend"
            )
            messages.success(
                request,
                _("Welcome! You are now a member of %(organisation)s.")
                % {"organisation": invitation.organisation},
            )
            return redirect("accounts:profile")
    context["form"] = form
    return render(request, "accounts/invitation_accept.html", context)
