from django import forms
from django.utils.translation import gettext_lazy as _

from madina.territory.models import Area


class AreaSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search a place"),
        required=False,
        max_length=100,
        strip=True,
        help_text=_("In Arabic or French, with any spelling: بني انصار, Beni Ansar, Bni Ansar…"),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("all levels")), *Area.Level.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
