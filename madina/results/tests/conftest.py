"""Shared fixtures of the results tests."""

import pytest


@pytest.fixture(autouse=True)
def _english():
    """Messages and pages are read in English unless a test asks for a language (/ar/…)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def fetch_report(django_capture_on_commit_callbacks):
    """Ask for a donor report as the page does (POST), let the job run, follow its page to the
    file; returns the file's response."""

    def fetch(client, url):
        with django_capture_on_commit_callbacks(execute=True):
            asked = client.post(url)
        assert asked.status_code == 302, asked.status_code
        page = client.get(asked["Location"])
        assert page.status_code == 200
        html = page.content.decode()
        marker = 'href="'
        start = html.index(marker, html.index("report-status"))
        while "/file.pdf" not in html[start : html.index('"', start + len(marker))]:
            start = html.index(marker, start + 1)
        link = html[start + len(marker) : html.index('"', start + len(marker))]
        return client.get(link)

    return fetch
