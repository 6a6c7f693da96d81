"""Forms of feedback: the public form (portal), staff entry, filters, lifecycle actions, teams and
"you said, we did". They present and check shapes; services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from madina.accounts.models import Membership, User
from madina.actors.forms import grouped_communes
from madina.actors.models import Organisation
from madina.core.forms import EVERY, BootstrapMixin
from madina.feedback.models import Feedback, YouSaidWeDid
from madina.feedback.services import SUBMIT_FIELDS, YOU_SAID_FIELDS
from madina.territory.models import Area

F = Feedback

# The types in plain words, as the sender would say it.
PLAIN_TYPES = [
    (F.Type.QUESTION, _("I have a question")),
    (F.Type.REQUEST, _("I want to ask for something or suggest an idea")),
    (F.Type.CONCERN, _("Something worries me")),
    (F.Type.COMPLAINT, _("I want to make a complaint")),
    (F.Type.PRAISE, _("I want to say thank you")),
    (F.Type.RUMOUR, _("I heard or saw something and want to tell you")),
]
PLAIN_ANSWER_BY = [
    (F.AnswerBy.STATUS_PAGE, _("I will check the answer on this site with my code")),
    (F.AnswerBy.PHONE, _("Call me back")),
    (F.AnswerBy.EMAIL, _("Write to me by e-mail")),
    (F.AnswerBy.NONE, _("I do not need an answer")),
]
PUBLIC_LANGUAGES = [
    (F.Language.ARABIC, _("Arabic")),
    (F.Language.DARIJA, _("Moroccan Arabic (Darija)")),
    (F.Language.TARIFIT, _("Tarifit (Amazigh)")),
    (F.Language.FRENCH, _("French")),
    (F.Language.ENGLISH, _("English")),
    (F.Language.SPANISH, _("Spanish")),
    (F.Language.OTHER, _("another language")),
]


def _communes(field: forms.ModelChoiceField, empty_label) -> None:
    communes = Area.objects.current().communes()
    field.queryset = communes
    field.widget.choices = [("", empty_label), *grouped_communes(communes)]


def _organisations_field(field: forms.ModelChoiceField, queryset, empty_label) -> None:
    field.queryset = queryset
    field.widget.choices = [
        ("", empty_label),
        *sorted(((o.pk, o.name) for o in queryset), key=lambda item: item[1]),
    ]


class GiveFeedbackForm(forms.Form):
    """The public form: anonymous, in plain words. Styled by portal.css, not Bootstrap."""

    type = forms.ChoiceField(
        label=_("What would you like to do?"), choices=PLAIN_TYPES, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(
        label=_("What is it about?"), choices=[("", "—"), *F.Category.choices]
    )
    message = forms.CharField(
        label=_("Your message"),
        help_text=_(
            "At most 4,000 characters. You do not have to give your name. Do not write "
            "other people's names unless it is needed."
        ),
        widget=forms.Textarea(attrs={"rows": 7}),
        # Length is checked by the service, with a message that says how long the text is.
        strip=False,
    )
    is_sensitive = forms.BooleanField(
        label=_(
            "This is about abuse or exploitation by a worker, fraud, or a threat to "
            "someone's safety."
        ),
        help_text=_(
            "Then only a small trained team of the organisation you choose (or of the "
            "coordination) will read it. It never appears in any public figure or list."
        ),
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("To which organisation? (optional)"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("If you do not know, leave it empty: the coordination will pass it on."),
    )
    commune = forms.ModelChoiceField(
        label=_("In which commune? (optional)"), queryset=Area.objects.none(), required=False
    )
    language = forms.ChoiceField(
        label=_("In which language should we answer?"), choices=PUBLIC_LANGUAGES
    )
    answer_by = forms.ChoiceField(
        label=_("How do you want to get the answer?"),
        choices=PLAIN_ANSWER_BY,
        widget=forms.RadioSelect,
        initial=F.AnswerBy.STATUS_PAGE,
    )
    contact = forms.CharField(
        label=_("Your phone number or e-mail address (only if you want us to contact you)"),
        required=False,
        help_text=_("Only the people answering you will see it."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        strip=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _organisations_field(
            self.fields["organisation"],
            Organisation.objects.filter(is_active=True),
            _("The coordination (I do not know)"),
        )
        _communes(self.fields["commune"], _("I prefer not to say"))
        language = (get_language() or "fr")[:2]
        if language in F.Language.values:
            self.fields["language"].initial = language
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"

    def submission(self) -> dict:
        return {key: self.cleaned_data.get(key) for key in SUBMIT_FIELDS}


class StatusForm(forms.Form):
    code = forms.CharField(
        label=_("Your code"),
        max_length=32,
        help_text=_("The code you were given, for example ACDEF-GHJKM."),
        widget=forms.TextInput(
            attrs={
                "dir": "ltr",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "aria-describedby": "id_code_helptext",
            }
        ),
    )


# --- Staff ---------------------------------------------------------------------------------------


class EntryForm(BootstrapMixin, forms.Form):
    """Feedback received by phone, WhatsApp, at a desk or in a box, entered by staff."""

    channel = forms.ChoiceField(
        label=_("channel"), choices=[c for c in F.Channel.choices if c[0] != F.Channel.PORTAL]
    )
    type = forms.ChoiceField(label=_("type"), choices=F.Type.choices)
    category = forms.ChoiceField(label=_("subject"), choices=F.Category.choices)
    organisation = forms.ModelChoiceField(
        label=_("addressed to"), queryset=Organisation.objects.none(), required=False
    )
    commune = forms.ModelChoiceField(
        label=_("commune"), queryset=Area.objects.none(), required=False
    )
    language = forms.ChoiceField(label=_("language"), choices=F.Language.choices)
    message = forms.CharField(
        label=_("message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("At most 4,000 characters. Write what the person said, not who they are."),
    )
    answer_by = forms.ChoiceField(
        label=_("how to answer"), choices=F.AnswerBy.choices, initial=F.AnswerBy.NONE
    )
    contact = forms.CharField(
        label=_("phone number or e-mail address"),
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    is_sensitive = forms.BooleanField(label=_("sensitive"), required=False)
    sensitive_kind = forms.ChoiceField(
        label=_("kind of sensitive matter"),
        choices=[("", "—"), *F.SensitiveKind.choices],
        required=False,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        _organisations_field(self.fields["organisation"], organisations, _("the coordination"))
        _communes(self.fields["commune"], "—")
        self.style_widgets()

    def entry(self) -> dict:
        return dict(self.cleaned_data)


class FilterForm(BootstrapMixin, forms.Form):
    type = forms.ChoiceField(label=_("type"), required=False)
    category = forms.ChoiceField(label=_("subject"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False)
    commune = forms.ModelChoiceField(
        label=_("commune"), queryset=Area.objects.none(), required=False
    )
    sensitive = forms.ChoiceField(
        label=_("sensitive"),
        required=False,
        choices=[
            ("", _("sensitive or not")),
            ("yes", _("sensitive only")),
            ("no", _("not sensitive")),
        ],
    )

    def __init__(self, *args, show_sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", EVERY["type"]), *F.Type.choices]
        self.fields["category"].choices = [("", _("all subjects")), *F.Category.choices]
        self.fields["status"].choices = [("", EVERY["status"]), *F.Status.choices]
        _communes(self.fields["commune"], EVERY["commune"])
        if not show_sensitive:
            del self.fields["sensitive"]
        self.style_widgets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class AssignForm(BootstrapMixin, forms.Form):
    assignee = forms.ModelChoiceField(label=_("person"), queryset=User.objects.none())
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users
        self.fields["assignee"].label_from_instance = lambda user: (
            user.get_full_name() or user.email
        )
        self.style_widgets()


class AnswerForm(BootstrapMixin, forms.Form):
    response = forms.CharField(
        label=_("answer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Shown on the status page to whoever has the code: no names, no personal details."
        ),
    )
    channel = forms.ChoiceField(label=_("answered by"), choices=F.ResponseChannel.choices)


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferForm(BootstrapMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("refer to"), queryset=Organisation.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("why, for the organisation receiving it"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _organisations_field(
            self.fields["organisation"],
            Organisation.objects.filter(is_active=True),
            _("the coordination"),
        )
        self.style_widgets()


class SensitiveForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("kind of sensitive matter"), choices=F.SensitiveKind.choices, required=False
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TeamMemberForm(BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("person"), queryset=User.objects.none())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is None:
            users = User.objects.filter(
                is_active=True,
                platform_role__in=[User.PlatformRole.COORDINATOR, User.PlatformRole.ADMIN],
            )
        else:
            members = Membership.objects.active().filter(organisation=organisation)
            users = User.objects.filter(is_active=True, pk__in=members.values("user_id"))
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda user: user.get_full_name() or user.email
        self.style_widgets()


class YouSaidForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = YouSaidWeDid
        fields = list(YOU_SAID_FIELDS)
        widgets = {
            "done_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in YOU_SAID_FIELDS
                if name.startswith(("said_", "did_"))
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in ("ar",):
            for prefix in ("said", "did"):
                self.fields[f"{prefix}_{code}"].widget.attrs["dir"] = "rtl"
        self.style_widgets()

    def entry(self) -> dict:
        return {key: self.cleaned_data[key] for key in YOU_SAID_FIELDS}
