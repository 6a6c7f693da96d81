"""Forms of the case worker's and supervisor's pages. They validate and present; services write.

No form here writes or logs: the views pass ``cleaned_data`` to ``madina.cases.services``.
"""

from __future__ import annotations

import gettext as pygettext
from functools import lru_cache

import pycountry
from django import forms
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from madina.actors.forms import _phone_field, grouped_communes
from madina.actors.models import Organisation
from madina.cases import services
from madina.cases.models import (
    AgeBand,
    Case,
    Consent,
    FollowUp,
    Incident,
    Need,
    PersonIdentity,
    PlanItem,
    RecipientKind,
    Sex,
)
from madina.core.concurrency import VersionField, version_of
from madina.core.forms import BootstrapMixin
from madina.core.uploads import EVIDENCE_KINDS, EvidenceFileField
from madina.directory.models import Service
from madina.territory.models import Area

DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})

NEED_LABELS = dict(Need.choices)
NEED_CHOICES = Need.choices

# Why a case is urgent (``Case.urgent_reason``), in plain words.
URGENT_REASONS = {
    services.URGENT_RAPE: _("Rape reported within 72 hours: health referral first."),
}


def need_label(need: str) -> str:
    return str(NEED_LABELS.get(need, need))


# Names the iso-codes catalogues lack (checked with pycountry 24: only Türkiye in Arabic).
_MISSING = {"ar": {"TR": "تركيا"}}


@lru_cache(maxsize=8)
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    translation = pygettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )

    def name(country) -> str:
        # The common name ("Iran") when the language has it, else the official one.
        common = getattr(country, "common_name", None)
        if common and (language == "en" or translation.gettext(common) != common):
            return translation.gettext(common)
        return translation.gettext(country.name)

    names = {country.alpha_2: name(country) for country in pycountry.countries}
    names.update(_MISSING.get(language, {}))
    names = names.items()
    return tuple(sorted(names, key=lambda item: item[1].casefold()))


def country_choices() -> list[tuple[str, str]]:
    """Countries by ISO 3166 alpha-2 code, named in the language of the page."""
    return list(_countries((get_language() or "en").split("-")[0]))


def country_name(code: str) -> str:
    return dict(country_choices()).get(code, code)


class CaseFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Case code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "search", "dir": "ltr"}),
    )
    stage = forms.ChoiceField(label=_("stage"), required=False)
    urgent = forms.BooleanField(label=_("urgent only"), required=False)
    mine = forms.BooleanField(label=_("my cases only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("all stages")), *Case.Stage.choices]

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "stage": data.get("stage") or "",
            "urgent": bool(data.get("urgent")),
            "mine": bool(data.get("mine")),
        }


def identity_version(case: Case) -> str:
    """The version of the person's identity, read without decrypting it."""
    identity = PersonIdentity.objects.filter(person_id=case.person_id).only("updated_at").first()
    return version_of(identity) if identity is not None else ""


def _add_version(form: forms.Form, version: str | None) -> None:
    """On an edit form, the version of the record the user loaded (``core.concurrency``)."""
    if version is not None:
        form.fields["version"] = VersionField(initial=version)


class IdentityForm(BootstrapMixin, forms.Form):
    """What identifies the person; kept encrypted, shown only on an asked, logged reveal."""

    ltr_fields = ("phone",)

    given_name = forms.CharField(label=_("given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("family name"), max_length=100, required=False)
    other_names = forms.CharField(
        label=_("other names or name used"),
        max_length=200,
        required=False,
        help_text=_("A nickname or the name the person gives, if not the one on a document."),
    )
    phone = _phone_field(_("phone"))
    other_contact = forms.CharField(
        label=_("other way to reach the person"), max_length=200, required=False
    )
    birth_date = forms.DateField(label=_("date of birth"), required=False, widget=DATE_INPUT)
    birth_date_is_estimate = forms.BooleanField(
        label=_("the date of birth is estimated"), required=False
    )
    nationality = forms.ChoiceField(label=_("nationality"), required=False)
    address = forms.CharField(
        label=_("address or where the person stays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    id_document = forms.CharField(
        label=_("identity document"),
        max_length=200,
        required=False,
        help_text=_("Kind and number, if the person has one."),
    )

    IDENTITY_FIELDS = services.IDENTITY_KEYS

    def __init__(self, *args, version: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _add_version(self, version)
        self.fields["nationality"].choices = [("", _("not known")), *country_choices()]
        for name in ("given_name", "family_name", "other_names", "other_contact", "address"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["given_name"].widget.attrs["dir"] = "auto"
        self.fields["family_name"].widget.attrs["dir"] = "auto"
        self.fields["other_names"].widget.attrs["dir"] = "auto"

    def clean_birth_date(self):
        birth = self.cleaned_data.get("birth_date")
        if birth is not None and birth > timezone.localdate():
            raise forms.ValidationError(_("The date of birth is in the future."))
        return birth

    def identity_data(self) -> dict:
        data = {key: self.cleaned_data.get(key) for key in self.IDENTITY_FIELDS}
        if data.get("phone"):
            data["phone"] = data["phone"].as_e164
        return data


class CaseOpenForm(IdentityForm):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=None)
    sex = forms.ChoiceField(
        label=pgettext_lazy("of a person", "sex"), choices=Sex.choices, widget=forms.RadioSelect
    )
    age_band = forms.ChoiceField(
        label=_("age band"),
        choices=AgeBand.choices,
        initial=AgeBand.UNKNOWN,
        required=False,
        help_text=_("When the date of birth is not known. A date of birth, if given, decides."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()
        self.style_widgets()


class AssessmentForm(BootstrapMixin, forms.Form):
    risk = forms.ChoiceField(label=_("risk level"), choices=Case.Risk.choices)
    needs = forms.MultipleChoiceField(
        label=_("needs"),
        choices=NEED_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    safety_plan = forms.CharField(
        label=_("safety plan"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact_channel = forms.ChoiceField(label=_("safe way to contact"), required=False)
    contact_notes = forms.CharField(
        label=_("safe contact: times, code words, who may answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, version: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _add_version(self, version)
        self.fields["contact_channel"].choices = [
            ("", _("not said yet")),
            *Case.ContactChannel.choices,
        ]


class ConsentForm(BootstrapMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("purpose"), choices=Consent.Purpose.choices)
    recipient_kind = forms.ChoiceField(
        label=_("kind of recipient"),
        required=False,
        help_text=_("Only for consent to share: with which kind of service."),
    )
    given_by = forms.ChoiceField(
        label=_("given by"), choices=Consent.GivenBy.choices, widget=forms.RadioSelect
    )
    guardian_relation = forms.CharField(
        label=_("relation of the guardian"), max_length=100, required=False
    )
    given_on = forms.DateField(label=_("given on"), widget=DATE_INPUT)
    expires_on = forms.DateField(label=_("expires on"), required=False, widget=DATE_INPUT)
    withhold = forms.CharField(
        label=_("information to withhold"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the person does not want shared, and why."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_kind"].choices = [("", "---------"), *RecipientKind.choices]
        self.fields["given_on"].initial = timezone.localdate()


class IncidentForm(BootstrapMixin, forms.Form):
    type = forms.ChoiceField(label=_("type of incident"), choices=Incident.Type.choices)
    contexts = forms.MultipleChoiceField(
        label=_("context"),
        choices=Incident.Context.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    occurred_on = forms.DateField(label=_("date of the incident"), widget=DATE_INPUT)
    occurred_at_hour = forms.IntegerField(
        label=_("hour of the incident, if known"),
        required=False,
        min_value=0,
        max_value=23,
        help_text=_("From 0 to 23. It decides whether the 72 hours for health care have passed."),
    )
    reported_on = forms.DateField(label=_("date first reported"), widget=DATE_INPUT)
    commune = forms.ModelChoiceField(
        label=_("commune of the incident"), required=False, queryset=Area.objects.none()
    )
    description = forms.CharField(
        label=_("what happened"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        communes = Area.objects.current().communes()
        self.fields["commune"].queryset = communes
        self.fields["commune"].widget.choices = [
            ("", _("not known or outside Morocco")),
            *grouped_communes(communes),
        ]
        self.fields["reported_on"].initial = timezone.localdate()
        self.style_widgets()


class PlanItemForm(BootstrapMixin, forms.Form):
    need = forms.ChoiceField(label=_("need"), choices=NEED_CHOICES)
    service = forms.ModelChoiceField(
        label=_("service"),
        required=False,
        queryset=Service.objects.none(),
        help_text=_("A service of the directory, if one is chosen."),
    )
    action = forms.CharField(
        label=_("what will be done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=_("due on"), widget=DATE_INPUT)
    status = forms.ChoiceField(label=_("status"), choices=PlanItem.Status.choices)

    def __init__(self, *args, with_status: bool = False, version: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _add_version(self, version)
        services_qs = Service.objects.filter(is_active=True).select_related("organisation")
        self.fields["service"].queryset = services_qs
        self.fields["service"].label_from_instance = lambda s: f"{s.name} — {s.organisation.name}"
        if not with_status:
            del self.fields["status"]


class FollowUpForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("date"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("kind"), choices=FollowUp.Kind.choices)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_due_on = forms.DateField(label=_("next follow-up due"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ApprovalRequestForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("note for the supervisor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


DECISION_CHOICES = [
    ("approve", pgettext_lazy("a supervisor's decision", "approve")),
    ("reject", pgettext_lazy("a supervisor's decision", "send back")),
]


class ApprovalDecideForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("supervisor's comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you send it back: say what must change."),
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class WorkersForm(BootstrapMixin, forms.Form):
    workers = forms.ModelMultipleChoiceField(
        label=_("case workers"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = services.case_workers_choices(organisation_id)
        self.fields["workers"].label_from_instance = lambda user: user.get_full_name() or str(user)
        self.style_widgets()


class TransferForm(BootstrapMixin, forms.Form):
    to_organisation = forms.ModelChoiceField(label=_("to organisation"), queryset=None)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = Organisation.objects.filter(
            is_active=True
        ).exclude(pk=case.organisation_id)


ANSWER_CHOICES = [
    ("accept", pgettext_lazy("an answer to a transfer", "accept the case")),
    ("decline", pgettext_lazy("an answer to a transfer", "decline")),
]


class TransferAnswerForm(BootstrapMixin, forms.Form):
    answer = forms.ChoiceField(label=_("answer"), choices=ANSWER_CHOICES, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("reason for declining"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttachmentForm(BootstrapMixin, forms.Form):
    file = EvidenceFileField(
        label=_("file"), kinds=EVIDENCE_KINDS, max_bytes=services.ATTACHMENT_MAX_BYTES
    )
    title = forms.CharField(label=_("title"), max_length=200, required=False)


class DeleteForm(BootstrapMixin, forms.Form):
    confirm = forms.CharField(
        label=_("type the case code to confirm"),
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )

    def __init__(self, *args, code: str, **kwargs):
        self.code = code
        super().__init__(*args, **kwargs)

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip().upper()
        if value != self.code:
            raise forms.ValidationError(_("This is not the code of this case."))
        return value
