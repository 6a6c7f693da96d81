import pytest
from django.utils import translation

from madina.territory.services import DEFAULT_AREAS_FILE, areas_load_csv


@pytest.fixture(autouse=True)
def english():
    """Messages in English unless a test (or a page's language prefix) says otherwise.

    The project's default language is Arabic, so without this every message would be Arabic.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def oriental(db):
    """The shipped Oriental region file, loaded; returns the load report."""
    return areas_load_csv(file=DEFAULT_AREAS_FILE)
