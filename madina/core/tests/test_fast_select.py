"""Selects whose options are written in Python give exactly the markup of Django's templates."""

import re

import pytest
from django import forms

from madina.core.forms import BootstrapMixin, FastSelect, FastSelectMultiple

CHOICES = [
    ("", "— toutes —"),
    ("1", 'Nador <b>&"'),
    ("Groupe", [("2", "بني أنصار"), ("3", "Trois")]),
    (4, "Quatre"),
]
ATTRS = {"class": "form-select", "required": True, "aria-invalid": "true", "data-off": False}


def _django(html: str) -> str:
    """Django's templates put each option on its own line; the markup is otherwise the same."""
    return re.sub(r"\s*\n\s*", "", html)


@pytest.mark.parametrize(
    ("plain", "fast", "value"),
    [(forms.Select, FastSelect, "2"), (forms.SelectMultiple, FastSelectMultiple, ["1", "3"])],
)
def test_the_markup_is_django_s_own(plain, fast, value):
    expected = _django(plain(choices=CHOICES, attrs=ATTRS).render("f", value, {"id": "id_f"}))
    assert fast(choices=CHOICES, attrs=ATTRS).render("f", value, {"id": "id_f"}) == expected
    assert "&lt;b&gt;&amp;&quot;" in expected  # labels escaped


class _Form(BootstrapMixin, forms.Form):
    plain = forms.ChoiceField(choices=CHOICES)
    several = forms.MultipleChoiceField(choices=CHOICES)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)


def test_the_form_layer_swaps_plain_selects_only():
    form = _Form()
    assert type(form.fields["plain"].widget) is FastSelect
    assert type(form.fields["several"].widget) is FastSelectMultiple
    assert type(form.fields["radio"].widget) is forms.RadioSelect
    assert 'class="form-select"' in str(form["plain"])
