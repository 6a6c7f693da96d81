"""The portal's filter forms: plain GET forms that anyone can fill in on a phone.

They only validate and say what to filter by; an invalid value is ignored rather than shown as an
error, so that an old or hand-made link still gives a list.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from madina.actors.forms import grouped_communes
from madina.coordination.models import Space
from madina.directory.models import Language, Service
from madina.meetings.models import Recommendation
from madina.territory.models import Area


class Need:
    """What a person looks for, in their words, and the directory's types that answer it.

    ``protection`` also takes the specialised cells for women and children victims of violence,
    whatever their type.
    """

    HEALTH = "health"
    LEGAL = "legal"
    SHELTER = "shelter"
    SCHOOL = "school"
    WORK = "work"
    DOCUMENTS = "documents"
    PROTECTION = "protection"

    choices = [
        (HEALTH, _("Health (care, psychological support)")),
        (LEGAL, _("Legal help")),
        (SHELTER, _("Shelter")),
        (SCHOOL, _("School and training")),
        (WORK, _("Work")),
        (DOCUMENTS, _("Documents (birth, identity)")),
        (PROTECTION, _("Protection (violence, police, justice)")),
    ]
    types = {
        HEALTH: [Service.Type.MEDICAL, Service.Type.PSYCHOSOCIAL],
        LEGAL: [Service.Type.LEGAL],
        SHELTER: [Service.Type.SHELTER],
        SCHOOL: [Service.Type.EDUCATION],
        WORK: [Service.Type.LIVELIHOOD],
        DOCUMENTS: [Service.Type.DOCUMENTATION],
        PROTECTION: [Service.Type.POLICE_JUSTICE],
    }

    @classmethod
    def q(cls, need: str) -> Q:
        condition = Q(type__in=cls.types[need])
        if need == cls.PROTECTION:
            condition |= Q(is_specialised_cell=True)
        return condition


def communes_with_services():
    """The communes where an active service is based or that one serves: the only useful ones."""
    # Two subqueries, not a join of both relations with DISTINCT: that join multiplied every
    # commune's served services by its based ones (18 s with 5,000 services, issue 8).
    served = Service.communes_served.through.objects.filter(service__is_active=True)
    based = Service.objects.filter(is_active=True, commune__isnull=False)
    return (
        Area.objects.current()
        .communes()
        .filter(Q(pk__in=served.values("area_id")) | Q(pk__in=based.values("commune_id")))
    )


class ServiceFinderForm(forms.Form):
    need = forms.ChoiceField(label=_("What do you need?"), required=False)
    commune = forms.ModelChoiceField(
        label=_("Where?"),
        required=False,
        queryset=Area.objects.none(),
        help_text=_("Services in this commune or that serve it."),
    )
    language = forms.ChoiceField(label=_("In which language?"), required=False)
    free = forms.BooleanField(label=_("Free of charge only"), required=False)
    without_papers = forms.BooleanField(
        label=_("Only services that help people without papers"),
        required=False,
        help_text=_("Without an identity document or a residence permit."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", _("Any need")), *Need.choices]
        self.fields["language"].choices = [("", _("Any language")), *Language.choices]
        communes = communes_with_services()
        self.fields["commune"].queryset = communes
        self.fields["commune"].widget.choices = [
            ("", _("Any commune")),
            *grouped_communes(communes),
        ]

    def filters(self) -> dict:
        """What to filter by; a value that does not validate is dropped, not reported."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "need": data.get("need") or "",
            "commune": data.get("commune"),
            "language": data.get("language") or "",
            "free": bool(data.get("free")),
            "without_papers": bool(data.get("without_papers")),
        }


PUBLIC_STATES = [
    (value, label) for value, label in Recommendation.State.choices if value != "draft"
]


class RecommendationFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Where it stands"), required=False)
    space = forms.ModelChoiceField(
        label=_("Coordination space"), required=False, queryset=Space.objects.none()
    )

    def __init__(self, *args, spaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Any state")), *PUBLIC_STATES]
        self.fields["space"].queryset = spaces
        self.fields["space"].empty_label = _("Any space")

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"state": data.get("state") or "", "space": data.get("space")}
