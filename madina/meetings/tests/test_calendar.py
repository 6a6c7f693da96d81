"""The iCalendar feed of a space's meetings: RFC 5545 escaping and folding, and who gets it."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from madina.meetings.calendar import escape, fold
from madina.meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def unfold(text: str) -> list[str]:
    """Content lines as a calendar client reads them (RFC 5545, 3.1)."""
    assert text.endswith("\r\n")
    return text[:-2].replace("\r\n ", "").split("\r\n")


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


def events(text: str) -> list[dict[str, str]]:
    found, current = [], None
    for line in unfold(text):
        name, _sep, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            current[name] = value
    return found


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=300))
def test_folding_keeps_lines_within_75_octets_and_loses_nothing(text):
    folded = fold("SUMMARY:" + escape(text))
    assert all(len(piece.encode("utf-8")) <= 75 for piece in folded.split("\r\n"))
    assert unescape(folded.replace("\r\n ", "")[len("SUMMARY:") :]) == text


def test_a_public_space_feed_needs_no_sign_in(client, meetings):
    meeting = meetings.public
    meeting.title = "لقاء جهوي للتشاور، حول التنسيق; بالناظور\\ " + "مشروع المدينة " * 6
    meeting.description = "Deux séances,\npuis des recommandations"
    meeting.save()
    MeetingFactory(
        space=meeting.space,
        title="Atelier annulé",
        status="cancelled",
        starts_at=datetime.datetime(2025, 5, 2, 8, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2025, 5, 2, 10, 0, tzinfo=datetime.UTC),
    )
    response = client.get(f"/fr/meetings/spaces/{meeting.space_id}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert all(len(raw.encode()) <= 75 for raw in text.split("\r\n"))
    found = {unescape(event["SUMMARY"]): event for event in events(text)}
    assert set(found) == {meeting.title, "Atelier annulé"}
    event = found[meeting.title]
    assert event["DTSTART"] == "20250306T093000Z" and event["DTEND"] == "20250306T130000Z"
    assert event["UID"].startswith(f"meeting-{meeting.pk}@")
    assert "Deux séances,\npuis des recommandations" in unescape(event["DESCRIPTION"])
    assert found["Atelier annulé"]["STATUS"] == "CANCELLED"


def test_private_feeds_need_a_session_and_a_part_in_the_space(client, cast, meetings):
    path = f"/fr/meetings/spaces/{meetings.private.space_id}/calendar.ics"
    assert client.get(path).status_code == 404
    assert cast.client_for("outsider").get(path).status_code == 404
    response = cast.client_for("readonly").get(path)
    assert response.status_code == 200
    assert [unescape(e["SUMMARY"]) for e in events(response.content.decode())] == [
        "Rencontre privée"
    ]
