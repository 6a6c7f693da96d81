"""An iCalendar (RFC 5545) feed of a space's meetings, written by hand: no library needed.

Text values are escaped (backslash, semicolon, comma, new line) and content lines folded at 75
octets without splitting a UTF-8 character, as sections 3.3.11 and 3.1 of the RFC ask. Times are
written in UTC. Only what the meeting page shows goes into the feed; speakers and attendance stay
on the page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from madina.meetings.models import Meeting

STATUS = {
    Meeting.Status.PLANNED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, new lines as \\n."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into pieces of at most 75 octets, joined by CRLF and a space."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not pieces else 74  # a continuation line starts with one space
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _location(meeting: Meeting) -> str:
    parts = [meeting.address, meeting.commune.name if meeting.commune else ""]
    if meeting.is_online and meeting.online_url:
        parts.append(meeting.online_url)
    return ", ".join(part for part in parts if part)


def _event(meeting: Meeting, *, host: str, base_url: str, stamp: str) -> list[str]:
    description = [meeting.get_type_display(), meeting.get_mode_display()]
    description.append(_("Organiser: %(organisation)s") % {"organisation": meeting.organiser.name})
    if meeting.description:
        description.append(meeting.description)
    lines = [
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at)}",
        f"LAST-MODIFIED:{_utc(meeting.updated_at)}",
        f"SUMMARY:{escape(meeting.title)}",
        f"DESCRIPTION:{escape(chr(10).join(description))}",
        f"STATUS:{STATUS[meeting.status]}",
        f"URL:{base_url.rstrip('/')}/{meeting.pk}/",
    ]
    location = _location(meeting)
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    lines.append("END:VEVENT")
    return lines


def feed(*, space, meetings: Iterable[Meeting], host: str, base_url: str) -> str:
    """The calendar of ``meetings`` (already limited to what the requester may see)."""
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Madina//Meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(space.name)}",
    ]
    for meeting in meetings:
        lines += _event(meeting, host=host, base_url=base_url, stamp=stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
