"""Form validation, with its messages in the user's language."""

import pytest
from django.utils import translation

from madina.actors.forms import FocalPersonForm, OrganisationForm

pytestmark = pytest.mark.django_db


def _form(cast, **data):
    return OrganisationForm(
        data={"name_fr": "Association", "type": "cso", **data}, user=cast.coordinator, creating=True
    )


def test_a_moroccan_number_without_prefix_is_accepted(cast):
    form = _form(cast, phone="0661 23 45 67")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"].as_e164 == "+212661234567"


@pytest.mark.parametrize(
    ("language", "phone_error", "email_error"),
    [
        (
            "fr",
            "Saisissez un numéro de téléphone valide, par exemple 0536 60 00 00 ou "
            "+212 536 60 00 00.",
            "Saisissez une adresse e-mail valide, par exemple nom@example.org.",
        ),
        (
            "ar",
            "أدخل رقم هاتف صحيحًا، مثلًا 0536600000 أو ‎+212536600000.",
            "أدخل عنوان بريد إلكتروني صحيحًا، مثلًا name@example.org.",
        ),
    ],
)
def test_invalid_phone_and_email_get_translated_errors(cast, language, phone_error, email_error):
    with translation.override(language):
        form = _form(cast, phone="12-ab", email="nobody@")
        assert not form.is_valid()
        assert form.errors["phone"] == [phone_error]
        assert form.errors["email"] == [email_error]


def test_focal_person_phone_error_in_french(cast):
    with translation.override("fr"):
        form = FocalPersonForm(data={"full_name": "A", "role": "B", "phone": "999"})
        assert not form.is_valid()
        assert form.errors["phone"][0].startswith("Saisissez un numéro de téléphone valide")


def test_names_required_error_in_french(cast):
    with translation.override("fr"):
        form = OrganisationForm(data={"type": "cso"}, user=cast.coordinator, creating=True)
        assert not form.is_valid()
        assert form.errors["name_ar"] == [
            "Indiquez le nom de l’organisation dans au moins une langue."
        ]


@pytest.mark.parametrize("ref", ["MA-RC-12345", "XM-DAC-41304", "GB-CHC-202918"])
def test_well_formed_iati_refs(cast, ref):
    assert _form(cast, iati_ref=ref).is_valid()


@pytest.mark.parametrize("ref", ["12345", "ma-rc-1", "MAR-1", "MA-", "MA RC 1"])
def test_malformed_iati_refs(cast, ref):
    with translation.override("fr"):
        form = _form(cast, iati_ref=ref)
        assert not form.is_valid()
        assert form.errors["iati_ref"][0].startswith("Un identifiant IATI commence")


def test_markup_in_names_is_kept_as_typed(cast):
    form = _form(cast, name_fr="<b>Asso</b> & co")
    assert form.is_valid()
    assert form.cleaned_data["name_fr"] == "<b>Asso</b> & co"


def test_only_active_sectors_are_offered(cast):
    from madina.actors.tests.factories import SectorFactory

    active, retired = SectorFactory(), SectorFactory(is_active=False)
    queryset = _form(cast).fields["sectors"].queryset
    assert active in queryset
    assert retired not in queryset


def test_pages_speak_the_language_of_the_url(cast):
    client = cast.client_for("member")
    assert "Filtrer les organisations" in client.get("/fr/organisations/").content.decode()
    assert "تصفية الهيئات" in client.get("/ar/organisations/").content.decode()
