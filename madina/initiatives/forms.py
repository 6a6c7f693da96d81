"""Forms of the initiatives registry. They validate and present; the services write."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from madina.actors.forms import grouped_communes
from madina.actors.models import Organisation, Sector
from madina.core.concurrency import VersionField
from madina.core.forms import EVERY, BootstrapMixin
from madina.core.languages import staff_languages
from madina.initiatives import selectors
from madina.initiatives.models import (
    Initiative,
    InitiativePartner,
    ReachReport,
    TargetGroup,
)
from madina.initiatives.services import INITIATIVE_FIELDS, REACH_FIELDS, TAXONOMY_FIELDS
from madina.territory.models import Area

PARTNER_FIELDS = {
    InitiativePartner.Role.IMPLEMENTING: "partners_implementing",
    InitiativePartner.Role.FUNDING: "partners_funding",
    InitiativePartner.Role.TECHNICAL: "partners_technical",
}
# The form leaves out what only imports set (external identifier); the translations have one
# title and one description field per language (``translation_fields``).
FORM_FIELDS = [name for name in INITIATIVE_FIELDS if name not in {"external_id", "translations"}]
TRANSLATED = ("title", "description")
# Whole labels, not "Title in %(language)s": each language declines the name of another its way.
TRANSLATION_LABELS = {
    "ar": (_("Title in Arabic"), _("Description in Arabic")),
    "fr": (_("Title in French"), _("Description in French")),
    "en": (_("Title in English"), _("Description in English")),
}
MONTH_INVALID = _("Enter a month in the form YYYY-MM, for example 2026-03.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _organisation_choices():
    return Organisation.objects.filter(is_active=True).order_by("name_fr")


class InitiativeForm(BootstrapMixin, forms.ModelForm):
    partners_implementing = forms.ModelMultipleChoiceField(
        label=_("implementing partners"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    partners_funding = forms.ModelMultipleChoiceField(
        label=_("funding partners"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    partners_technical = forms.ModelMultipleChoiceField(
        label=_("technical partners"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Initiative
        fields = [*FORM_FIELDS, "communes", "target_groups"]
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
            "targets": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
            "communes": forms.SelectMultiple(attrs={"size": 8}),
            "target_groups": forms.CheckboxSelectMultiple,
            "start_date": DateInput,
            "end_date": DateInput,
            "visibility": forms.RadioSelect,
            "currency": forms.TextInput(attrs={"dir": "ltr", "maxlength": 3}),
            "latitude": forms.NumberInput(attrs={"dir": "ltr", "step": "any"}),
            "longitude": forms.NumberInput(attrs={"dir": "ltr", "step": "any"}),
            "budget": forms.NumberInput(attrs={"dir": "ltr", "step": "0.01", "min": 0}),
            "target_people": forms.NumberInput(attrs={"dir": "ltr", "min": 0}),
        }
        help_texts = {
            "communes": _(
                "Where it takes place. Hold Ctrl (or Cmd) to choose several on a computer."
            ),
            "latitude": _("Optional: an exact place, for example 35.1681."),
            "longitude": _("Optional: an exact place, for example -2.9335."),
            "currency": _("Three letters, for example MAD or EUR."),
            "targets": _("What the initiative means to achieve, in a few words."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        leads = selectors.lead_organisation_choices(user)
        self.fields["lead_organisation"].queryset = leads
        if self.instance.pk is None and not self.is_bound:
            # Most people register for their one organisation, in the language of the page.
            only = list(leads[:2])
            if len(only) == 1:
                self.initial.setdefault("lead_organisation", only[0].pk)
            self.initial.setdefault("language", (get_language() or "")[:2])
        if self.instance.pk is not None and self.instance.lead_organisation_id:
            self.fields["lead_organisation"].queryset |= Organisation.objects.filter(
                pk=self.instance.lead_organisation_id
            )
        self.fields["sector"].queryset = selectors.top_level_sectors()
        self.fields["subsector"].queryset = selectors.subsectors()
        self.fields["subsector"].help_text = _("Optional: a sub-sector of the chosen sector.")
        self.fields["activity_type"].queryset = selectors.activity_types()
        self.fields["target_groups"].queryset = selectors.target_groups()
        self.fields["funder"].queryset = _organisation_choices()
        communes = Area.objects.current().communes()
        self.fields["communes"].queryset = communes
        self.fields["communes"].widget.choices = grouped_communes(communes)
        self.fields["communes"].required = True
        for role, name in PARTNER_FIELDS.items():
            self.fields[name].queryset = _organisation_choices()
            if self.instance.pk is not None and not self.is_bound:
                self.initial[name] = [
                    p.organisation_id for p in self.instance.partnerships.all() if p.role == role
                ]
        if self.instance.pk is not None:
            self.fields["version"] = VersionField(self.instance)
        self._add_translation_fields()
        self.style_widgets()

    def _add_translation_fields(self) -> None:
        """An optional title and description in each language of the platform."""
        saved = self.instance.translations if isinstance(self.instance.translations, dict) else {}
        model_field = Initiative._meta.get_field
        for code, language in staff_languages():
            title, description = (f"translation_{name}_{code}" for name in TRANSLATED)
            title_label, description_label = TRANSLATION_LABELS.get(code, (language, language))
            self.fields[title] = forms.CharField(
                label=title_label,
                required=False,
                max_length=model_field("title").max_length,
                widget=forms.TextInput(attrs={"dir": "auto", "lang": code, "autocomplete": "off"}),
            )
            self.fields[description] = forms.CharField(
                label=description_label,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "lang": code}),
            )
            if not self.is_bound:
                translation = saved.get(code) if isinstance(saved.get(code), dict) else {}
                self.initial[title] = translation.get("title", "")
                self.initial[description] = translation.get("description", "")

    def translation_fields(self) -> list[tuple[str, str, list]]:
        """``(code, language, [bound fields])`` for the template, one group per language."""
        return [
            (code, language, [self[f"translation_{name}_{code}"] for name in TRANSLATED])
            for code, language in staff_languages()
        ]

    def has_translations(self) -> bool:
        return any(
            self[f"translation_{name}_{code}"].value()
            for code, _language in staff_languages()
            for name in TRANSLATED
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        for code, _language in staff_languages():
            title, description = (f"translation_{name}_{code}" for name in TRANSLATED)
            if cleaned.get(description) and not cleaned.get(title):
                self.add_error(title, _("Give the title too when you translate the description."))
        return cleaned

    def _translations(self) -> dict:
        translations = {}
        for code, _language in staff_languages():
            values = {
                name: self.cleaned_data.get(f"translation_{name}_{code}", "").strip()
                for name in TRANSLATED
            }
            if values["title"]:
                translations[code] = {key: value for key, value in values.items() if value}
        return translations

    def service_data(self) -> dict:
        data = {
            key: value
            for key, value in self.cleaned_data.items()
            if key not in PARTNER_FIELDS.values()
            and key != "version"
            and not key.startswith("translation_")
        }
        data["translations"] = self._translations()
        data["communes"] = list(data["communes"])
        data["target_groups"] = list(data["target_groups"])
        data["partners"] = [
            (organisation, role)
            for role, name in PARTNER_FIELDS.items()
            for organisation in self.cleaned_data.get(name) or []
        ]
        return data


class StatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=Initiative.Status.choices)


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (an ``<input type="month">``); the first day of the month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": MONTH_INVALID}

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if isinstance(value, datetime.date) else value


class ReachReportForm(BootstrapMixin, forms.ModelForm):
    commune = forms.ModelChoiceField(label=_("commune"), queryset=Area.objects.none())
    month = MonthField(label=_("month"), help_text=_("For example 2026-03."))

    class Meta:
        model = ReachReport
        fields = list(REACH_FIELDS)
        widgets = {
            **{
                name: forms.NumberInput(attrs={"min": 0, "dir": "ltr", "inputmode": "numeric"})
                for name in REACH_FIELDS
                if name != "comment"
            },
            "comment": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        }

    def __init__(self, *args, initiative: Initiative, report: ReachReport | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        if report is not None and not self.is_bound:
            self.initial.update({name: getattr(report, name) for name in REACH_FIELDS})
        self.fields["commune"].queryset = initiative.communes.all()
        for name in ("women", "men", "girls", "boys"):
            self.fields[name].required = False
        self.group_fields = []
        groups = initiative.target_groups.all()
        by_group = selectors.group_counts(report)
        for group in groups:
            name = f"group_{group.pk}"
            self.fields[name] = forms.IntegerField(
                label=group.name,
                required=False,
                min_value=0,
                initial=by_group.get(group.pk),
                widget=forms.NumberInput(attrs={"min": 0, "dir": "ltr", "inputmode": "numeric"}),
            )
            self.group_fields.append((name, group))
        self.style_widgets()

    def monthly_fields(self):
        return [self[name] for name in ("women", "men", "girls", "boys")]

    def cumulative_fields(self):
        return [self[f"cumulative_{name}"] for name in ("women", "men", "girls", "boys")]

    def groups(self):
        return [self[name] for name, _group in self.group_fields]

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in REACH_FIELDS}
        for name in ("women", "men", "girls", "boys"):
            values[name] = values[name] or 0
        return values

    def service_by_group(self) -> dict | None:
        if not self.group_fields:
            return None
        return {group: self.cleaned_data.get(name) for name, group in self.group_fields}


class ReachChoiceForm(forms.Form):
    """Which commune and month a report form opens on (from the query string)."""

    commune = forms.IntegerField(required=False)
    month = MonthField(required=False)


class PeriodForm(BootstrapMixin, forms.Form):
    month = MonthField(label=_("month"))
    action = forms.ChoiceField(choices=[("lock", "lock"), ("unlock", "unlock")])


class InitiativeFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Words of the title or description, in Arabic or Latin letters."),
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=EVERY["organisation"],
    )
    sector = forms.ModelChoiceField(
        label=_("sector"),
        required=False,
        queryset=Sector.objects.none(),
        empty_label=EVERY["sector"],
    )
    province = forms.ModelChoiceField(
        label=_("province or prefecture"),
        required=False,
        queryset=Area.objects.none(),
        empty_label=EVERY["province"],
    )
    commune = forms.ModelChoiceField(
        label=_("commune"),
        required=False,
        queryset=Area.objects.none(),
        empty_label=EVERY["commune"],
    )
    target_group = forms.ModelChoiceField(
        label=_("target group"),
        required=False,
        queryset=TargetGroup.objects.none(),
        empty_label=EVERY["target_group"],
    )
    status = forms.ChoiceField(label=_("status"), required=False)
    period_start = forms.DateField(label=_("active from"), required=False, widget=DateInput)
    period_end = forms.DateField(label=_("active until"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisation_choices()
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True)
        self.fields["province"].queryset = Area.objects.current().provinces()
        communes = Area.objects.current().communes()
        self.fields["commune"].queryset = communes
        choices = grouped_communes(communes)
        self.fields["commune"].widget.choices = [("", EVERY["commune"]), *choices]
        self.fields["target_group"].queryset = selectors.target_groups()
        self.fields["status"].choices = [("", EVERY["status"]), *Initiative.Status.choices]
        self.style_widgets()

    def filters(self) -> dict:
        """Filters for ``selectors.initiative_list``; invalid values are ignored."""
        self.is_valid()
        return {key: self.cleaned_data.get(key) for key in self.fields}

    @property
    def active_count(self) -> int:
        return sum(1 for key, value in self.filters().items() if value and key != "q")


class TaxonomyForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = TargetGroup
        fields = list(TAXONOMY_FIELDS)
        widgets = {
            "code": forms.TextInput(attrs={"dir": "ltr"}),
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_fr": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
        }


def taxonomy_form_class(model):
    """The taxonomy form for ``TargetGroup`` or ``ActivityType``."""
    meta = type("Meta", (TaxonomyForm.Meta,), {"model": model})
    return type(f"{model.__name__}Form", (TaxonomyForm,), {"Meta": meta})
