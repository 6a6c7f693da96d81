"""Duplicate pages: the live check beside the create form, and the coordinators' review.

``duplicate_check`` answers the create form's fields (posted by static/initiatives/
duplicates.js through htmx) with the list of likely duplicates; ``duplicate_decide`` records the
user's decision on one of them. Coordinators review every pair found by the rescan.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from madina.accounts.models import Membership
from madina.actors.models import Organisation
from madina.core.forms import BootstrapMixin
from madina.core.languages import staff_languages
from madina.core.permissions import require
from madina.initiatives import duplicates_services, matching
from madina.initiatives.models import DraftDecision, Initiative, OverlapCandidate

PAGE_SIZE = 25
_DRAFT_FIELDS = ("title", "description", "sector", "subsector", "start_date", "end_date")
_DRAFT_LISTS = ("communes", "target_groups")


class ReviewFilterForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Review"),
        required=False,
        choices=[("", gettext_lazy("All")), *OverlapCandidate.State.choices],
    )
    threshold = forms.FloatField(
        label=gettext_lazy("Minimum score (%)"),
        required=False,
        min_value=0,
        max_value=100,
        initial=round(matching.DEFAULT_THRESHOLD * 100),
    )

    def filters(self) -> tuple[str, float]:
        if not self.is_valid():
            return "", matching.DEFAULT_THRESHOLD
        threshold = self.cleaned_data.get("threshold")
        threshold = matching.DEFAULT_THRESHOLD if threshold is None else threshold / 100
        return self.cleaned_data.get("state") or "", threshold


class ReviewForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("Review"), choices=OverlapCandidate.State.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )


def _draft(request) -> dict:
    data = {name: request.POST.get(name, "") for name in _DRAFT_FIELDS}
    for name in _DRAFT_LISTS:
        data[name] = request.POST.getlist(name)
    # The titles typed in other languages count too (the form's translation fields).
    data["translations"] = {
        code: {"title": title}
        for code, _language in staff_languages()
        if (title := request.POST.get(f"translation_title_{code}", "").strip())
    }
    return data


def _decision_organisation(request) -> Organisation | None:
    """The organisation a decision is recorded for: the draft's lead if the user may act for it,
    else the user's own organisation where they may register initiatives."""
    user = request.user
    editable = user.memberships.active().filter(
        role__in=[Membership.Role.ADMIN, Membership.Role.MEMBER]
    )
    lead = request.POST.get("lead_organisation", "")
    if lead.isdigit():
        if user.has_perm("initiatives.review_duplicates"):
            return Organisation.objects.filter(pk=int(lead)).first()
        membership = editable.filter(organisation_id=int(lead)).first()
        if membership is not None:
            return membership.organisation
    membership = editable.select_related("organisation").first()
    return membership.organisation if membership else None


def _decided(request) -> dict[int, DraftDecision]:
    """The decisions already taken on this draft (ids kept in the form by duplicates.js)."""
    ids = [int(value) for value in request.POST.getlist("draft_decisions") if value.isdigit()]
    if not ids:
        return {}
    decisions = DraftDecision.objects.filter(
        pk__in=ids, decided_by=request.user, created_initiative__isnull=True
    )
    return {decision.candidate_id: decision for decision in decisions}


def _visible(user, candidates):
    return [c for c in candidates if user.has_perm("initiatives.view_initiative", c.initiative)]


@login_required
@require_POST
def duplicate_check(request):
    """The likely duplicates of the draft being typed, as a partial for the create page."""
    require(request.user, "initiatives.add_initiative")
    draft = _draft(request)
    candidates = _visible(request.user, matching.find_candidates(draft, limit=8))
    has_place = bool(draft["communes"] or draft["sector"])
    decided = _decided(request)
    return render(
        request,
        "initiatives/duplicates/_candidates.html",
        {
            "items": [
                {"candidate": candidate, "decision": decided.get(candidate.initiative.pk)}
                for candidate in candidates
            ],
            "has_title": bool(draft["title"].strip()),
            "has_place": has_place,
            "decisions": DraftDecision.Decision.choices,
        },
    )


@login_required
@require_POST
def duplicate_decide(request, pk: int):
    """Record the user's decision on one proposed initiative; answers the candidate's card."""
    require(request.user, "initiatives.add_initiative")
    candidate = get_object_or_404(
        Initiative.objects.exclude(status=Initiative.Status.CANCELLED), pk=pk
    )
    require(request.user, "initiatives.view_initiative", candidate, visible=False)
    draft = _draft(request)
    organisation = _decision_organisation(request)
    draft_record, candidate_record = matching.record_for(draft), matching.record_for(candidate)
    score, reasons = matching.score_pair(
        draft_record, candidate_record, matching.names_for(draft_record, candidate_record)
    )
    error = ""
    decision = None
    if organisation is None:
        error = _("Choose the lead organisation of your initiative first.")
    else:
        try:
            decision = duplicates_services.draft_decision_record(
                actor=request.user,
                candidate=candidate,
                draft_title=draft["title"],
                organisation=organisation,
                decision=request.POST.get("decision", ""),
                score=score,
                reasons=reasons,
                note=request.POST.get("note", ""),
            )
        except PermissionDenied:
            error = _("You may not register initiatives for this organisation.")
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    candidate_view = matching.Candidate(candidate, score, reasons)
    return render(
        request,
        "initiatives/duplicates/_candidate.html",
        {
            "candidate": candidate_view,
            "decision": decision,
            "error": error,
            "decisions": DraftDecision.Decision.choices,
        },
    )


@login_required
def duplicate_review_list(request):
    require(request.user, "initiatives.review_duplicates")
    form = ReviewFilterForm(request.GET or None)
    state, threshold = form.filters()
    above = OverlapCandidate.objects.filter(score__gte=threshold)
    counts = dict(above.values_list("state").annotate(n=Count("id")).order_by())
    pairs = above.select_related(
        "first__lead_organisation", "second__lead_organisation", "first__sector", "reviewed_by"
    ).order_by("-score", "pk")
    if state:
        pairs = pairs.filter(state=state)
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"pair": pair, "reasons": matching.reason_words(pair.reasons)} for pair in page.object_list
    ]
    states = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in OverlapCandidate.State.choices
    ]
    return render(
        request,
        "initiatives/duplicates/review_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "states": states,
            "total": sum(counts.values()),
            "current_state": state,
            "organisations_url": _organisations_review_url(),
        },
    )


def _organisations_review_url() -> str:
    """The organisation-pair review page, once madina/actors/urls_review.py is included."""
    try:
        return reverse("actors_review:twins_review_list")
    except NoReverseMatch:
        return ""


def _side_by_side(first: Initiative, second: Initiative) -> list[dict]:
    def names(queryset):
        return ", ".join(sorted(str(item) for item in queryset))

    def dates(initiative):
        return [initiative.start_date, initiative.end_date]

    rows = [
        (_("Title"), first.title, second.title),
        (_("Description"), first.description, second.description),
        (_("Lead organisation"), str(first.lead_organisation), str(second.lead_organisation)),
        (
            _("Partners"),
            names(first.partners.all()),
            names(second.partners.all()),
        ),
        (_("Sector"), str(first.sector), str(second.sector)),
        (_("Sub-sector"), str(first.subsector or ""), str(second.subsector or "")),
        (_("Communes"), names(first.communes.all()), names(second.communes.all())),
        (
            _("Target groups"),
            names(first.target_groups.all()),
            names(second.target_groups.all()),
        ),
        (_("Dates"), dates(first), dates(second)),
        (_("Status"), first.get_status_display(), second.get_status_display()),
    ]
    return [
        {"label": label, "first": a, "second": b, "same": a == b, "is_dates": label == _("Dates")}
        for label, a, b in rows
    ]


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_review_detail(request, pk: int):
    require(request.user, "initiatives.review_duplicates")
    pair = get_object_or_404(
        OverlapCandidate.objects.select_related(
            "first__lead_organisation",
            "second__lead_organisation",
            "first__sector",
            "second__sector",
            "first__subsector",
            "second__subsector",
            "reviewed_by",
        ),
        pk=pk,
    )
    form = ReviewForm(
        request.POST or None, initial={"state": pair.state, "note": pair.note}, prefix="review"
    )
    if request.method == "POST" and form.is_valid():
        try:
            duplicates_services.overlap_review(
                actor=request.user,
                candidate=pair,
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The review has been saved."))
            return redirect("initiatives:duplicate_review_detail", pk=pair.pk)
    ids = [pair.first_id, pair.second_id]
    decisions = (
        DraftDecision.objects.filter(Q(candidate_id__in=ids) | Q(created_initiative_id__in=ids))
        .select_related("organisation", "decided_by", "candidate", "created_initiative")
        .order_by("-created_at")
    )
    return render(
        request,
        "initiatives/duplicates/review_detail.html",
        {
            "pair": pair,
            "form": form,
            "rows": _side_by_side(pair.first, pair.second),
            "reasons": matching.reason_words(pair.reasons),
            "decisions": decisions,
        },
    )


urlpatterns = [
    path("duplicates/check/", duplicate_check, name="duplicate_check"),
    path("duplicates/decide/<int:pk>/", duplicate_decide, name="duplicate_decide"),
    path("duplicates/", duplicate_review_list, name="duplicate_review_list"),
    path("duplicates/<int:pk>/", duplicate_review_detail, name="duplicate_review_detail"),
]
