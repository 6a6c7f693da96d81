"""Forms of the staff pages (Bootstrap) and of the respondent's details on the portal.

The answers themselves are not a Django form: the questions are data, and the service
(``services.clean_answers``) validates what is sent, so that the portal and the staff entry page
share one set of rules. Texts written per language are one field per language, grouped in a
fieldset whose legend says what they are.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from madina.consultations import selectors
from madina.consultations.models import TEXT_LANGUAGES, Consultation, Group, Question, Response
from madina.consultations.services import (
    DESCRIPTION_MAX,
    NAME_MAX,
    OPTION_MAX,
    OTHER_LANGUAGE,
    QUESTION_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
)
from madina.core.forms import BootstrapMixin
from madina.territory.models import Area

LANGUAGE_NAMES = {
    "ar": _("Arabic"),
    "fr": _("French"),
    "en": _("English"),
    "es": _("Spanish"),
}


def _add_text_fields(form: forms.BaseForm, prefix: str, max_length: int, *, area: bool) -> None:
    for code in TEXT_LANGUAGES:
        widget = forms.Textarea(attrs={"rows": 3}) if area else forms.TextInput()
        widget.attrs.update({"lang": code, "dir": "rtl" if code == "ar" else "ltr"})
        form.fields[f"{prefix}_{code}"] = forms.CharField(
            label=LANGUAGE_NAMES[code], max_length=max_length, required=False, widget=widget
        )


def _texts(cleaned: dict, prefix: str) -> dict[str, str]:
    return {code: cleaned.get(f"{prefix}_{code}", "") for code in TEXT_LANGUAGES}


def _initial_texts(texts: dict, prefix: str) -> dict[str, str]:
    return {f"{prefix}_{code}": (texts or {}).get(code, "") for code in TEXT_LANGUAGES}


class ConsultationForm(BootstrapMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    opens_on = forms.DateField(
        label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous: nobody is asked for a name or a contact"), required=False
    )
    communes = forms.ModelMultipleChoiceField(
        label=_("Communes concerned"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("None chosen: every commune."),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Groups concerned"),
        choices=Group.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisations=None, instance: Consultation | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                **_initial_texts(instance.title, "title"),
                **_initial_texts(instance.description, "description"),
                "opens_on": instance.opens_on,
                "closes_on": instance.closes_on,
                "anonymous": instance.anonymous,
                "communes": list(instance.communes.all()),
                "target_groups": instance.target_groups,
            }
        kwargs.setdefault("initial", {}).setdefault("anonymous", True)
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
        self.fields["communes"].queryset = Area.objects.communes().current().order_by("name_fr")
        _add_text_fields(self, "title", TITLE_MAX, area=False)
        _add_text_fields(self, "description", DESCRIPTION_MAX, area=True)
        self.style_widgets()

    def consultation_data(self) -> dict:
        data = self.cleaned_data
        return {
            "title": _texts(data, "title"),
            "description": _texts(data, "description"),
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "anonymous": data["anonymous"],
            "communes": list(data["communes"]),
            "target_groups": data["target_groups"],
        }


class ConditionField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.question.order}. {obj.question.text_value} → {obj.text_value}"


class QuestionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    order = forms.IntegerField(
        label=_("Position"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_("Empty: after the last question."),
    )
    condition = ConditionField(
        label=_("Show this question only if the answer to an earlier question is"),
        queryset=None,
        required=False,
        empty_label=_("always show it"),
    )

    def __init__(
        self, *args, consultation: Consultation, instance: Question | None = None, **kwargs
    ):
        if instance is not None:
            kwargs["initial"] = {
                **_initial_texts(instance.text, "text"),
                "kind": instance.kind,
                "required": instance.required,
                "order": instance.order,
                "condition": instance.condition_id,
            }
        super().__init__(*args, **kwargs)
        self.fields["condition"].queryset = selectors.condition_choices(consultation, instance)
        _add_text_fields(self, "text", QUESTION_MAX, area=False)
        self.style_widgets()

    def question_data(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "required": data["required"],
            "text": _texts(data, "text"),
            "order": data["order"],
            "condition": data["condition"],
        }


class OptionForm(BootstrapMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _add_text_fields(self, "text", OPTION_MAX, area=False)
        self.style_widgets()


OptionFormSet = forms.formset_factory(OptionForm, extra=3, can_delete=True, max_num=30)


def option_formset(data=None, question: Question | None = None):
    initial = []
    if question is not None:
        initial = [
            {"id": option.pk, **_initial_texts(option.text, "text")}
            for option in question.options.all()
        ]
    return OptionFormSet(data, initial=initial, prefix="options")


def options_data(formset) -> list[dict]:
    return [
        {"id": form.cleaned_data.get("id"), "text": _texts(form.cleaned_data, "text")}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class SummaryForm(BootstrapMixin, forms.Form):
    publish = forms.BooleanField(label=_("Publish it on the portal"), required=False)

    def __init__(self, *args, consultation: Consultation, **kwargs):
        kwargs["initial"] = {
            **_initial_texts(consultation.summary, "summary"),
            "publish": consultation.summary_published,
        }
        super().__init__(*args, **kwargs)
        _add_text_fields(self, "summary", SUMMARY_MAX, area=True)
        for code in TEXT_LANGUAGES:
            self.fields[f"summary_{code}"].widget.attrs["rows"] = 8
        self.style_widgets()

    def summary(self) -> dict[str, str]:
        return _texts(self.cleaned_data, "summary")


class RespondentForm(forms.Form):
    """Who answers, if they wish to say: commune, group; name and contact if identified."""

    commune = forms.ModelChoiceField(
        label=_("Your commune"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("I prefer not to say"),
    )
    group = forms.ChoiceField(label=_("You are"), required=False)
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=NAME_MAX,
        required=False,
        error_messages={"max_length": _("At most %(limit_value)d characters.")},
    )
    contact = forms.CharField(
        label=_("A telephone number or an e-mail address, if you want an answer (optional)"),
        max_length=NAME_MAX,
        required=False,
        error_messages={"max_length": _("At most %(limit_value)d characters.")},
    )

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = selectors.commune_choices(consultation)
        self.fields["group"].choices = [("", _("I prefer not to say"))] + [
            (code, label) for code, label in selectors.group_choices(consultation)
        ]
        if consultation.anonymous:
            del self.fields["name"]
            del self.fields["contact"]
        else:
            self.fields["contact"].widget.attrs["dir"] = "ltr"


class StaffEntryForm(BootstrapMixin, RespondentForm):
    """The same, entered by staff for someone reached by phone or in person."""

    channel = forms.ChoiceField(
        label=_("How the answers were given"),
        choices=[(c.value, c.label) for c in Response.STAFF_CHANNELS],
    )
    language = forms.ChoiceField(label=_("Language of the conversation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            *settings.LANGUAGES,
            (OTHER_LANGUAGE, _("another language")),
        ]
        self.fields["commune"].label = _("Commune of the person")
        self.fields["group"].label = _("The person is")
        if "name" in self.fields:
            self.fields["name"].label = _("Name of the person (optional)")
            self.fields["contact"].label = _("Contact of the person (optional)")
        self.order_fields(["channel", "language"])
        self.style_widgets()
