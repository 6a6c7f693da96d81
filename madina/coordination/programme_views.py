"""Pages of programmes and roadmaps: selector → form → service → response."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from madina.actors.models import Organisation
from madina.coordination import exports
from madina.coordination import programme_selectors as selectors
from madina.coordination import programme_services as services
from madina.coordination.models import Programme, ProgrammeItem, Responsibility
from madina.coordination.programme_forms import (
    ItemForm,
    ProgrammeForm,
    ResponsibilityForm,
    ReviewForm,
    StatusForm,
)
from madina.coordination.selectors import space_get_for_user
from madina.core.forms import add_service_errors
from madina.core.pdf import pdf_response, render_pdf

CHANGE = "coordination.change_programmes"
REMOVE_EVIDENCE = "coordination.remove_evidence"


def _open(programme: Programme) -> bool:
    return not programme.space.is_closed and programme.status != Programme.Status.CLOSED


def _can_change(user, programme: Programme) -> bool:
    return (
        user.has_perm(CHANGE, programme.space)
        and not programme.space.is_closed
        and programme.status != Programme.Status.CLOSED
    )


# --- Programmes ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request, pk: int):
    space = space_get_for_user(request.user, pk, perm=CHANGE)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, space=space, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The programme has been created."))
            return redirect(programme)
    return render(
        request,
        "coordination/programmes/programme_form.html",
        {"form": form, "space": space, "programme": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_update(request, pk: int):
    programme = selectors.programme_get_for_user(request.user, pk, perm=CHANGE)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_update(
                actor=request.user, programme=programme, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(programme)
    return render(
        request,
        "coordination/programmes/programme_form.html",
        {"form": form, "space": programme.space, "programme": programme},
    )


@login_required
def programme_detail(request, pk: int):
    programme = selectors.programme_get_for_user(request.user, pk)
    tree = selectors.programme_tree(programme)
    return render(
        request,
        "coordination/programmes/programme_detail.html",
        {
            "programme": programme,
            "space": programme.space,
            "tree": tree,
            "collisions": selectors.collisions(request.user, tree),
            "can_change": _can_change(request.user, programme),
        },
    )


@login_required
def programme_raci(request, pk: int):
    programme = selectors.programme_get_for_user(request.user, pk)
    tree = selectors.programme_tree(programme)
    return render(
        request,
        "coordination/programmes/raci.html",
        {
            "programme": programme,
            "space": programme.space,
            "matrix": selectors.raci_matrix(tree),
            "legend": [
                (role, label, Responsibility.LETTERS[role])
                for role, label in Responsibility.Role.choices
            ],
        },
    )


@login_required
def programme_timeline(request, pk: int):
    programme = selectors.programme_get_for_user(request.user, pk)
    tree = selectors.programme_tree(programme)
    return render(
        request,
        "coordination/programmes/timeline.html",
        {
            "programme": programme,
            "space": programme.space,
            "timeline": exports.timeline(tree, today=timezone.localdate()),
        },
    )


@login_required
def programme_xlsx(request, pk: int):
    programme = selectors.programme_get_for_user(request.user, pk)
    workbook = exports.programme_workbook(selectors.programme_tree(programme))
    response = HttpResponse(content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.pk}.xlsx"'
    workbook.save(response)
    return response


@login_required
def programme_pdf(request, pk: int):
    programme = selectors.programme_get_for_user(request.user, pk)
    tree = selectors.programme_tree(programme)
    pdf = render_pdf(
        "coordination/programmes/programme_pdf.html",
        {"title": programme.title, "programme": programme, "tree": tree},
        request=request,
    )
    return pdf_response(pdf, f"programme-{programme.pk}")


@login_required
def space_overdue(request, pk: int):
    space = space_get_for_user(request.user, pk, perm="coordination.view_space_content")
    today = timezone.localdate()
    items = list(selectors.overdue_items(space, today=today))
    rows = [(item, selectors.lead_of(item), (today - item.due_date).days) for item in items]
    return render(request, "coordination/programmes/overdue.html", {"space": space, "rows": rows})


@login_required
def organisation_responsibilities(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    responsibilities = selectors.organisation_responsibilities(request.user, organisation)
    today = timezone.localdate()
    return render(
        request,
        "coordination/programmes/organisation_responsibilities.html",
        {
            "organisation": organisation,
            "rows": [(each, each.item.is_overdue(today)) for each in responsibilities],
        },
    )


# --- Items --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request, pk: int):
    programme = selectors.programme_get_for_user(request.user, pk, perm=CHANGE)
    if not _can_change(request.user, programme):
        messages.error(request, _("This programme is closed: reopen it before changing it."))
        return redirect(programme)
    parent = programme.items.filter(pk=request.GET.get("parent") or None).first()
    initial = {}
    if parent is not None:
        initial["parent"] = parent
        below = {
            ProgrammeItem.Kind.AXIS: ProgrammeItem.Kind.OBJECTIVE,
            ProgrammeItem.Kind.OBJECTIVE: ProgrammeItem.Kind.ACTION,
            ProgrammeItem.Kind.ACTION: ProgrammeItem.Kind.MILESTONE,
        }
        initial["kind"] = below.get(parent.kind)
    form = ItemForm(request.POST or None, programme=programme, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                actor=request.user, programme=programme, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The item has been added to the programme."))
            return redirect(item)
    return render(
        request,
        "coordination/programmes/item_form.html",
        {"form": form, "programme": programme, "space": programme.space, "item": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_update(request, pk: int):
    item = selectors.item_get_for_user(request.user, pk, perm=CHANGE)
    programme = item.programme
    form = ItemForm(request.POST or None, instance=item, programme=programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_update(
                actor=request.user,
                item=item,
                data=form.service_data(),
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(item)
    return render(
        request,
        "coordination/programmes/item_form.html",
        {"form": form, "programme": programme, "space": programme.space, "item": item},
    )


@login_required
def item_detail(request, pk: int):
    user = request.user
    item = selectors.item_get_for_user(user, pk)
    programme = item.programme
    tree = selectors.programme_tree(programme)
    node = next(node for node in tree.nodes if node.item.pk == item.pk)
    return render(
        request,
        "coordination/programmes/item_detail.html",
        {
            "item": node.item,
            "node": node,
            "programme": programme,
            "space": programme.space,
            "sees_programme": user.has_perm("coordination.view_space_content", programme.space),
            "initiatives": selectors.linked_initiatives(user, item),
            "reviews": selectors.item_reviews(item),
            "can_change": _can_change(user, programme),
            "can_update_status": item.is_tracked
            and user.has_perm("coordination.update_item_status", item),
            "can_add_evidence": item.is_tracked
            and _open(programme)
            and user.has_perm("coordination.add_evidence", item),
            "evidence_rows": [
                (evidence, _open(programme) and user.has_perm(REMOVE_EVIDENCE, evidence))
                for evidence in selectors.item_evidence(item)
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_status(request, pk: int):
    item = selectors.item_get_for_user(request.user, pk, perm="coordination.update_item_status")
    if not item.is_tracked:
        return redirect(item)
    has_parts = item.children.exists()
    initial = {"status": item.status, "progress": item.progress}
    form = StatusForm(request.POST or None, initial=initial, has_parts=has_parts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_set_status(
                actor=request.user,
                item=item,
                status=data["status"],
                reason=data["reason"],
                progress=data.get("progress"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if item.reviews.filter(state="pending").exists() and data["status"] == "done":
                messages.info(
                    request,
                    _(
                        "The consulted organisations have been asked to review the action: it "
                        "will be done once they all approve."
                    ),
                )
            else:
                messages.success(request, _("The status has been updated."))
            return redirect(item)
    return render(
        request,
        "coordination/programmes/item_status.html",
        {"form": form, "item": item, "programme": item.programme, "space": item.programme.space},
    )


# --- Responsibility matrix ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def responsibility_add(request, pk: int):
    item = selectors.item_get_for_user(request.user, pk, perm=CHANGE)
    form = ResponsibilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.responsibility_add(actor=request.user, item=item, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation has been given its role."))
            return redirect(item)
    return render(
        request,
        "coordination/programmes/responsibility_form.html",
        {
            "form": form,
            "item": item,
            "programme": item.programme,
            "space": item.programme.space,
            "responsibility": None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def responsibility_update(request, pk: int):
    responsibility = selectors.responsibility_get_for_user(request.user, pk)
    item = responsibility.item
    form = ResponsibilityForm(request.POST or None, instance=responsibility)
    if request.method == "POST" and form.is_valid():
        try:
            services.responsibility_update(
                actor=request.user,
                responsibility=selectors.responsibility_get_for_user(request.user, pk),
                data=form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(item)
    return render(
        request,
        "coordination/programmes/responsibility_form.html",
        {
            "form": form,
            "item": item,
            "programme": item.programme,
            "space": item.programme.space,
            "responsibility": responsibility,
        },
    )


@login_required
@require_POST
def responsibility_remove(request, pk: int):
    responsibility = selectors.responsibility_get_for_user(request.user, pk)
    item = responsibility.item
    try:
        services.responsibility_remove(actor=request.user, responsibility=responsibility)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The organisation no longer has a role in this action."))
    return redirect(item)


@login_required
@require_http_methods(["GET", "POST"])
def review_answer(request, pk: int):
    review = selectors.review_get_for_user(request.user, pk)
    item = review.item
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_answer(
                actor=request.user,
                review=review,
                approve=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer has been recorded."))
            return redirect(item)
    return render(
        request,
        "coordination/programmes/review_form.html",
        {
            "form": form,
            "review": review,
            "item": item,
            "programme": item.programme,
            "space": item.programme.space,
            "lead": selectors.lead_of_item(item),
        },
    )
