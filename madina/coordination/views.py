"""Pages of coordination spaces: selector → form → service → response."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from madina.actors.selectors import audit_rows
from madina.coordination import programme_selectors, selectors, services
from madina.coordination.forms import (
    CloseForm,
    EndMemberForm,
    MemberForm,
    RoleForm,
    SpaceFilterForm,
    SpaceForm,
)
from madina.core.forms import add_service_errors
from madina.core.permissions import require

PAGE_SIZE = 20


@login_required
def space_list(request):
    form = SpaceFilterForm(request.GET)
    spaces = selectors.space_list(user=request.user, **form.filters())
    page = Paginator(spaces, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "coordination/space_list.html",
        {
            "form": form,
            "page": page,
            "mine": selectors.my_space_ids(request.user),
            "can_add": request.user.has_perm("coordination.add_space"),
        },
    )


@login_required
def space_detail(request, pk: int):
    user = request.user
    space = selectors.space_get_for_user(user, pk, for_display=True)
    groups, former = selectors.members_by_position(space)
    can_see_roles = user.has_perm("coordination.view_roles", space)
    parent = space.parent
    if parent is not None and not user.has_perm("coordination.view_space", parent):
        parent = None
    programmes = programme_selectors.space_programmes(user, space)
    return render(
        request,
        "coordination/space_detail.html",
        {
            "space": space,
            "parent": parent,
            "children": selectors.visible_children(user, space),
            "territory": sorted(space.territory.all(), key=lambda area: (area.level, area.name)),
            "groups": groups,
            "former": former,
            "roles": selectors.space_roles_list(space) if can_see_roles else None,
            "can_edit": user.has_perm("coordination.change_space", space),
            "can_close": user.has_perm("coordination.close_space", space),
            "can_manage_members": user.has_perm("coordination.manage_members", space),
            "can_manage_roles": user.has_perm("coordination.manage_roles", space),
            "can_see_audit": user.has_perm("coordination.view_space_audit", space),
            "programmes": programmes,
            "overdue_count": (
                programme_selectors.overdue_items(space).count() if programmes is not None else 0
            ),
            "can_add_programme": user.has_perm("coordination.change_programmes", space)
            and not space.is_closed,
            "can_plan_meeting": user.has_perm("meetings.add_meeting", space)
            and not space.is_closed,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def space_create(request):
    require(request.user, "coordination.add_space")
    form = SpaceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            space = services.space_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The space has been created."))
            return redirect(space)
    return render(request, "coordination/space_form.html", {"form": form, "space": None})


@login_required
@require_http_methods(["GET", "POST"])
def space_update(request, pk: int):
    space = selectors.space_get_for_user(request.user, pk, perm="coordination.change_space")
    if space.is_closed:
        messages.error(request, _("This space is closed: reopen it before changing it."))
        return redirect(space)
    form = SpaceForm(request.POST or None, instance=space, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            space = services.space_update(actor=request.user, space=space, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(space)
    return render(request, "coordination/space_form.html", {"form": form, "space": space})


@login_required
@require_http_methods(["GET", "POST"])
def space_close(request, pk: int):
    space = selectors.space_get_for_user(request.user, pk, perm="coordination.close_space")
    if space.is_closed:
        return redirect(space)
    initial = {"closed_on": timezone.localdate()}
    form = CloseForm(request.POST or None, instance=space, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            space = services.space_close(
                actor=request.user,
                space=space,
                closed_on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["closing_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The space has been closed."))
            return redirect(space)
    return render(request, "coordination/space_close.html", {"form": form, "space": space})


@login_required
@require_POST
def space_reopen(request, pk: int):
    space = selectors.space_get_for_user(request.user, pk, perm="coordination.close_space")
    try:
        services.space_reopen(actor=request.user, space=space)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The space has been reopened."))
    return redirect(space)


@login_required
def space_audit(request, pk: int):
    space = selectors.space_get_for_user(request.user, pk, perm="coordination.view_space_audit")
    events = selectors.space_audit_trail(user=request.user, space=space)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coordination/space_audit.html",
        {"space": space, "page": page, "rows": audit_rows(page.object_list)},
    )


# --- Members ------------------------------------------------------------------------------------


def _closed(request, space):
    messages.error(request, _("This space is closed: reopen it before changing it."))
    return redirect(space)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, pk: int):
    space = selectors.space_get_for_user(request.user, pk, perm="coordination.manage_members")
    if space.is_closed:
        return _closed(request, space)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(actor=request.user, space=space, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation has been added to the space."))
            return redirect(space)
    return render(
        request, "coordination/member_form.html", {"form": form, "space": space, "member": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_update(request, pk: int, member_pk: int):
    space = selectors.space_get_for_user(request.user, pk, perm="coordination.manage_members")
    member = selectors.member_get_for_user(request.user, space, member_pk)
    if space.is_closed:
        return _closed(request, space)
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_change(
                actor=request.user,
                member=selectors.member_get_for_user(request.user, space, member_pk),
                data=form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(space)
    return render(
        request, "coordination/member_form.html", {"form": form, "space": space, "member": member}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_end(request, pk: int, member_pk: int):
    space = selectors.space_get_for_user(request.user, pk, perm="coordination.manage_members")
    member = selectors.member_get_for_user(request.user, space, member_pk)
    if space.is_closed:
        return _closed(request, space)
    form = EndMemberForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_end(
                actor=request.user, member=member, end_date=form.cleaned_data["end_date"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The membership has been ended."))
            return redirect(space)
    return render(
        request, "coordination/member_end.html", {"form": form, "space": space, "member": member}
    )


# --- Roles --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def role_list(request, pk: int):
    space = selectors.space_get_for_user(request.user, pk, perm="coordination.manage_roles")
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant(
                actor=request.user,
                space=space,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The role has been given."))
            return redirect("coordination:role_list", pk=space.pk)
    return render(
        request,
        "coordination/role_list.html",
        {"form": form, "space": space, "roles": selectors.space_roles_list(space)},
    )


@login_required
@require_POST
def role_revoke(request, pk: int, role_pk: int):
    space = selectors.space_get_for_user(request.user, pk, perm="coordination.manage_roles")
    space_role = selectors.role_get_for_user(request.user, space, role_pk)
    services.role_revoke(actor=request.user, space_role=space_role)
    messages.success(request, _("The role has been taken back."))
    return redirect("coordination:role_list", pk=space.pk)
