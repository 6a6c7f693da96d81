"""Shared fixtures of the results tests."""

import pytest


@pytest.fixture(autouse=True)
def _english():
    """Messages and pages are read in English unless a test asks for a language (/ar/…)."""
    from django.utils import translation

    with translation.override("en"):
        yield
