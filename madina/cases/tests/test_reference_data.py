"""The incident types are the GBVIMS classification, named in Arabic and French as the
reference file names them."""

import csv
from pathlib import Path

from django.utils import translation

from madina.cases.models import Incident

DATA = Path(__file__).resolve().parent.parent / "data" / "gbvims_incident_types.csv"


def test_incident_types_are_the_gbvims_classification():
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["code"] for row in rows] == list(Incident.Type.values)
    labels = dict(Incident.Type.choices)
    assert [str(labels[row["code"]]).casefold() for row in rows] == [
        row["name_en"].casefold() for row in rows
    ]
    for row in rows:
        for language in ("ar", "fr"):
            with translation.override(language):
                shown = str(labels[row["code"]])
            # The page may add a word of explanation after the name ("non-VBG (hors …)").
            expected = row[f"name_{language}"].casefold()
            assert shown.casefold().startswith(expected), (language, row["code"], shown)
