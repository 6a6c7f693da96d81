"""Evidence files of actions and milestones: add, download through authorisation, remove.

Files are never served from /media/: the download view asks the selector first, serves with the
type of the registry (``content_type_for``), ``X-Content-Type-Options: nosniff``, and as an
attachment unless the file is an image.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from madina.coordination import evidence_services as services
from madina.coordination import programme_selectors as selectors
from madina.coordination.programme_forms import EvidenceForm
from madina.core.forms import add_service_errors
from madina.core.uploads import content_type_for


@login_required
@require_http_methods(["GET", "POST"])
def evidence_add(request, pk: int):
    item = selectors.item_get_for_user(request.user, pk, perm="coordination.add_evidence")
    if not item.is_tracked:
        return redirect(item)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(
                actor=request.user,
                item=item,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The evidence file has been added."))
            return redirect(item)
    return render(
        request,
        "coordination/programmes/evidence_form.html",
        {"form": form, "item": item, "programme": item.programme, "space": item.programme.space},
    )


@login_required
def evidence_download(request, pk: int):
    evidence = selectors.evidence_get_for_user(request.user, pk)
    content_type = content_type_for(evidence.file.name)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=not content_type.startswith("image/"),
        filename=evidence.original_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_remove(request, pk: int):
    evidence = selectors.evidence_get_for_user(
        request.user, pk, perm="coordination.remove_evidence"
    )
    item = evidence.item
    try:
        services.evidence_remove(actor=request.user, evidence=evidence)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The evidence file has been removed."))
    return redirect(item)
