"""Forms of meetings and recommendations. They validate and present; the services write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madina.actors.models import Organisation, Sector
from madina.coordination.forms import _area_choices
from madina.coordination.models import ProgrammeItem, Space
from madina.core.forms import EVERY, BootstrapMixin
from madina.core.uploads import EVIDENCE_KINDS, EvidenceFileField
from madina.meetings import selectors, services
from madina.meetings.models import (
    FILE_MAX_BYTES,
    AgendaItem,
    Invitation,
    Meeting,
    Minutes,
    MinutesFile,
    Recommendation,
    RecommendationUpdate,
    Registration,
    Session,
    Speaker,
)
from madina.territory.models import Area

DATETIME_INPUT = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TEXT = {"dir": "auto"}
# Whole labels, not "Title in %(language)s": each language declines the name of another its way.
TRANSLATION_LABELS = {
    "ar": (_("Title in Arabic"), _("Text in Arabic")),
    "fr": (_("Title in French"), _("Text in French")),
    "en": (_("Title in English"), _("Text in English")),
    # Recommendations are shown on the public portal, which also speaks Spanish.
    "es": (_("Title in Spanish"), _("Text in Spanish")),
}


def _organisations():
    return Organisation.objects.filter(is_active=True).order_by("name_fr", "name_ar")


class MeetingForm(BootstrapMixin, forms.ModelForm):
    space = forms.ModelChoiceField(label=_("coordination space"), queryset=Space.objects.none())
    online_url = forms.URLField(
        label=Meeting._meta.get_field("online_url").verbose_name,
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Meeting
        fields = ["space", *services.MEETING_FIELDS, *services.MEETING_M2M]
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "description": forms.Textarea(attrs={"rows": 3, **TEXT}),
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "address": forms.TextInput(attrs=TEXT),
            "co_organisers": forms.SelectMultiple(attrs={"size": 6}),
            "mode": forms.RadioSelect,
        }
        help_texts = {
            "co_organisers": _("Hold Ctrl (or Cmd) to choose several on a computer."),
            "address": _("The building and the street, as participants will look for it."),
        }

    def __init__(self, *args, spaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["space"]
        else:
            self.fields["space"].queryset = spaces if spaces is not None else Space.objects.none()
        communes = Area.objects.current().communes().order_by("code")
        self.fields["commune"].queryset = communes
        self.fields["commune"].widget.choices = [("", "—"), *_area_choices(communes)]
        self.fields["organiser"].queryset = _organisations()
        self.fields["co_organisers"].queryset = _organisations()
        self.fields["reserved_places"].required = False
        for name in ("capacity", "reserved_places"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self.style_widgets()

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return cleaned

    def service_data(self) -> dict:
        data = {key: self.cleaned_data[key] for key in services.MEETING_FIELDS}
        data["co_organisers"] = list(self.cleaned_data["co_organisers"])
        return data


class AgendaItemForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = list(services.AGENDA_FIELDS)
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "description": forms.Textarea(attrs={"rows": 2, **TEXT}),
        }

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        parents = meeting.agenda_items.all()
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["order"].required = False
        self.style_widgets()


class SessionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = list(services.SESSION_FIELDS)
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "description": forms.Textarea(attrs={"rows": 2, **TEXT}),
        }

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        self.fields["order"].required = False
        self.style_widgets()


class SpeakerForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Speaker
        fields = list(services.SPEAKER_FIELDS)
        widgets = {
            "name": forms.TextInput(attrs=TEXT),
            "position": forms.TextInput(attrs=TEXT),
            "bio": forms.Textarea(attrs={"rows": 3, **TEXT}),
        }
        help_texts = {
            "name": _(
                "Speakers are shown wherever the meeting is. A role (for example “the project "
                "coordinator”) will do when the person prefers not to be named."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["affiliation"].queryset = _organisations()
        self.fields["order"].required = False
        self.style_widgets()


class AttendanceRowForm(BootstrapMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.none(), required=False
    )
    women = forms.IntegerField(
        label=_("women"), min_value=0, max_value=services.MAX_ATTENDANCE, required=False
    )
    men = forms.IntegerField(
        label=_("men"), min_value=0, max_value=services.MAX_ATTENDANCE, required=False
    )
    other = forms.IntegerField(
        label=_("other or not said"),
        min_value=0,
        max_value=services.MAX_ATTENDANCE,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()
        for name in ("women", "men", "other"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "form-control"})
        self.style_widgets()


class BaseAttendanceFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            organisation = form.cleaned_data.get("organisation") if form.cleaned_data else None
            if organisation is None:
                counts = [form.cleaned_data.get(k) for k in ("women", "men", "other")]
                if any(counts):
                    form.add_error(
                        "organisation",
                        _("Choose the organisation of each row that counts people."),
                    )
                continue
            if organisation.pk in seen:
                form.add_error("organisation", _("This organisation is already on another row."))
            seen.add(organisation.pk)

    def rows(self) -> list[dict]:
        return [
            {
                "organisation": form.cleaned_data.get("organisation"),
                "women": form.cleaned_data.get("women") or 0,
                "men": form.cleaned_data.get("men") or 0,
                "other": form.cleaned_data.get("other") or 0,
            }
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("organisation")
        ]


AttendanceFormSet = forms.formset_factory(
    AttendanceRowForm, formset=BaseAttendanceFormSet, extra=2, max_num=300, validate_max=True
)


def attendance_initial(meeting: Meeting) -> list[dict]:
    """One row per organisation already counted; then, for check-in, each registered
    organisation with the people it registered; then the space's members not yet counted."""
    rows = [
        {"organisation": row.organisation, "women": row.women, "men": row.men, "other": row.other}
        for row in meeting.attendance.select_related("organisation")
    ]
    counted = {row["organisation"].pk for row in rows}
    registrations = Registration.objects.filter(
        invitation__meeting=meeting, invitation__state=Invitation.State.ACCEPTED
    ).select_related("invitation__organisation")
    for registration in registrations.order_by(
        "invitation__organisation__name_fr", "invitation__organisation__name_ar"
    ):
        organisation = registration.invitation.organisation
        if organisation.pk not in counted:
            counted.add(organisation.pk)
            rows.append(
                {
                    "organisation": organisation,
                    "women": registration.women,
                    "men": registration.men,
                    "other": registration.other,
                }
            )
    expected = [meeting.organiser, *meeting.co_organisers.all()]
    expected += [
        m.organisation for m in meeting.space.members.current().select_related("organisation")
    ]
    for organisation in expected:
        if organisation.pk not in counted:
            counted.add(organisation.pk)
            rows.append({"organisation": organisation, "women": None, "men": None, "other": None})
    return rows


class MinutesForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Minutes
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12, **TEXT})}
        help_texts = {
            "text": _(
                "What was presented, said and decided. The organisations present come from the "
                "attendance. Do not name participants who did not agree to it."
            )
        }


class MinutesFileForm(BootstrapMixin, forms.Form):
    """A document or a photo of the minutes; photos lose their metadata (GPS position)."""

    kind = forms.ChoiceField(
        label=MinutesFile._meta.get_field("kind").verbose_name,
        choices=MinutesFile.Kind.choices,
        initial=MinutesFile.Kind.DOCUMENT,
        widget=forms.RadioSelect,
    )
    file = EvidenceFileField(
        label=MinutesFile._meta.get_field("file").verbose_name,
        kinds=EVIDENCE_KINDS,
        max_bytes=FILE_MAX_BYTES,
        strip_metadata=True,
    )
    title = forms.CharField(
        label=MinutesFile._meta.get_field("title").verbose_name,
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("What it shows. Do not name people who did not agree to it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class RecommendationForm(BootstrapMixin, forms.ModelForm):
    state = forms.ChoiceField(
        label=_("state"),
        choices=[(s, Recommendation.State(s).label) for s in services.INITIAL_STATES],
        initial=Recommendation.State.ADOPTED,
        help_text=_("Adopted when the meeting agreed on it; a draft while it is being written."),
    )

    class Meta:
        model = Recommendation
        fields = [
            "session",
            "title",
            "text",
            "language",
            "theme",
            "addressees",
            "priority",
            "is_public",
        ]
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "text": forms.Textarea(attrs={"rows": 4, **TEXT}),
            "addressees": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {"addressees": _("Hold Ctrl (or Cmd) to choose several on a computer.")}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        if self.instance.pk is not None:
            del self.fields["state"]
        self.fields["session"].queryset = meeting.sessions.all()
        self.fields["theme"].queryset = selectors.themes()
        self.fields["addressees"].queryset = _organisations()
        if meeting.space.visibility != Space.Visibility.PUBLIC:
            del self.fields["is_public"]
        saved = self.instance.translations if isinstance(self.instance.translations, dict) else {}
        for code, language in settings.LANGUAGES:
            title_label, text_label = TRANSLATION_LABELS.get(code, (language, language))
            self.fields[f"translation_title_{code}"] = forms.CharField(
                label=title_label,
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"dir": "auto", "lang": code}),
            )
            self.fields[f"translation_text_{code}"] = forms.CharField(
                label=text_label,
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "lang": code}),
            )
            if not self.is_bound:
                translation = saved.get(code) if isinstance(saved.get(code), dict) else {}
                self.initial[f"translation_title_{code}"] = translation.get("title", "")
                self.initial[f"translation_text_{code}"] = translation.get("text", "")
        self.style_widgets()

    def translation_fields(self):
        return [
            (code, language, [self[f"translation_title_{code}"], self[f"translation_text_{code}"]])
            for code, language in settings.LANGUAGES
        ]

    def clean(self):
        cleaned = super().clean()
        for code, _language in settings.LANGUAGES:
            if cleaned.get(f"translation_text_{code}") and not cleaned.get(
                f"translation_title_{code}"
            ):
                self.add_error(
                    f"translation_title_{code}",
                    _("Give the title too when you translate the text."),
                )
        return cleaned

    def service_data(self) -> dict:
        data = {
            key: value
            for key, value in self.cleaned_data.items()
            if not key.startswith("translation_")
        }
        data["addressees"] = list(data["addressees"])
        data["translations"] = {
            code: {
                "title": self.cleaned_data.get(f"translation_title_{code}", ""),
                "text": self.cleaned_data.get(f"translation_text_{code}", ""),
            }
            for code, _language in settings.LANGUAGES
            if self.cleaned_data.get(f"translation_title_{code}")
        }
        return data


class UpdateForm(BootstrapMixin, forms.Form):
    """A dated update of a recommendation, with a new state when one is chosen."""

    state = forms.ChoiceField(label=_("new state"), required=False)
    justification = forms.CharField(
        label=_("justification"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, **TEXT}),
        help_text=_("Needed to reject a recommendation or to say it was not implemented."),
    )
    text = forms.CharField(
        label=_("what happened"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4, **TEXT}),
    )
    on = forms.DateField(label=_("date"), widget=DATE_INPUT)
    evidence_url = forms.URLField(
        label=RecommendationUpdate._meta.get_field("evidence_url").verbose_name,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    evidence_note = forms.CharField(
        label=RecommendationUpdate._meta.get_field("evidence_note").verbose_name,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, **TEXT}),
        help_text=_("For example: the decision of the communal council, its number and date."),
    )
    evidence_file = EvidenceFileField(
        label=RecommendationUpdate._meta.get_field("evidence_file").verbose_name,
        required=False,
        kinds=EVIDENCE_KINDS,
        max_bytes=FILE_MAX_BYTES,
        strip_metadata=True,
    )

    def __init__(self, *args, recommendation, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        allowed = services.allowed_states(recommendation)
        self.fields["state"].choices = [
            ("", _("no change of state")),
            *[(state, Recommendation.State(state).label) for state in allowed],
        ]
        self.style_widgets()

    def clean(self):
        cleaned = super().clean()
        state = cleaned.get("state")
        if (
            state in services.NEEDS_JUSTIFICATION
            and not (cleaned.get("justification") or "").strip()
        ):
            self.add_error("justification", _("Say why: this state needs a justification."))
        if not state and not (cleaned.get("text") or "").strip():
            self.add_error("text", _("Say what happened."))
        return cleaned


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} — {obj.programme.title} ({obj.programme.space.name})"


class ActionLinkForm(BootstrapMixin, forms.Form):
    """Choose an action, among those the user may see, that carries out the recommendation."""

    action = ActionChoiceField(
        label=_("action of a programme"),
        queryset=ProgrammeItem.objects.none(),
        help_text=_("Only the actions of programmes you may see are offered."),
    )

    def __init__(self, *args, user, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = selectors.linkable_actions(user, recommendation)
        self.style_widgets()


class MeetingFilterForm(BootstrapMixin, forms.Form):
    when = forms.ChoiceField(
        label=_("when"),
        required=False,
        choices=[("upcoming", _("upcoming")), ("past", _("past")), ("all", _("all dates"))],
    )
    space = forms.ModelChoiceField(
        label=_("coordination space"), required=False, queryset=Space.objects.none()
    )
    mine = forms.BooleanField(label=_("Only the spaces I take part in"), required=False)

    def __init__(self, *args, spaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = spaces
        self.fields["space"].empty_label = _("all spaces")
        self.style_widgets()

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        when = data.get("when") or "upcoming"
        return {
            "when": "" if when == "all" else when,
            "space": data.get("space"),
            "mine": bool(data.get("mine")),
        }


class RecommendationFilterForm(BootstrapMixin, forms.Form):
    theme = forms.ModelChoiceField(label=_("theme"), required=False, queryset=Sector.objects.none())
    addressee = forms.ModelChoiceField(
        label=_("addressed to"), required=False, queryset=Organisation.objects.none()
    )
    state = forms.ChoiceField(label=_("state"), required=False)

    def __init__(self, *args, addressees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = selectors.themes()
        self.fields["theme"].empty_label = EVERY["sector"]
        self.fields["addressee"].queryset = addressees
        self.fields["addressee"].empty_label = EVERY["organisation"]
        self.fields["state"].choices = [("", _("every state")), *Recommendation.State.choices]
        self.style_widgets()

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "theme": data.get("theme"),
            "addressee": data.get("addressee"),
            "state": data.get("state") or "",
        }
