"""Forms of capsules, schools and awareness sessions. They validate and present; services write."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madina.actors.forms import grouped_communes
from madina.actors.models import Organisation
from madina.core.forms import EVERY, BootstrapMixin
from madina.core.uploads import EvidenceFileField
from madina.directory.models import Language
from madina.outreach.models import Audience, AwarenessSession, Capsule, CapsuleFile, School
from madina.outreach.services import (
    CAPSULE_FIELDS,
    CAPSULE_FILE_KINDS,
    CAPSULE_FILE_MAX_BYTES,
    CAPSULE_M2M,
    FIRST_SESSION_DATE,
    SCHOOL_FIELDS,
    SESSION_FIELDS,
    SESSION_M2M,
)
from madina.territory.models import Area

DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TITLE_REQUIRED = _("Give the title of the capsule in at least one language.")
SCHOOL_NAME_REQUIRED = _("Give the name of the school in Arabic or in French.")


def _communes_field(field: forms.ModelChoiceField, empty_label) -> None:
    communes = Area.objects.current().communes()
    field.queryset = communes
    field.widget.choices = [("", empty_label), *grouped_communes(communes)]


def _grouped_schools(queryset) -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for school in queryset.select_related("commune"):
        groups[school.commune.name].append((school.pk, school.name))
    return [
        (commune, sorted(items, key=lambda i: i[1])) for commune, items in sorted(groups.items())
    ]


# --- Capsules ------------------------------------------------------------------------------------


class CapsuleForm(BootstrapMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(label=_("producer"), queryset=None)
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.MultipleChoiceField(
        label=_("topics"),
        required=False,
        choices=Capsule.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    link = forms.URLField(
        label=_("link"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("Where the capsule can be watched or downloaded, if it is online."),
    )

    class Meta:
        model = Capsule
        fields = ["organisation", *CAPSULE_FIELDS, *CAPSULE_M2M]
        widgets = {
            "title_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "title_fr": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "title_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "validated_on": DATE_INPUT,
            "partners": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "partners": _(
                "The institutions and associations that took part. Hold Ctrl (or Cmd) to choose "
                "several on a computer."
            ),
            "validated_on": _("When the capsule was validated for use in schools, if it was."),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["organisation"]
            self.initial["languages"] = self.instance.languages.split()
        else:
            self.fields["organisation"].queryset = organisations
        self.fields["partners"].queryset = Organisation.objects.filter(is_active=True)
        self.style_widgets()

    def clean(self):
        cleaned = super().clean()
        if not any(
            (cleaned.get(key) or "").strip() for key in ("title_ar", "title_fr", "title_en")
        ):
            self.add_error("title_ar", TITLE_REQUIRED)
        return cleaned

    def _post_clean(self):
        # The service validates the capsule, with translated messages; the model's own check
        # would repeat them with the name of a database constraint, and change the instance.
        pass

    def capsule_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key != "organisation"}


class CapsuleFileForm(BootstrapMixin, forms.Form):
    file = EvidenceFileField(
        label=_("file"), kinds=CAPSULE_FILE_KINDS, max_bytes=CAPSULE_FILE_MAX_BYTES
    )
    title = forms.CharField(
        label=CapsuleFile._meta.get_field("title").verbose_name,
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("For example: the Darija version, or the poster to print."),
    )


class CapsuleFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("A word of the title, in Arabic, French or English."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    format = forms.ChoiceField(label=_("format"), required=False)
    topic = forms.ChoiceField(label=_("topic"), required=False)
    audience = forms.ChoiceField(label=_("audience"), required=False)
    language = forms.ChoiceField(label=_("language"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=EVERY["organisation"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [("", _("all formats")), *Capsule.Format.choices]
        self.fields["topic"].choices = [("", _("all topics")), *Capsule.Topic.choices]
        self.fields["audience"].choices = [("", _("all audiences")), *Capsule.Audience.choices]
        self.fields["language"].choices = [("", _("all languages")), *Language.choices]
        self.fields["organisation"].queryset = Organisation.objects.filter(
            capsules__isnull=False
        ).distinct()
        self.style_widgets()

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.capsule_list``; invalid values are ignored."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "format": data.get("format") or "",
            "topic": data.get("topic") or "",
            "audience": data.get("audience") or "",
            "language": data.get("language") or "",
            "organisation": data.get("organisation"),
        }


# --- Schools -------------------------------------------------------------------------------------


class SchoolForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = School
        fields = list(SCHOOL_FIELDS)
        widgets = {
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_fr": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "official_code": forms.TextInput(attrs={"dir": "ltr"}),
        }
        help_texts = {"official_code": _("The Ministry of Education's code, if you know it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _communes_field(self.fields["commune"], "---------")
        self.style_widgets()

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(key) or "").strip() for key in ("name_ar", "name_fr")):
            self.add_error("name_ar", SCHOOL_NAME_REQUIRED)
        return cleaned

    def _post_clean(self):
        # The service validates the school.
        pass


class SchoolFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("A word of the school's name, or its official code."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    commune = forms.ModelChoiceField(
        label=_("commune"), required=False, queryset=Area.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _communes_field(self.fields["commune"], EVERY["commune"])
        self.style_widgets()

    def filters(self) -> dict:
        self.is_valid()
        return {"q": self.cleaned_data.get("q") or "", "commune": self.cleaned_data.get("commune")}


# --- Awareness sessions --------------------------------------------------------------------------


class SessionForm(BootstrapMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(label=_("facilitating organisation"), queryset=None)

    class Meta:
        model = AwarenessSession
        fields = ["organisation", *SESSION_FIELDS, *SESSION_M2M]
        widgets = {
            "held_on": DATE_INPUT,
            "capsules": forms.CheckboxSelectMultiple,
            "feedback": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        }
        help_texts = {
            "feedback": _("What the pupils and teachers said; no names."),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["organisation"]
            shown = self.instance.capsules.all()
        else:
            self.fields["organisation"].queryset = organisations
            shown = Capsule.objects.none()
        capsules = Capsule.objects.filter(is_active=True) | Capsule.objects.filter(
            pk__in=shown.values("pk")
        )
        self.fields["capsules"].queryset = capsules.distinct()
        self.fields["capsules"].required = False  # the service says why none is refused
        schools = School.objects.all()
        self.fields["school"].queryset = schools
        self.fields["school"].widget.choices = [("", "---------"), *_grouped_schools(schools)]
        self.fields["held_on"].widget.attrs.update(
            min=FIRST_SESSION_DATE.isoformat(), max=timezone.localdate().isoformat()
        )
        self.fields["teachers_present"].widget.attrs["min"] = 0
        self.style_widgets()

    def _post_clean(self):
        # The service validates the session (date, capsules, audience).
        pass

    def session_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key != "organisation"}


class AudienceForm(BootstrapMixin, forms.Form):
    """One grade's pupils. A row left without a grade and without pupils is not counted."""

    grade = forms.ChoiceField(
        label=_("grade"), required=False, choices=[("", "---------"), *Audience.Grade.choices]
    )
    girls = forms.IntegerField(
        label=_("girls"), min_value=0, max_value=10_000, initial=0, required=False
    )
    boys = forms.IntegerField(
        label=_("boys"), min_value=0, max_value=10_000, initial=0, required=False
    )
    migrants = forms.IntegerField(
        label=_("of whom children of migrants"),
        help_text=_("If the school knows it; leave empty otherwise."),
        min_value=0,
        max_value=10_000,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("grade") and (cleaned.get("girls") or cleaned.get("boys")):
            self.add_error("grade", _("Choose the grade of these pupils."))
        migrants = cleaned.get("migrants")
        pupils = (cleaned.get("girls") or 0) + (cleaned.get("boys") or 0)
        if migrants is not None and migrants > pupils:
            self.add_error("migrants", _("There cannot be more children of migrants than pupils."))
        return cleaned

    def row(self) -> dict | None:
        data = getattr(self, "cleaned_data", None) or {}
        if not data.get("grade"):
            return None
        return {
            "grade": data["grade"],
            "girls": data.get("girls") or 0,
            "boys": data.get("boys") or 0,
            "migrants": data.get("migrants"),
        }


class BaseAudienceFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen: set[str] = set()
        total = 0
        for form in self.forms:
            row = form.row()
            if row is None:
                continue
            if row["grade"] in seen:
                form.add_error(
                    "grade", pgettext_lazy("audience of a session", "This grade is given twice.")
                )
                raise forms.ValidationError(_("Give each grade once."))
            seen.add(row["grade"])
            total += row["girls"] + row["boys"]
        if total < 1:
            raise forms.ValidationError(
                _("Give the number of pupils reached: at least one girl or boy.")
            )

    def audience_rows(self) -> list[dict]:
        return [row for form in self.forms if (row := form.row()) is not None]


def audience_formset(data=None, *, session: AwarenessSession | None = None):
    """The audience rows of a session: its rows when it has some, and empty rows to add more."""
    initial = []
    # Once posted, the rows sent are the audience: compared with no initial rows, every row
    # given a grade has changed and is validated, whatever the management form says.
    if session is not None and data is None:
        initial = [
            {
                "grade": audience.grade,
                "girls": audience.girls,
                "boys": audience.boys,
                "migrants": audience.migrants,
            }
            for audience in session.audiences.all()
        ]
    formset_class = forms.formset_factory(
        AudienceForm,
        formset=BaseAudienceFormSet,
        extra=2 if session is not None else 4,
        max_num=len(Audience.Grade.values),
        validate_max=True,
    )
    return formset_class(data, initial=initial, prefix="audience")


class SessionFilterForm(BootstrapMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=EVERY["organisation"],
    )
    school = forms.ModelChoiceField(
        label=_("school"), required=False, queryset=School.objects.none()
    )
    commune = forms.ModelChoiceField(
        label=_("commune"), required=False, queryset=Area.objects.none()
    )
    capsule = forms.ModelChoiceField(
        label=_("capsule"), required=False, queryset=Capsule.objects.none()
    )
    date_from = forms.DateField(label=_("from"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "to"), required=False, widget=DATE_INPUT
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            awareness_sessions__isnull=False
        ).distinct()
        schools = School.objects.filter(sessions__isnull=False).distinct()
        self.fields["school"].queryset = schools
        self.fields["school"].widget.choices = [("", _("all schools")), *_grouped_schools(schools)]
        communes = Area.objects.filter(
            pk__in=School.objects.filter(sessions__isnull=False).values("commune")
        )
        self.fields["commune"].queryset = communes
        self.fields["commune"].widget.choices = [
            ("", EVERY["commune"]),
            *grouped_communes(communes),
        ]
        self.fields["capsule"].queryset = Capsule.objects.filter(sessions__isnull=False).distinct()
        self.fields["capsule"].empty_label = _("all capsules")
        self.style_widgets()

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            key: data.get(key)
            for key in ("organisation", "school", "commune", "capsule", "date_from", "date_to")
        }
