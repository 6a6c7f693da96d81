import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request of an earlier test may have left
    another one active in this thread."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
