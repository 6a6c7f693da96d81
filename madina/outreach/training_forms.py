"""Forms of trainings, participants, attendance and advocacy actions; the services write."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madina.actors.forms import grouped_communes
from madina.actors.models import Organisation
from madina.core.forms import EVERY, BootstrapMixin
from madina.outreach.models import AdvocacyAction, Participant, PopulationGroup, Training
from madina.outreach.training_services import (
    ADVOCACY_FIELDS,
    PARTICIPANT_FIELDS,
    TRAINING_FIELDS,
    score_errors,
    training_date_errors,
)
from madina.territory.models import Area


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"dir": "ltr", **(attrs or {})}, format="%Y-%m-%d")


def _communes(field: forms.ModelChoiceField, empty: str = "---------") -> None:
    communes = Area.objects.current().communes()
    field.queryset = communes
    field.widget.choices = [("", empty), *grouped_communes(communes)]


class TrainingForm(BootstrapMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(label=_("organising organisation"), queryset=None)

    class Meta:
        model = Training
        fields = ["organisation", *TRAINING_FIELDS]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "pre_test_on": DateInput(),
            "post_test_on": DateInput(),
            "max_score": forms.NumberInput(attrs={"min": 1, "max": 1000, "dir": "ltr"}),
        }
        help_texts = {
            "ends_on": _("The same as the first day for a one-day training; at most 60 days."),
            "trainers": _("Names of the trainers, separated by commas."),
            "pre_test_on": _("Optional. At most 30 days before the first day."),
            "post_test_on": _("Optional. Never before the pre-test; at most 30 days after."),
            "max_score": _("The highest score of the pre- and post-tests, for example 20."),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
        _communes(self.fields["commune"])
        self.style_widgets()

    def clean(self):
        cleaned = super().clean()
        errors = training_date_errors(
            cleaned.get("starts_on"),
            cleaned.get("ends_on"),
            cleaned.get("pre_test_on"),
            cleaned.get("post_test_on"),
        )
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key, message)
        return cleaned

    def training_data(self) -> dict:
        return {key: self.cleaned_data[key] for key in TRAINING_FIELDS}


class ParticipantForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Participant
        fields = list(PARTICIPANT_FIELDS)
        widgets = {
            "sex": forms.RadioSelect,
            "population_group": forms.RadioSelect,
            "pre_score": forms.NumberInput(attrs={"min": 0, "step": "0.25", "dir": "ltr"}),
            "post_score": forms.NumberInput(attrs={"min": 0, "step": "0.25", "dir": "ltr"}),
        }
        help_texts = {
            "organisation": _("Optional: the organisation the participant works for."),
            "function": _("For example: social worker, volunteer, teacher."),
            "population_group": _(
                "Only if the participant agrees to say it. It is counted by group in the "
                "results, never shown in a list."
            ),
        }

    def __init__(self, *args, training: Training, **kwargs):
        super().__init__(*args, **kwargs)
        self.training = training
        self.fields["sex"].choices = Participant.Sex.choices
        # Not said unless the participant chooses to say it.
        self.fields["population_group"].required = False
        self.fields["population_group"].initial = PopulationGroup.NOT_SAID
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True)
        for key in ("pre_score", "post_score"):
            self.fields[key].widget.attrs["max"] = training.max_score
            self.fields[key].help_text = _("From 0 to %(max)s.") % {"max": training.max_score}
        self.style_widgets()

    def clean_population_group(self):
        return self.cleaned_data.get("population_group") or PopulationGroup.NOT_SAID

    def clean(self):
        cleaned = super().clean()
        errors = score_errors(
            self.training.max_score, cleaned.get("pre_score"), cleaned.get("post_score")
        )
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key, message)
        return cleaned

    def participant_data(self) -> dict:
        return {key: self.cleaned_data[key] for key in PARTICIPANT_FIELDS}


class AttendanceForm(forms.Form):
    """One group of day checkboxes per participant, rendered as a grid by the template."""

    def __init__(self, *args, participants, days: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = participants
        self.days = days
        choices = [(day.isoformat(), date_format(day, "SHORT_DATE_FORMAT")) for day in days]
        for participant in participants:
            self.fields[self.key(participant)] = forms.MultipleChoiceField(
                label=participant.full_name,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    @staticmethod
    def key(participant) -> str:
        return f"present_{participant.pk}"

    def rows(self):
        """(participant, [(day, checkbox name, checked)…]) for the grid."""
        for participant in self.participants:
            name = self.add_prefix(self.key(participant))
            if self.is_bound:
                chosen = set(self.data.getlist(name))
            else:
                chosen = set(self.initial.get(self.key(participant), []))
            yield (
                participant,
                [(day, name, day.isoformat() in chosen) for day in self.days],
            )

    def present(self) -> dict[int, list[datetime.date]]:
        return {
            participant.pk: [
                datetime.date.fromisoformat(day)
                for day in self.cleaned_data.get(self.key(participant), [])
            ]
            for participant in self.participants
        }


class TrainingFilterForm(BootstrapMixin, forms.Form):
    topic = forms.ChoiceField(label=_("topic"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("organisation"), required=False, queryset=Organisation.objects.none()
    )
    commune = forms.ModelChoiceField(
        label=_("commune"), required=False, queryset=Area.objects.none()
    )
    since = forms.DateField(label=_("from"), required=False, widget=DateInput())
    until = forms.DateField(
        label=pgettext_lazy("up to a date", "to"), required=False, widget=DateInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("all topics")), *Training.Topic.choices]
        organisations = Organisation.objects.filter(trainings__isnull=False).distinct()
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = EVERY["organisation"]
        _communes(self.fields["commune"], EVERY["commune"])
        self.style_widgets()

    def filters(self) -> dict:
        """Keyword arguments for ``training_list``; invalid values are ignored."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "topic": data.get("topic") or "",
            "organisation": data.get("organisation"),
            "commune": data.get("commune"),
            "since": data.get("since"),
            "until": data.get("until"),
        }


class AdvocacyForm(BootstrapMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=None)

    class Meta:
        model = AdvocacyAction
        fields = ["organisation", *ADVOCACY_FIELDS]
        widgets = {
            "kind": forms.RadioSelect,
            "held_on": DateInput(),
            "message": forms.Textarea(attrs={"rows": 4}),
            "outcome_notes": forms.Textarea(attrs={"rows": 3}),
            "people_reached": forms.NumberInput(attrs={"min": 0, "dir": "ltr"}),
        }
        help_texts = {
            "target": _("For example: the commune council, the provincial health delegation."),
            "message": _("What the action asked for or conveyed."),
            "people_reached": _("Optional: how many people the action reached."),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
        self.fields["kind"].choices = AdvocacyAction.Kind.choices
        _communes(self.fields["commune"])
        self.style_widgets()

    def advocacy_data(self) -> dict:
        return {key: self.cleaned_data[key] for key in ADVOCACY_FIELDS}


class AdvocacyFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("organisation"), required=False, queryset=Organisation.objects.none()
    )
    outcome = forms.ChoiceField(label=_("outcome"), required=False)
    since = forms.DateField(label=_("from"), required=False, widget=DateInput())
    until = forms.DateField(
        label=pgettext_lazy("up to a date", "to"), required=False, widget=DateInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("all kinds")), *AdvocacyAction.Kind.choices]
        self.fields["outcome"].choices = [
            ("", _("all outcomes")),
            *AdvocacyAction.Outcome.choices,
        ]
        organisations = Organisation.objects.filter(advocacy_actions__isnull=False).distinct()
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = EVERY["organisation"]
        self.style_widgets()

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "organisation": data.get("organisation"),
            "outcome": data.get("outcome") or "",
            "since": data.get("since"),
            "until": data.get("until"),
        }
