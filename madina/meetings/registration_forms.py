"""Forms of invitations and registrations. They validate and present; the services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from madina.core.forms import BootstrapMixin
from madina.meetings.models import InterpretationLanguage, Registration
from madina.meetings.services import MAX_ATTENDANCE

TEXT = {"dir": "auto"}
NUMBER = {"inputmode": "numeric"}


def _count(label, help_text=""):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_ATTENDANCE,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs=NUMBER),
    )


class RegistrationForm(BootstrapMixin, forms.Form):
    """An organisation's answer: coming or not; if coming, how many people and what they need."""

    ACCEPT, DECLINE = "accept", "decline"

    answer = forms.ChoiceField(
        label=_("Will your organisation come?"),
        choices=[(ACCEPT, _("Yes, we will come")), (DECLINE, _("No, we will not come"))],
        widget=forms.RadioSelect,
    )
    women = _count(_("women"))
    men = _count(_("men"))
    other = _count(_("other or not said"))
    interpretation_other = forms.CharField(
        label=_("Which other language"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    childcare_places = _count(
        _("Children to look after during the meeting"),
        _("Childcare places to prepare: how many children, not their names."),
    )
    wheelchair_access = forms.BooleanField(label=_("Wheelchair access"), required=False)
    sign_language = forms.BooleanField(label=_("Sign language interpretation"), required=False)
    other_access = forms.BooleanField(label=_("Another accessibility need"), required=False)
    other_needs = forms.CharField(
        label=_("Which need"),
        max_length=200,
        required=False,
        help_text=_("In a few words, without names or health details."),
        widget=forms.TextInput(attrs=TEXT),
    )

    def __init__(self, *args, registration: Registration | None = None, **kwargs):
        if registration is not None and "initial" not in kwargs:
            kwargs["initial"] = registration_initial(registration)
        super().__init__(*args, **kwargs)
        for language in InterpretationLanguage:
            self.fields[f"interpretation_{language.value}"] = _count(language.label)
        self.style_widgets()

    @property
    def interpretation_fields(self):
        return [self[f"interpretation_{language.value}"] for language in InterpretationLanguage]

    @property
    def accepts(self) -> bool:
        return self.cleaned_data.get("answer") == self.ACCEPT

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") != self.ACCEPT:
            return cleaned
        people = sum(cleaned.get(key) or 0 for key in ("women", "men", "other"))
        if not people and not self.errors:
            self.add_error(
                "women",
                _("Say how many people will come: at least one, or decline the invitation."),
            )
        if cleaned.get("other_access") and not cleaned.get("other_needs"):
            self.add_error("other_needs", _("Say which need."))
        return cleaned

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "women": data.get("women") or 0,
            "men": data.get("men") or 0,
            "other": data.get("other") or 0,
            "interpretation": {
                language.value: data.get(f"interpretation_{language.value}") or 0
                for language in InterpretationLanguage
                if data.get(f"interpretation_{language.value}")
            },
            "interpretation_other": data.get("interpretation_other") or "",
            "childcare_places": data.get("childcare_places") or 0,
            "wheelchair_access": data.get("wheelchair_access", False),
            "sign_language": data.get("sign_language", False),
            "other_needs": data.get("other_needs") or "",
        }


def registration_initial(registration: Registration) -> dict:
    initial = {
        "answer": RegistrationForm.ACCEPT,
        "women": registration.women,
        "men": registration.men,
        "other": registration.other,
        "interpretation_other": registration.interpretation_other,
        "childcare_places": registration.childcare_places,
        "wheelchair_access": registration.wheelchair_access,
        "sign_language": registration.sign_language,
        "other_access": bool(registration.other_needs),
        "other_needs": registration.other_needs,
    }
    for code, count in (registration.interpretation or {}).items():
        initial[f"interpretation_{code}"] = count
    return initial


class InviteForm(BootstrapMixin, forms.Form):
    """Invite the space's members not invited yet and, if wanted, other organisations."""

    members = forms.ModelMultipleChoiceField(
        label=_("Member organisations of the space"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others = forms.ModelMultipleChoiceField(
        label=_("Other organisations"),
        queryset=None,
        required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose several on a computer."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    uses_reserved_places = forms.BooleanField(
        label=_("These organisations may use the reserved places"),
        required=False,
        help_text=_("For example migrants' associations or the speakers' organisations."),
    )

    def __init__(self, *args, members, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["others"].queryset = others
        if not self.is_bound:
            self.initial.setdefault("members", list(members))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("members") and not cleaned.get("others"):
            raise forms.ValidationError(_("Choose at least one organisation to invite."))
        return cleaned

    def organisations(self) -> list:
        return [*self.cleaned_data["members"], *self.cleaned_data["others"]]
