import pytest

from madina.actors.tests.factories import AreaFactory, OrganisationFactory


@pytest.mark.django_db
def test_key_figures_count_each_organisation_once(client):
    communes = [AreaFactory(level="commune") for _ in range(3)]
    association = OrganisationFactory(type="cso")
    association.communes_covered.set(communes)
    OrganisationFactory(type="commune").communes_covered.set(communes[:1])
    OrganisationFactory(type="public_institution", is_active=False)

    counts = client.get("/fr/").context["counts"]

    assert counts == {"organisations": 2, "cso": 1, "communes": 3}
