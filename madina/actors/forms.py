"""Forms of the actors registry. They validate and present; the services write."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from madina.accounts.models import Membership
from madina.accounts.rules import is_coordinator
from madina.actors.models import FocalPerson, Organisation, Sector
from madina.actors.services import FOCAL_PERSON_FIELDS, ORGANISATION_FIELDS, ORGANISATION_M2M
from madina.actors.validators import validate_iati_ref
from madina.core.forms import EVERY, BootstrapMixin
from madina.territory.models import Area

PHONE_INVALID = _("Enter a valid phone number, for example 0536 60 00 00 or +212 536 60 00 00.")
EMAIL_INVALID = _("Enter a valid e-mail address, for example name@example.org.")
URL_INVALID = _("Enter a valid web address, for example https://www.example.org.")
NAME_REQUIRED = _("Give the name of the organisation in at least one language.")
SECTOR_REQUIRED = _("Say which sector of government this public institution belongs to.")


def _phone_field(label) -> PhoneNumberField:
    return PhoneNumberField(
        label=label,
        region="MA",
        required=False,
        error_messages={"invalid": PHONE_INVALID},
        help_text=_("A Moroccan number, or any number with its international prefix."),
    )


def grouped_communes(queryset) -> list[tuple[str, list[tuple[int, str]]]]:
    """Communes as (province, [(pk, commune)…]) groups, for a select with optgroups."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for commune in queryset.select_related("parent"):
        province = commune.parent.name if commune.parent else ""
        groups[province].append((commune.pk, commune.name))
    return [
        (province, sorted(items, key=lambda item: item[1]))
        for province, items in sorted(groups.items())
    ]


class OrganisationForm(BootstrapMixin, forms.ModelForm):
    phone = _phone_field(_("phone"))
    website = forms.URLField(
        label=_("website"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": URL_INVALID},
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    confirm_twins = forms.BooleanField(
        label=_("This is a different organisation — save anyway"), required=False
    )

    class Meta:
        model = Organisation
        fields = [*ORGANISATION_FIELDS, *ORGANISATION_M2M]
        widgets = {
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_fr": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "mandate": forms.Textarea(attrs={"rows": 3}),
            "sectors": forms.CheckboxSelectMultiple,
            "communes_covered": forms.SelectMultiple(attrs={"size": 10}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "email": {"invalid": EMAIL_INVALID},
        }
        help_texts = {
            "communes_covered": _(
                "The communes where it works. Hold Ctrl (or Cmd) to choose several on a computer."
            ),
            "iati_ref": _("For example MA-RC-12345 or XM-DAC-41304. Leave empty if unknown."),
        }

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["iati_ref"].validators.append(validate_iati_ref)
        self.fields["sectors"].queryset = Sector.objects.filter(is_active=True)
        communes = Area.objects.current().communes()
        self.fields["communes_covered"].queryset = communes
        self.fields["communes_covered"].widget.choices = grouped_communes(communes)
        self.fields["commune"].queryset = communes
        self.fields["commune"].widget.choices = [("", "---------"), *grouped_communes(communes)]
        parents = Organisation.objects.all()
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
        if not is_coordinator(user):
            # Only coordinators (de)activate organisations or attach them anywhere; an
            # organisation admin files a branch under an organisation they administer.
            del self.fields["is_active"]
            administered = Membership.objects.active().filter(user=user, role=Membership.Role.ADMIN)
            keep = parents.filter(pk__in=administered.values("organisation_id"))
            if self.instance.parent_id:
                keep = keep | parents.filter(pk=self.instance.parent_id)
            parents = keep
            if creating:
                self.fields["parent"].required = True
                self.fields["parent"].help_text = _(
                    "You may register a branch of an organisation you administer."
                )
        self.fields["parent"].queryset = parents
        if not creating:
            del self.fields["confirm_twins"]
        self.style_widgets()

    def clean(self):
        cleaned = super().clean()
        names = [cleaned.get(key, "").strip() for key in ("name_ar", "name_fr", "name_en")]
        if not any(names) and "name_ar" not in self.errors:
            self.add_error("name_ar", NAME_REQUIRED)
        if cleaned.get("type") == Organisation.Type.PUBLIC_INSTITUTION and not cleaned.get(
            "institution_sector"
        ):
            self.add_error("institution_sector", SECTOR_REQUIRED)
        return cleaned

    def service_data(self) -> dict:
        """The cleaned values the service takes (everything but the confirmation box)."""
        return {key: value for key, value in self.cleaned_data.items() if key != "confirm_twins"}


class FocalPersonForm(BootstrapMixin, forms.ModelForm):
    phone = _phone_field(_("phone"))

    class Meta:
        model = FocalPerson
        fields = list(FOCAL_PERSON_FIELDS)
        error_messages = {"email": {"invalid": EMAIL_INVALID}}
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class OrganisationFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("A name or an acronym, in Arabic or in Latin letters, in any spelling."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    type = forms.ChoiceField(label=_("type"), required=False)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", EVERY["type"]), *Organisation.Type.choices]
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True)
        self.fields["province"].queryset = Area.objects.current().provinces()
        communes = Area.objects.current().communes()
        self.fields["commune"].queryset = communes
        choices = grouped_communes(communes)
        self.fields["commune"].widget.choices = [("", EVERY["commune"]), *choices]
        self.style_widgets()

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.organisation_list``; invalid values are ignored."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "type": data.get("type") or "",
            "sector": data.get("sector"),
            "province": data.get("province"),
            "commune": data.get("commune"),
        }
