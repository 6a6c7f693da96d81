"""The case worker's and supervisor's pages: selector (fetch, authorise, log) → form → service.

Every view is a ``case_view`` (signed in, second factor, never cached). A case that is not the
user's answers 404, logged by the selector; an action the user sees but may not take answers 403.
Nothing that identifies the person goes into a URL, a title, a message or a log line: pages name
a case by its code, and the identity is shown only on the page a logged reveal returns.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods

from madina.actors.models import Organisation
from madina.cases import access, selectors, services
from madina.cases.display import describe_detail, describe_part
from madina.cases.forms import (
    URGENT_REASONS,
    ApprovalDecideForm,
    ApprovalRequestForm,
    AssessmentForm,
    AttachmentForm,
    CaseFilterForm,
    CaseOpenForm,
    ConsentForm,
    DeleteForm,
    FollowUpForm,
    IdentityForm,
    IncidentForm,
    PlanItemForm,
    ReasonForm,
    TransferAnswerForm,
    TransferForm,
    WorkersForm,
    country_name,
    identity_version,
    need_label,
)
from madina.cases.models import (
    AccessEvent,
    Approval,
    Case,
    Incident,
    PlanItem,
    Referral,
    Transfer,
)
from madina.cases.profiles import PROFILES
from madina.cases.views.common import case_view
from madina.core.concurrency import version_of
from madina.core.forms import add_service_errors

PAGE_SIZE = 25
LOG_PAGE_SIZE = 50
GET_POST = require_http_methods(["GET", "POST"])
STEPS = (
    Case.Stage.INTAKE,
    Case.Stage.ASSESSMENT,
    Case.Stage.CASE_PLAN,
    Case.Stage.SERVICES,
    Case.Stage.CLOSURE,
    Case.Stage.CLOSED,
)


def _case(request, code: str, part: str = "case", *, log: bool = True) -> Case:
    return selectors.case_get(request.user, code, part=part, log=log)


def _posted(request, *, files: bool = False):
    """The submitted data of a POST (even an empty one, so the form is bound), else None."""
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


def _post_only() -> HttpResponseNotAllowed:
    """After the case is authorised (so an intruder gets 404, not a hint that it exists)."""
    return HttpResponseNotAllowed(["POST"])


def _detail(case: Case, anchor: str = "") -> str:
    url = reverse("cases:detail", args=[case.code])
    return f"{url}#{anchor}" if anchor else url


def _form_page(request, case: Case | None, form, *, title: str, submit: str, **extra):
    """The shared page of a case's sub-form: breadcrumb, title, the fields, one button."""
    context = {"case": case, "form": form, "title": title, "submit": submit, **extra}
    return render(request, "cases/case_form.html", context)


def _refuse_unless_supervisor(request, case: Case, part: str) -> None:
    if not access.is_supervisor(request.user, case.organisation_id):
        selectors.log_refusal(case, request.user, part)
        raise PermissionDenied(_("Only a case supervisor may do this."))


def _service_error(request, error: ValidationError) -> None:
    """A refusal of a one-button action, shown as a message (services' texts name no person)."""
    for text in error.messages:
        messages.error(request, text)


def urgent_reason(case: Case) -> str:
    return str(URGENT_REASONS.get(case.urgent_reason, _("Work on this case comes first.")))


# -- inbox and list ---------------------------------------------------------------------------


@case_view
def inbox(request):
    user = request.user
    may_open = bool(access.worker_organisations(user))
    statistics = selectors.may_see_statistics(user)
    if not access.case_roles(user) and not selectors.receivable_services(user).exists():
        return render(request, "cases/case_none.html", {"statistics": statistics})
    queue = selectors.inbox(user)
    cases = list(queue["cases"])
    for case in cases:
        case.urgent_text = urgent_reason(case) if case.is_urgent else ""
    return render(
        request,
        "cases/inbox.html",
        {
            **queue,
            "cases": cases,
            "may_open": may_open,
            "statistics": statistics,
            # Receivers answer referrals; only workers and supervisors have cases.
            "has_case_role": may_open,
            "need_label": need_label,
        },
    )


@case_view
def case_list(request):
    form = CaseFilterForm(request.GET)
    found = selectors.case_list(request.user, **form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {"form": form, "page": page, "may_open": bool(access.worker_organisations(request.user))},
    )


@case_view
@GET_POST
def case_new(request):
    organisations = list(
        Organisation.objects.filter(pk__in=access.worker_organisations(request.user)).order_by("pk")
    )
    if not organisations:
        raise PermissionDenied(_("Only case workers and supervisors may open a case."))
    form = CaseOpenForm(
        _posted(request),
        organisations=Organisation.objects.filter(pk__in=[o.pk for o in organisations]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                sex=form.cleaned_data["sex"],
                age_band=form.cleaned_data.get("age_band") or "",
                identity=form.identity_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Case %(code)s is open. Record the person's consent now.") % {"code": case.code},
            )
            return redirect(_detail(case, "consents"))
    return render(request, "cases/case_new.html", {"form": form})


# -- the case ---------------------------------------------------------------------------------


def _consent_state(consent, today) -> tuple[str, str]:
    if consent.withdrawn_at is not None:
        return "withdrawn", _("withdrawn")
    if consent.given_on > today:
        return "future", _("not yet in force")
    if consent.expires_on is not None and consent.expires_on < today:
        return "expired", _("expired")
    return "valid", pgettext("state of a consent", "valid")


def _steps(case: Case) -> list[dict]:
    current = STEPS.index(case.stage)
    return [
        {
            "label": Case.Stage(stage).label,
            "state": "done" if i < current else "current" if i == current else "todo",
        }
        for i, stage in enumerate(STEPS)
    ]


@case_view
def case_detail(request, code: str):
    case = _case(request, code)
    user = request.user
    today = timezone.localdate()
    consents = list(selectors.consents_for(case))
    for consent in consents:
        consent.state, consent.state_label = _consent_state(consent, today)
    plan = list(case.plan_items.select_related("service__organisation"))
    for item in plan:
        item.need_label = need_label(item.need)
        item.overdue = (
            item.status in {PlanItem.Status.PLANNED, PlanItem.Status.REFERRED}
            and item.due_on < today
        )
    incidents = list(case.incidents.select_related("commune"))
    contexts = dict(Incident.Context.choices)
    for incident in incidents:
        incident.context_labels = [contexts.get(c, c) for c in incident.contexts]
    referrals = list(case.referrals.select_related("service__organisation"))
    for referral in referrals:
        profile = PROFILES.get(referral.profile)
        referral.profile_label = profile.label if profile else referral.profile
    approvals = list(case.approvals.select_related("requested_by", "decided_by"))
    pending_kinds = {a.kind for a in approvals if a.decision == Approval.Decision.PENDING}
    transfers = list(case.transfers.select_related("from_organisation", "to_organisation"))
    is_open = case.stage != Case.Stage.CLOSED
    is_supervisor = access.is_supervisor(user, case.organisation_id)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "steps": _steps(case),
            "urgent_text": urgent_reason(case) if case.is_urgent else "",
            "workers": case.workers.order_by("full_name"),
            "needs": [need_label(need) for need in case.needs],
            "consents": consents,
            "incidents": incidents,
            "plan": plan,
            "referrals": referrals,
            "follow_ups": case.follow_ups.select_related("by"),
            "approvals": approvals,
            "transfers": transfers,
            "pending_transfer": next(
                (t for t in transfers if t.state == Transfer.State.PENDING), None
            ),
            "attachments": case.attachments.select_related("added_by"),
            "is_open": is_open,
            "is_supervisor": is_supervisor,
            "may_request_plan": is_open
            and case.stage in {Case.Stage.ASSESSMENT, Case.Stage.SERVICES}
            and Approval.Kind.PLAN not in pending_kinds,
            "may_request_closure": is_open and Approval.Kind.CLOSURE not in pending_kinds,
            "open_referrals": sum(1 for r in referrals if r.state in Referral.OPEN_STATES),
        },
    )


@case_view
def identity_reveal(request, code: str):
    case = _case(request, code, "identity", log=False)
    if request.method != "POST":
        return _post_only()
    identity = selectors.identity_reveal(request.user, case)
    nationality = identity.get("nationality", "")
    return render(
        request,
        "cases/case_identity.html",
        {
            "case": case,
            "identity": identity,
            "nationality": country_name(nationality) if nationality else "",
        },
    )


@case_view
@GET_POST
def identity_edit(request, code: str):
    case = _case(request, code, "identity", log=False)
    version = identity_version(case)
    if request.method == "POST":
        form = IdentityForm(request.POST, version=version)
        if form.is_valid():
            try:
                services.identity_update(
                    actor=request.user,
                    case=case,
                    identity=form.identity_data(),
                    version=form.cleaned_data.get("version"),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The identity has been corrected."))
                return redirect(_detail(case))
    else:
        # Reading the identity to correct it is a reveal, and is logged as one.
        form = IdentityForm(initial=selectors.identity_reveal(request.user, case), version=version)
    return _form_page(
        request,
        case,
        form,
        title=_("Correct the identity"),
        submit=_("Save the identity"),
        intro=_("Opening this page was logged as a reveal of the identity."),
        sensitive=True,
    )


@case_view
@GET_POST
def assessment(request, code: str):
    case = _case(request, code, "assessment")
    initial = {
        "risk": case.risk,
        "needs": case.needs,
        "safety_plan": case.safety_plan,
        "contact_channel": case.contact_channel,
        "contact_notes": case.contact_notes,
    }
    form = AssessmentForm(_posted(request), initial=initial, version=version_of(case))
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_save(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The assessment has been saved."))
            return redirect(_detail(case, "assessment"))
    return _form_page(request, case, form, title=_("Assessment"), submit=_("Save the assessment"))


@case_view
@GET_POST
def consent_new(request, code: str):
    case = _case(request, code, "consent")
    form = ConsentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                actor=request.user,
                case=case,
                purpose=data["purpose"],
                given_by=data["given_by"],
                given_on=data["given_on"],
                recipient_kind=data.get("recipient_kind") or "",
                guardian_relation=data.get("guardian_relation") or "",
                expires_on=data.get("expires_on"),
                withhold=data.get("withhold") or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The consent has been recorded."))
            return redirect(_detail(case, "consents"))
    return _form_page(
        request,
        case,
        form,
        title=_("Record a consent"),
        submit=_("Record the consent"),
        intro=_(
            "Record one consent per purpose, and one per kind of service the person agrees "
            "to share with. Explain each purpose to the person in a language they understand."
        ),
    )


@case_view
@GET_POST
def consent_withdraw(request, code: str, pk: int):
    case = _case(request, code, "consent", log=request.method == "GET")
    consent = get_object_or_404(case.consents, pk=pk)
    if request.method == "POST":
        revoked = services.consent_withdraw(actor=request.user, consent=consent)
        messages.success(request, _("The consent has been withdrawn."))
        if revoked:
            messages.warning(
                request,
                ngettext(
                    "%(count)d open referral resting on it was revoked.",
                    "%(count)d open referrals resting on it were revoked.",
                    len(revoked),
                )
                % {"count": len(revoked)},
            )
        return redirect(_detail(case, "consents"))
    return render(
        request,
        "cases/case_confirm.html",
        {
            "case": case,
            "title": _("Withdraw a consent"),
            "question": _(
                "Withdraw the consent “%(consent)s”? Open referrals that rest on it alone "
                "will be revoked, and their receivers will no longer see them."
            )
            % {"consent": consent.get_purpose_display()},
            "detail": consent.get_recipient_kind_display() if consent.recipient_kind else "",
            "submit": _("Withdraw the consent"),
        },
    )


@case_view
@GET_POST
def incident_new(request, code: str):
    case = _case(request, code, "incident")
    form = IncidentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_record(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The incident has been recorded."))
            case.refresh_from_db()
            if case.is_urgent:
                messages.warning(request, urgent_reason(case))
            return redirect(_detail(case, "incidents"))
    return _form_page(
        request, case, form, title=_("Record an incident"), submit=_("Record the incident")
    )


@case_view
@GET_POST
def plan_item_new(request, code: str):
    case = _case(request, code, "plan")
    form = PlanItemForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_save(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The line has been added to the service plan."))
            return redirect(_detail(case, "plan"))
    return _form_page(
        request, case, form, title=_("Add a line to the service plan"), submit=_("Add the line")
    )


@case_view
@GET_POST
def plan_item_edit(request, code: str, pk: int):
    case = _case(request, code, "plan")
    item = get_object_or_404(case.plan_items, pk=pk)
    initial = {
        "need": item.need,
        "service": item.service_id,
        "action": item.action,
        "due_on": item.due_on,
        "status": item.status,
    }
    form = PlanItemForm(
        _posted(request), initial=initial, with_status=True, version=version_of(item)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_save(actor=request.user, case=case, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The line of the service plan has been saved."))
            return redirect(_detail(case, "plan"))
    return _form_page(
        request, case, form, title=_("Change a line of the service plan"), submit=_("Save")
    )


@case_view
@GET_POST
def follow_up_new(request, code: str):
    case = _case(request, code, "follow_up")
    form = FollowUpForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The follow-up has been recorded."))
            return redirect(_detail(case, "follow-ups"))
    return _form_page(
        request, case, form, title=_("Record a follow-up"), submit=_("Record the follow-up")
    )


# -- approvals, reopening, workers ------------------------------------------------------------


@case_view
@GET_POST
def approval_request(request, code: str, kind: str):
    if kind not in Approval.Kind.values:
        raise Http404
    case = _case(request, code, "approval")
    form = ApprovalRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.approval_request(
                actor=request.user, case=case, kind=kind, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The request has been sent to a supervisor."))
            return redirect(_detail(case, "approvals"))
    if kind == Approval.Kind.PLAN:
        title, submit = _("Submit the service plan for approval"), _("Submit the plan")
        intro = _("A supervisor will approve the plan or send it back with a comment.")
    else:
        title, submit = _("Ask to close the case"), _("Ask to close")
        intro = _(
            "A supervisor will approve the closure or send it back. Open referrals must be "
            "finished or revoked first."
        )
    return _form_page(request, case, form, title=title, submit=submit, intro=intro)


@case_view
@GET_POST
def approval_decide(request, code: str, pk: int):
    case = _case(request, code, "approval")
    approval = get_object_or_404(case.approvals.select_related("requested_by", "decided_by"), pk=pk)
    _refuse_unless_supervisor(request, case, "approval")
    form = ApprovalDecideForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.approval_decide(
                actor=request.user,
                approval=approval,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your decision has been recorded."))
            return redirect(_detail(case, "approvals"))
    plan = list(case.plan_items.select_related("service__organisation"))
    for item in plan:
        item.need_label = need_label(item.need)
    return render(
        request,
        "cases/case_approval.html",
        {
            "case": case,
            "approval": approval,
            "form": form,
            "plan": plan,
            "needs": [need_label(need) for need in case.needs],
            "open_referrals": case.referrals.filter(state__in=Referral.OPEN_STATES).count(),
            "own_request": approval.requested_by_id == request.user.pk,
        },
    )


@case_view
@GET_POST
def case_reopen(request, code: str):
    case = _case(request, code)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case has been reopened."))
            return redirect(_detail(case))
    return _form_page(request, case, form, title=_("Reopen the case"), submit=_("Reopen"))


@case_view
@GET_POST
def case_workers(request, code: str):
    case = _case(request, code, "assignment")
    _refuse_unless_supervisor(request, case, "assignment")
    form = WorkersForm(
        _posted(request),
        organisation_id=case.organisation_id,
        initial={"workers": list(case.workers.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reassign(
                actor=request.user, case=case, workers=form.cleaned_data["workers"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case workers have been changed."))
            return redirect(_detail(case))
    return _form_page(request, case, form, title=_("Who works on the case"), submit=_("Save"))


# -- transfers --------------------------------------------------------------------------------


@case_view
@GET_POST
def transfer_new(request, code: str):
    case = _case(request, code, "transfer")
    form = TransferForm(_posted(request), case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_request(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The transfer has been offered. The case stays yours until it is accepted."),
            )
            return redirect(_detail(case, "transfers"))
    return _form_page(
        request,
        case,
        form,
        title=_("Transfer the case to another organisation"),
        submit=_("Offer the transfer"),
        intro=_(
            "A case supervisor of the other organisation will accept or decline. If they "
            "accept, the case becomes theirs and your organisation no longer sees it."
        ),
    )


@case_view
def transfer_cancel(request, code: str, pk: int):
    case = _case(request, code, "transfer", log=False)
    if request.method != "POST":
        return _post_only()
    transfer = get_object_or_404(case.transfers, pk=pk)
    try:
        services.transfer_cancel(actor=request.user, transfer=transfer)
    except ValidationError as error:
        _service_error(request, error)
    else:
        messages.success(request, _("The transfer has been cancelled."))
    return redirect(_detail(case, "transfers"))


@case_view
@GET_POST
def transfer_answer(request, pk: int):
    transfer = services.transfer_for_receiver(request.user, pk)
    form = TransferAnswerForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            services.transfer_answer(
                actor=request.user,
                transfer=transfer,
                accept=accept,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if accept:
                messages.success(request, _("The case is now your organisation's."))
                return redirect(_detail(transfer.case))
            messages.success(request, _("The transfer has been declined."))
            return redirect("cases:inbox")
    else:
        selectors.log_access(transfer.case, request.user, AccessEvent.Action.READ, f"transfer:{pk}")
    return render(
        request,
        "cases/transfer_answer.html",
        {"transfer": transfer, "form": form, "pending": transfer.state == Transfer.State.PENDING},
    )


# -- attachments ------------------------------------------------------------------------------


@case_view
@GET_POST
def attachment_new(request, code: str):
    case = _case(request, code, "attachment")
    form = AttachmentForm(_posted(request), _posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        upload = request.FILES["file"]
        upload.seek(0)
        try:
            services.attachment_add(
                actor=request.user, case=case, upload=upload, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The document has been added, encrypted."))
            return redirect(_detail(case, "attachments"))
    elif request.method == "POST" and "file" in form.errors:
        # A disguised, oversized or empty file: refused by the form, logged against the case.
        selectors.log_refusal(case, request.user, "attachment", "upload")
    return _form_page(request, case, form, title=_("Add a document"), submit=_("Add the document"))


@case_view
def attachment_download(request, code: str, pk: int):
    case = _case(request, code, f"attachment:{pk}", log=False)
    attachment = get_object_or_404(case.attachments, pk=pk)
    data = services.attachment_read(actor=request.user, attachment=attachment)
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@case_view
@GET_POST
def attachment_delete(request, code: str, pk: int):
    case = _case(request, code, f"attachment:{pk}", log=False)
    attachment = get_object_or_404(case.attachments, pk=pk)
    if request.method == "POST":
        services.attachment_delete(actor=request.user, attachment=attachment)
        messages.success(request, _("The document has been deleted."))
        return redirect(_detail(case, "attachments"))
    return render(
        request,
        "cases/case_confirm.html",
        {
            "case": case,
            "title": _("Delete a document"),
            "question": _("Delete this document for good? It cannot be recovered."),
            "detail": attachment.title or attachment.name,
            "submit": _("Delete the document"),
            "danger": True,
        },
    )


# -- access log, export, deletion -------------------------------------------------------------


@case_view
def access_log(request, code: str):
    case = _case(request, code, "access_log")
    events = selectors.access_log(request.user, case)
    page = Paginator(events, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.part_text = describe_part(event.part)
        event.detail_text = describe_detail(event.detail)
    return render(request, "cases/case_access_log.html", {"case": case, "page": page})


@case_view
def person_export(request, code: str):
    case = _case(request, code, "export", log=False)
    if request.method != "POST":
        return _post_only()
    data = services.person_export(actor=request.user, case=case)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{case.code}.json")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@case_view
@GET_POST
def case_delete(request, code: str):
    case = _case(request, code, log=request.method == "GET")
    _refuse_unless_supervisor(request, case, "case")
    form = DeleteForm(_posted(request), code=case.code)
    if request.method == "POST" and form.is_valid():
        services.case_delete(actor=request.user, case=case)
        messages.success(request, _("Case %(code)s has been deleted.") % {"code": code})
        return redirect("cases:list")
    return _form_page(
        request,
        case,
        form,
        title=_("Delete the case"),
        submit=_("Delete the case for good"),
        intro=_(
            "Everything recorded about the person will be erased: identity, history, referrals, "
            "documents and the access log. This cannot be undone. To keep only statistics, let "
            "the case be anonymised after closure instead."
        ),
        danger=True,
    )
