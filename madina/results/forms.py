"""Forms of projects, editions, results, indicators, manual values and report sections. They
validate and present; services (and ``compute`` for manual values) write."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madina.actors.models import Organisation, Sector
from madina.core.forms import BootstrapMixin
from madina.core.uploads import EVIDENCE_KINDS, EvidenceFileField
from madina.results import compute
from madina.results.models import Edition, Indicator, NarrativeSection, Project, Result
from madina.results.services import (
    EDITION_FIELDS,
    INDICATOR_FIELDS,
    PROJECT_FIELDS,
    RESULT_FIELDS,
    SECTION_FIELDS,
)
from madina.results.sources import BREAKDOWNS, SOURCES, source_choices
from madina.territory.models import Area

DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
AR = {"dir": "rtl", "lang": "ar"}
FR = {"dir": "ltr", "lang": "fr"}
EN = {"dir": "ltr", "lang": "en"}
DISAGGREGATION_CHOICES = BREAKDOWNS


def _names_widgets(prefix: str) -> dict:
    return {
        f"{prefix}_ar": forms.TextInput(attrs=AR),
        f"{prefix}_fr": forms.TextInput(attrs=FR),
        f"{prefix}_en": forms.TextInput(attrs=EN),
    }


class _ServiceValidated:
    """The service validates the record, with translated messages; the model's own check would
    repeat them, and change the instance before the service sees it."""

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return {
            key: value
            for key, value in self.cleaned_data.items()
            if key in self._meta.fields and key != "organisation"
        }


class ProjectForm(_ServiceValidated, BootstrapMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(label=_("lead organisation"), queryset=None)

    class Meta:
        model = Project
        fields = ["organisation", *PROJECT_FIELDS, "donors"]
        widgets = {
            **_names_widgets("name"),
            "donors": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "donors": _(
                "The organisations that fund the project. Hold Ctrl (or Cmd) to choose several "
                "on a computer."
            ),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
        self.fields["donors"].queryset = Organisation.objects.filter(is_active=True)
        self.fields["donors"].required = False
        self.style_widgets()


def _territory_choices() -> list:
    """Provinces first, then communes grouped by province: an edition covers either."""
    current = Area.objects.current()
    provinces = list(current.provinces().order_by("name_fr"))
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for commune in current.communes().select_related("parent"):
        groups[commune.parent.name if commune.parent else ""].append((commune.pk, commune.name))
    return [
        (_("Provinces and prefectures"), [(area.pk, area.name) for area in provinces]),
        *(
            (province, sorted(items, key=lambda item: item[1]))
            for province, items in sorted(groups.items())
        ),
    ]


class EditionForm(_ServiceValidated, BootstrapMixin, forms.ModelForm):
    areas = forms.ModelMultipleChoiceField(
        label=_("territory"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "The communes, provinces or prefectures the edition works in (a province counts all "
            "its communes). Leave empty to count everywhere."
        ),
    )

    class Meta:
        model = Edition
        fields = [*EDITION_FIELDS, "areas"]
        widgets = {**_names_widgets("name"), "starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["areas"]
        field.queryset = Area.objects.current().filter(
            level__in=[Area.Level.PROVINCE, Area.Level.COMMUNE]
        )
        field.widget.choices = _territory_choices()
        self.style_widgets()


class ResultForm(_ServiceValidated, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Result
        fields = list(RESULT_FIELDS)
        widgets = _names_widgets("title")
        help_texts = {
            "parent": _("For an output: the outcome it contributes to."),
            "code": _("For example 1 for an outcome, 1.2 for an output under it."),
        }

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        outcomes = edition.results.filter(level=Result.Level.OUTCOME)
        if self.instance.pk is not None:
            outcomes = outcomes.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = outcomes
        self.fields["parent"].required = False
        self.fields["code"].widget.attrs["dir"] = "ltr"
        self.style_widgets()


class IndicatorForm(_ServiceValidated, BootstrapMixin, forms.ModelForm):
    source = forms.ChoiceField(label=_("source"), choices=())
    disaggregation = forms.MultipleChoiceField(
        label=_("breakdowns"),
        required=False,
        choices=DISAGGREGATION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the value should be broken down by, where the records say it."),
    )
    baseline = forms.DecimalField(
        label=_("baseline"), max_digits=12, decimal_places=2, required=False, initial=0
    )
    target = forms.DecimalField(label=_("target"), max_digits=12, decimal_places=2)

    class Meta:
        model = Indicator
        fields = list(INDICATOR_FIELDS)
        widgets = _names_widgets("title")
        help_texts = {
            "sector": _("The programme of the national strategy the indicator serves."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "---------"), *source_choices()]
        self.fields["source"].help_text = _(
            "Which records the value is computed from; “entered by hand” only where no record "
            "holds it."
        )
        self.fields["sector"].queryset = Sector.objects.filter(parent__isnull=True, is_active=True)
        self.fields["code"].widget.attrs["dir"] = "ltr"
        self.style_widgets()

    @staticmethod
    def breakdown_guide() -> list[tuple[str, list[str]]]:
        """Each source and the breakdowns its records hold, for the form's guide."""
        labels = dict(BREAKDOWNS)
        return [
            (str(source.label), [str(labels[key]) for key in source.breakdowns])
            for source in SOURCES.values()
        ]


class ManualValueForm(BootstrapMixin, forms.Form):
    period_start = forms.DateField(label=_("from"), widget=DATE_INPUT)
    period_end = forms.DateField(label=_("to"), widget=DATE_INPUT)
    value = forms.DecimalField(label=_("value"), max_digits=14, decimal_places=2)
    # Not required here: the service says, in its own words, that evidence is needed.
    evidence = EvidenceFileField(
        label=_("evidence"),
        kinds=EVIDENCE_KINDS,
        max_bytes=compute.EVIDENCE_MAX_BYTES,
        required=False,
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Where the figure comes from, for the person who approves it."),
    )


class DecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            ("approve", _("approve")),
            ("reject", pgettext_lazy("a value typed by hand", "send back")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Say why when you send a value back."),
    )


class SectionForm(_ServiceValidated, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = NarrativeSection
        fields = list(SECTION_FIELDS)
        widgets = {
            **_names_widgets("title"),
            "body_ar": forms.Textarea(attrs={**AR, "rows": 6}),
            "body_fr": forms.Textarea(attrs={**FR, "rows": 6}),
            "body_en": forms.Textarea(attrs={**EN, "rows": 6}),
        }
        help_texts = {"order": _("Sections are shown in the report from the lowest number.")}
