from hypothesis import given, settings
from hypothesis import strategies as st

from madina.core.models import AuditEvent
from madina.core.text import search_text
from madina.initiatives.models import Initiative
from madina.interop import bulk
from madina.interop.bulk import SearchText
from madina.interop.models import ImportJob
from madina.interop.tests.conftest import clean_rows, csv_bytes


def test_the_bulk_path_writes_the_same_records_and_audit_events(
    cast, reference, run_import, monkeypatch
):
    monkeypatch.setattr("madina.interop.services.SERVICE_WRITE_LIMIT", 1)
    content = csv_bytes(clean_rows("Association Rif Solidarité"))

    job = run_import(cast.member, "3w.csv", content)

    assert job.status == ImportJob.Status.DONE, job.report
    assert job.created_count == 3
    second = Initiative.objects.get(external_id="R-2")
    assert set(second.communes.values_list("code", flat=True)) == {"02.381.01.03", "02.381.01.05"}
    assert second.target_groups.count() == 2
    assert second.created_by == cast.member
    expected = Initiative(title=second.title, description=second.description)
    expected.refresh_search_text()
    assert second.search_text == expected.search_text
    events = AuditEvent.objects.filter(object_type="initiatives.initiative", action="create")
    assert events.count() == 3
    event = events.get(object_id=str(second.pk))
    assert event.organisation_id == cast.organisation.pk
    assert event.actor == cast.member
    assert event.changes["title"] == [None, "Cours d'arabe pour enfants"]

    # The same audit record as the service writes (same keys, same values for the same row).
    assert set(event.changes) >= {"external_id", "lead_organisation", "communes", "partnerships"}
    assert event.changes["lead_organisation"] == [None, cast.organisation.pk]
    assert event.changes["external_id"] == [None, "R-2"]
    assert event.changes["communes"][1] == sorted(
        str(pk) for pk in second.communes.values_list("pk", flat=True)
    )

    again = run_import(cast.member, "3w.csv", content)
    assert (again.created_count, again.unchanged_count) == (0, 3)
    assert AuditEvent.objects.count() == 3


def test_the_bulk_audit_event_matches_the_services(cast, reference, run_import, monkeypatch):
    content = csv_bytes(clean_rows("Association Rif Solidarité"))
    run_import(cast.member, "3w.csv", content)
    by_service = AuditEvent.objects.get(object_id=str(Initiative.objects.get(external_id="R-2").pk))
    Initiative.objects.all().delete()
    AuditEvent.objects.all().delete()
    monkeypatch.setattr("madina.interop.services.SERVICE_WRITE_LIMIT", 1)

    run_import(cast.member, "3w.csv", content)

    in_bulk = AuditEvent.objects.get(object_id=str(Initiative.objects.get(external_id="R-2").pk))
    assert set(in_bulk.changes) == set(by_service.changes)
    for key in (
        "title",
        "lead_organisation",
        "sector",
        "status",
        "start_date",
        "external_id",
        "target_groups",
        "currency",
        "visibility",
    ):
        assert in_bulk.changes[key] == by_service.changes[key], key


# Arabic letters and marks, accented Latin, separators of every kind and compatibility forms
# (ligatures, full-width letters, a non-breaking space) that Unicode normalisation rewrites.
_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcdeéèêëàâçïîôöùûüAÉÈÇÔ0123456789")
        + list("ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإةىؤئ")
        + ["\u064b", "\u064e", "\u0651", "\u0640", "\u0670", "\u0301", "\u0308"]
        + list(" \t\n-_'’.,;:/()[]«»،؛")
        + ["\u00a0", "\u2009", "\u3000"]
        + ["ﬁ", "Ａ", "ǅ", "ß", "İ", "ﻻ", "٣", "۴", "¨", "´", "½", "ﷺ"]
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=3))
def test_the_bulk_search_key_is_the_one_the_model_stores(texts):
    words = SearchText()

    assert words(texts) == search_text(texts)
    # The words met once are reused: the same texts give the same key again.
    assert words(texts) == search_text(texts)


def test_a_failure_after_the_rows_are_sent_leaves_nothing(cast, reference, run_import, monkeypatch):
    """COPY (PostgreSQL) or INSERT (SQLite) run inside the import's transaction."""
    monkeypatch.setattr("madina.interop.services.SERVICE_WRITE_LIMIT", 1)
    original = bulk._insert

    def insert(connection, model, columns, rows):
        original(connection, model, columns, rows)
        if model is AuditEvent:
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(bulk, "_insert", insert)

    job = run_import(cast.member, "3w.csv", csv_bytes(clean_rows("Association Rif Solidarité")))

    assert job.status == ImportJob.Status.FAILED
    assert job.report["count"] == 1
    assert Initiative.objects.count() == 0
    assert Initiative.communes.through.objects.count() == 0
    assert Initiative.target_groups.through.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="initiatives.initiative").count() == 0
