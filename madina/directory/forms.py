"""Forms of the services directory. They validate and present; the services write."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.utils.translation import gettext_lazy as _

from madina.actors.forms import EMAIL_INVALID, _phone_field, grouped_communes
from madina.actors.models import FocalPerson, Sector
from madina.core.forms import EVERY, BootstrapMixin
from madina.directory.models import Language, Service
from madina.directory.services import SERVICE_FIELDS, SERVICE_M2M
from madina.territory.models import Area

NAME_REQUIRED = _("Give the name of the service in at least one language.")


def _grouped_focal_persons(queryset) -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for person in queryset.select_related("organisation"):
        groups[person.organisation.name].append((person.pk, str(person)))
    return sorted(groups.items())


class ServiceForm(BootstrapMixin, forms.ModelForm):
    phone = _phone_field(_("phone"))
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"),
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=None)

    class Meta:
        model = Service
        fields = ["organisation", *SERVICE_FIELDS, *SERVICE_M2M]
        widgets = {
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_fr": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "description_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl", "lang": "ar"}),
            "description_fr": forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "fr"}),
            "description_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "en"}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
            "fees": forms.Textarea(attrs={"rows": 2}),
            "opening_hours": forms.Textarea(attrs={"rows": 2}),
            "how_to_access": forms.Textarea(attrs={"rows": 3}),
            "communes_served": forms.SelectMultiple(attrs={"size": 8}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "dir": "ltr"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "dir": "ltr"}),
            "without_papers": forms.RadioSelect,
        }
        error_messages = {"email": {"invalid": EMAIL_INVALID}}
        help_texts = {
            "communes_served": _(
                "The communes whose people it serves. Hold Ctrl (or Cmd) to choose several on a "
                "computer."
            ),
            "latitude": _("Optional, to place the service on the map, for example 35.168."),
            "referral_focal_point": _(
                "A focal person of the organisation; add one on the organisation's page."
            ),
            "without_papers": _(
                "Shown on the public portal, so that people know whether they may come without "
                "an identity document or a residence permit."
            ),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["organisation"]
            focal = FocalPerson.objects.filter(organisation=self.instance.organisation)
        else:
            self.fields["organisation"].queryset = organisations
            focal = FocalPerson.objects.filter(organisation__in=organisations)
        if self.instance.pk is not None:
            self.initial["languages"] = self.instance.language_codes
        self.fields["referral_focal_point"].queryset = focal
        self.fields["referral_focal_point"].widget.choices = [
            ("", "---------"),
            *_grouped_focal_persons(focal),
        ]
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True, parent=None)
        # Optional in the form: left out, it keeps its value (``not said`` for a new service).
        self.fields["without_papers"].required = False
        communes = Area.objects.current().communes()
        self.fields["communes_served"].queryset = communes
        self.fields["communes_served"].widget.choices = grouped_communes(communes)
        self.fields["commune"].queryset = communes
        self.fields["commune"].widget.choices = [("", "---------"), *grouped_communes(communes)]
        self.style_widgets()

    def clean_without_papers(self) -> str:
        return self.cleaned_data.get("without_papers") or self.instance.without_papers

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(key, "").strip() for key in ("name_ar", "name_fr", "name_en")):
            self.add_error("name_ar", NAME_REQUIRED)
        return cleaned

    def service_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key != "organisation"}


class ServiceFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("A service or organisation name, in Arabic or in Latin letters."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    type = forms.ChoiceField(label=_("type of service"), required=False)
    commune = forms.ModelChoiceField(
        label=_("commune"), required=False, queryset=Area.objects.none()
    )
    language = forms.ChoiceField(label=_("language spoken"), required=False)
    free = forms.BooleanField(label=_("free of charge"), required=False)
    accepts_referrals = forms.BooleanField(label=_("accepts referrals"), required=False)
    cells_only = forms.BooleanField(label=_("specialised cells only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", EVERY["type"]), *Service.Type.choices]
        self.fields["language"].choices = [("", _("all languages")), *Language.choices]
        communes = Area.objects.current().communes()
        self.fields["commune"].queryset = communes
        self.fields["commune"].widget.choices = [
            ("", EVERY["commune"]),
            *grouped_communes(communes),
        ]
        self.style_widgets()

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.service_list``; invalid values are ignored."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "type": data.get("type") or "",
            "commune": data.get("commune"),
            "language": data.get("language") or "",
            "free": bool(data.get("free")),
            "accepts_referrals": bool(data.get("accepts_referrals")),
            "cells_only": bool(data.get("cells_only")),
        }
