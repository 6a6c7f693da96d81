"""Forms of coordination spaces. They validate and present; the services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from madina.actors.models import FocalPerson, Organisation
from madina.coordination.models import Space, SpaceMember, SpaceRole
from madina.coordination.selectors import visible_spaces
from madina.coordination.services import MEMBER_FIELDS, SPACE_FIELDS, SPACE_M2M
from madina.core.forms import EVERY, BootstrapMixin
from madina.territory.models import Area

NAME_REQUIRED = _("Give the name of the space in at least one language.")
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _area_choices(queryset) -> list[tuple[str, list[tuple[int, str]]]]:
    """Areas grouped by level (region, provinces, then communes by province)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for area in queryset.select_related("parent"):
        if area.level == Area.Level.COMMUNE and area.parent is not None:
            label = area.parent.name
        else:
            label = str(Area.Level(area.level).label).capitalize()
        groups.setdefault(label, []).append((area.pk, area.name))
    return [(label, sorted(items, key=lambda item: item[1])) for label, items in groups.items()]


def _areas():
    return Area.objects.current().order_by("level", "code")


class SpaceForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Space
        fields = [*SPACE_FIELDS, *SPACE_M2M]
        widgets = {
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_fr": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "purpose_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl", "lang": "ar"}),
            "purpose_fr": forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "fr"}),
            "purpose_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "en"}),
            "composition": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "decision_making": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "territory": forms.SelectMultiple(attrs={"size": 8}),
            "created_on": DATE_INPUT,
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "territory": _(
                "The region, provinces or communes the space covers. Hold Ctrl (or Cmd) to "
                "choose several on a computer."
            ),
            "visibility": _(
                "Public: everyone sees the space and its members. Private but transparent: every "
                "signed-in user sees the space and its members; its work only those who take "
                "part. Private: only those who take part see it."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parents = visible_spaces(user)
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        areas = _areas()
        self.fields["territory"].queryset = areas
        self.fields["territory"].widget.choices = _area_choices(areas)
        self.style_widgets()

    def clean(self):
        cleaned = super().clean()
        names = [cleaned.get(key, "").strip() for key in ("name_ar", "name_fr", "name_en")]
        if not any(names) and "name_ar" not in self.errors:
            self.add_error("name_ar", NAME_REQUIRED)
        return cleaned


class CloseForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Space
        fields = ["closed_on", "closing_reason"]
        widgets = {
            "closed_on": DATE_INPUT,
            "closing_reason": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].required = True
        self.fields["closing_reason"].required = True
        self.style_widgets()


class MemberForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SpaceMember
        fields = [*MEMBER_FIELDS, "delegates"]
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "delegates": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True)
        delegates = FocalPerson.objects.filter(is_public=True)
        if self.instance.pk is not None:
            # The organisation of a seat does not change: add another member instead.
            del self.fields["organisation"]
            delegates = delegates.filter(organisation_id=self.instance.organisation_id)
            self.fields["delegates"].queryset = delegates
        else:
            del self.fields["delegates"]
        self.style_widgets()


class EndMemberForm(BootstrapMixin, forms.Form):
    end_date = forms.DateField(label=_("member until"), widget=DATE_INPUT)


class RoleForm(BootstrapMixin, forms.Form):
    email = forms.EmailField(
        label=_("e-mail address of the person"),
        help_text=_("The address they sign in with."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("role"), choices=SpaceRole.Role.choices)


class SpaceFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("A name or an acronym, in Arabic or in Latin letters, in any spelling."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    type = forms.ChoiceField(label=_("type of space"), required=False)
    area = forms.ModelChoiceField(
        label=_("territory"), required=False, queryset=Area.objects.none()
    )
    visibility = forms.ChoiceField(label=_("visibility"), required=False)
    mine = forms.BooleanField(label=_("Only the spaces I take part in"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", EVERY["type"]), *Space.Type.choices]
        self.fields["visibility"].choices = [
            ("", _("every visibility")),
            *Space.Visibility.choices,
        ]
        areas = _areas()
        self.fields["area"].queryset = areas
        self.fields["area"].widget.choices = [("", _("the whole territory")), *_area_choices(areas)]
        self.style_widgets()

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.space_list``; invalid values are ignored."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "type": data.get("type") or "",
            "visibility": data.get("visibility") or "",
            "area": data.get("area"),
            "mine": bool(data.get("mine")),
        }
