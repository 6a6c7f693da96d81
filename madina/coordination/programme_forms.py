"""Forms of programmes, their items, the responsibility matrix, status updates and reviews."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from madina.actors.models import FocalPerson, Organisation
from madina.coordination.forms import DATE_INPUT
from madina.coordination.models import (
    EVIDENCE_MAX_BYTES,
    Programme,
    ProgrammeItem,
    Responsibility,
)
from madina.coordination.programme_services import (
    DUE_BEFORE_START,
    ITEM_FIELDS,
    ITEM_M2M,
    PERIOD_BACKWARDS,
    PROGRAMME_FIELDS,
)
from madina.core.concurrency import VersionField
from madina.core.forms import BootstrapMixin
from madina.core.uploads import EVIDENCE_KINDS, EvidenceFileField
from madina.initiatives.selectors import visible_initiatives


class ProgrammeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = list(PROGRAMME_FIELDS)
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "kind": forms.RadioSelect,
            "rollup": forms.RadioSelect,
        }

    def clean(self):
        # Said on the field before the model's check constraint says it above the form.
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", PERIOD_BACKWARDS)
        return cleaned


class ItemForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ProgrammeItem
        fields = [*ITEM_FIELDS, *ITEM_M2M]
        widgets = {
            "code": forms.TextInput(attrs={"dir": "ltr"}),
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "description": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "expected_result": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
            "indicators": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
            "start_date": DATE_INPUT,
            "due_date": DATE_INPUT,
            "initiatives": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "initiatives": _(
                "Initiatives of the registry that carry out this item. Hold Ctrl (or Cmd) to "
                "choose several on a computer."
            ),
        }

    def __init__(self, *args, programme: Programme, user, **kwargs):
        super().__init__(*args, **kwargs)
        parents = programme.items.exclude(kind=ProgrammeItem.Kind.MILESTONE)
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("code", "pk")
        self.fields["parent"].empty_label = _("at the top of the programme")
        self.fields["initiatives"].queryset = visible_initiatives(user).order_by("title", "pk")
        if self.instance.pk is not None:
            self.fields["version"] = VersionField(self.instance)
        self.style_widgets()

    def clean(self):
        # Said on the field before the model's check constraint says it above the form.
        cleaned = super().clean()
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", DUE_BEFORE_START)
        return cleaned

    def service_data(self) -> dict:
        """The item's values for the service, without the version the editor loaded."""
        return {key: value for key, value in self.cleaned_data.items() if key != "version"}


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} — {obj.organisation.name}"


class ResponsibilityForm(BootstrapMixin, forms.ModelForm):
    organisation = OrganisationChoiceField(
        label=_("organisation"), queryset=Organisation.objects.none()
    )
    contact = ContactChoiceField(
        label=_("contact person"),
        queryset=FocalPerson.objects.none(),
        required=False,
        help_text=_("Among the focal persons the organisation has made public."),
    )

    class Meta:
        model = Responsibility
        fields = ["organisation", "role", "scope", "contact"]
        widgets = {"scope": forms.TextInput(attrs={"dir": "auto"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True)
        self.fields["contact"].queryset = FocalPerson.objects.filter(
            is_public=True, organisation__is_active=True
        ).select_related("organisation")
        if self.instance.pk is not None:
            del self.fields["organisation"]
        self.style_widgets()


class StatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ProgrammeItem.Status.choices)
    progress = forms.IntegerField(
        label=_("progress (%)"), required=False, min_value=0, max_value=100
    )
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_(
            "Needed to drop the action, or to give it another status than late once its due "
            "date has passed."
        ),
    )

    def __init__(self, *args, has_parts: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if has_parts:
            del self.fields["progress"]
        self.style_widgets()


class ReviewForm(BootstrapMixin, forms.Form):
    decision = forms.TypedChoiceField(
        label=_("your answer"),
        choices=[("yes", _("It is done: approve")), ("no", _("Not yet: ask for changes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("Needed when you ask for changes: say what is missing."),
    )


class EvidenceForm(BootstrapMixin, forms.Form):
    """A file that shows the work was done; photos lose their metadata (GPS position) here."""

    file = EvidenceFileField(
        label=_("file"),
        kinds=EVIDENCE_KINDS,
        max_bytes=EVIDENCE_MAX_BYTES,
        strip_metadata=True,
    )
    title = forms.CharField(
        label=_("title"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("What the file shows, if its name does not say it."),
    )
