"""The directory's small territory, and English as the language of every test unless it asks
for another (the pages are then asked for under ``/en/``)."""

from __future__ import annotations

import pytest
from django.utils import translation

from madina.directory.tests.conftest import Territory, territory  # noqa: F401


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield
