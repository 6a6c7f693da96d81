"""Forms of the referral pages and of the statistics page. They validate; the services write."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from madina.actors.forms import grouped_communes
from madina.cases.models import Need, PlanItem, Referral
from madina.cases.profiles import SECTION_LABELS, profiles_for
from madina.cases.selectors import DIMENSIONS
from madina.core.forms import EVERY, BootstrapMixin
from madina.directory.models import Service
from madina.territory.models import Area


def referrable_services():
    """Active services that accept referrals through the platform."""
    return Service.objects.filter(is_active=True, accepts_referrals=True).select_related(
        "organisation"
    )


class ServiceSearchForm(BootstrapMixin, forms.Form):
    """Step 1 of a new referral: find the receiving service."""

    q = forms.CharField(label=_("name of the service or organisation"), required=False)
    type = forms.ChoiceField(label=_("type of service"), required=False)
    commune = forms.TypedChoiceField(label=_("commune served"), required=False, coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", EVERY["type"]), *Service.Type.choices]
        self.fields["commune"].choices = [
            ("", EVERY["commune"]),
            *grouped_communes(Area.objects.communes()),
        ]

    def services(self):
        services = referrable_services()
        if not self.is_valid():
            return services
        data = self.cleaned_data
        if data["q"]:
            services = services.filter(search_text__icontains=data["q"].strip())
        if data["type"]:
            services = services.filter(type=data["type"])
        if data["commune"]:
            commune = data["commune"]
            services = services.filter(Q(communes_served=commune) | Q(commune_id=commune))
        return services.distinct().order_by("type", "name_fr", "name_ar", "pk")


class ReferralForm(BootstrapMixin, forms.Form):
    """Step 2: the profile, the sections to share, the plan line and a message.

    Each profile has its own tick boxes (``sections_<profile>``), all ticked at first: the sender
    may leave sections out, never add one.
    """

    profile = forms.ChoiceField(label=_("referral profile"), widget=forms.RadioSelect)
    plan_item = forms.ModelChoiceField(
        label=_("service plan line"),
        queryset=PlanItem.objects.none(),
        required=False,
        empty_label=_("no plan line"),
    )
    message = forms.CharField(
        label=_("message to the receiver"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the receiver needs to know to help. Do not repeat what the consent says to "
            "withhold."
        ),
    )

    def __init__(self, *args, service, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.profiles = profiles_for(service)
        self.fields["profile"].choices = [(p.code, p.label) for p in self.profiles]
        if len(self.profiles) == 1:
            self.fields["profile"].initial = self.profiles[0].code
        self.fields["plan_item"].queryset = case.plan_items.exclude(
            status__in=[PlanItem.Status.DONE, PlanItem.Status.CANCELLED]
        )
        self.fields["plan_item"].label_from_instance = plan_item_label
        for profile in self.profiles:
            self.fields[self.sections_field(profile.code)] = forms.MultipleChoiceField(
                label=_("sections shared"),
                required=False,
                choices=[(s, SECTION_LABELS[s]) for s in profile.sections],
                initial=list(profile.sections),
                widget=forms.CheckboxSelectMultiple,
            )
        self.style_widgets()

    @staticmethod
    def sections_field(code: str) -> str:
        return f"sections_{code}"

    def profile_blocks(self) -> list[dict]:
        """Each profile with its radio button and its tick boxes, for the template."""
        return [
            {"profile": p, "radio": radio, "sections": self[self.sections_field(p.code)]}
            for p, radio in zip(self.profiles, self["profile"], strict=True)
        ]

    def chosen_sections(self) -> list[str]:
        return self.cleaned_data.get(self.sections_field(self.cleaned_data["profile"]), [])


NEED_LABELS = dict(Need.choices)


def plan_item_label(item: PlanItem) -> str:
    need = NEED_LABELS.get(item.need, item.need)
    return f"{need} — {date_format(item.due_on, 'SHORT_DATE_FORMAT')} ({item.get_status_display()})"


class SendForm(BootstrapMixin, forms.Form):
    override_reason = forms.CharField(
        label=_("refer without consent: reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only a case supervisor may refer without consent, for example to report the abuse "
            "of a child as the law requires. The reason is kept and shown to supervisors."
        ),
    )


class RevokeForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason for revoking"), widget=forms.Textarea(attrs={"rows": 2})
    )


class HandoverForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("how it was handed over, to whom"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RespondForm(BootstrapMixin, forms.Form):
    ACCEPT, DECLINE = "accept", "decline"
    decision = forms.ChoiceField(
        label=_("your answer"),
        choices=[(ACCEPT, _("accept the referral")), (DECLINE, _("decline the referral"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("reason for declining"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you decline: the sender will look for another service."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.DECLINE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why you decline."))
        return data


class CompleteForm(BootstrapMixin, forms.Form):
    feedback = forms.CharField(
        label=_("feedback from the receiver"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done. The sender needs to know; your access ends here."),
    )


class ReferralFilterForm(BootstrapMixin, forms.Form):
    RECEIVED, SENT = "received", "sent"
    show = forms.ChoiceField(
        label=_("referrals"),
        required=False,
        choices=[(RECEIVED, _("received")), (SENT, _("sent"))],
    )
    state = forms.ChoiceField(label=_("state"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", EVERY["status"]), *Referral.State.choices]


DIMENSION_LABELS = {
    "month": _("month"),
    "province": _("province or prefecture"),
    "commune": _("commune"),
    "age_band": _("age band"),
    "sex": _("sex"),
}


class StatisticsForm(BootstrapMixin, forms.Form):
    dimension = forms.ChoiceField(
        label=_("count by"),
        choices=[(d, DIMENSION_LABELS[d]) for d in DIMENSIONS],
        initial="month",
        required=False,
    )
    start = forms.DateField(
        label=_("incidents from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("incidents until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    province = forms.ModelChoiceField(
        label=_("province or prefecture"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=EVERY["province"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Area.objects.provinces()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data
