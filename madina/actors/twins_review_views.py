"""Coordinators' review of organisations that look like the same one (likely twins)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from madina.actors import twins_review_selectors as selectors
from madina.actors import twins_review_services as services
from madina.actors.models import OrganisationPairReview
from madina.core.forms import BootstrapMixin


class TwinReviewForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Review"), choices=OrganisationPairReview.State.choices
    )


@login_required
def twins_review_list(request):
    state = request.GET.get("state", "")
    if state not in OrganisationPairReview.State.values:
        state = ""
    pairs, counts = selectors.twin_pairs(user=request.user, state=state)
    states = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in OrganisationPairReview.State.choices
    ]
    return render(
        request,
        "actors/twins_review_list.html",
        {
            "pairs": pairs,
            "states": states,
            "current_state": state,
            "total": sum(counts.values()),
        },
    )


def _fields(pair) -> list[dict]:
    def names(queryset):
        return ", ".join(sorted(str(item) for item in queryset))

    rows = []
    for label, get in [
        (_("Name in Arabic"), lambda o: o.name_ar),
        (_("Name in French"), lambda o: o.name_fr),
        (_("Name in English"), lambda o: o.name_en),
        (_("Acronym"), lambda o: o.acronym),
        (_("Type"), lambda o: o.get_type_display()),
        (_("Commune"), lambda o: str(o.commune or "")),
        (_("Sectors"), lambda o: names(o.sectors.all())),
        (_("Communes covered"), lambda o: names(o.communes_covered.all())),
        (_("E-mail"), lambda o: o.email),
        (_("Phone"), lambda o: str(o.phone or "")),
    ]:
        first, second = get(pair.first) or "", get(pair.second) or ""
        rows.append({"label": label, "first": first, "second": second, "same": first == second})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def twins_review_detail(request, first: int, second: int):
    pair = selectors.twin_pair_get(user=request.user, first_pk=first, second_pk=second)
    form = TwinReviewForm(request.POST or None, initial={"state": pair.state})
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_pair_review(
                actor=request.user,
                first=pair.first,
                second=pair.second,
                state=form.cleaned_data["state"],
                reasons=pair.reasons,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The review has been saved."))
            return redirect(
                "actors_review:twins_review_detail", first=pair.first.pk, second=pair.second.pk
            )
    return render(
        request,
        "actors/twins_review_detail.html",
        {"pair": pair, "form": form, "rows": _fields(pair)},
    )
