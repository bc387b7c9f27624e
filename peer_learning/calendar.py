"""iCalendar (RFC 5545) files and "add to calendar" links for sessions.

Built with the icalendar library: events carry the Berlin time zone (TZID plus a VTIMEZONE),
a stable UID and a SEQUENCE that grows with every announced change, so calendars update the
event instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from core.links import absolute_url
from peer_learning.models import Session

PRODID = "-//Kollegium//Lernen//DE"
UID_DOMAIN = "kollegium.lernen"


def session_uid(session: Session) -> str:
    return f"termin-{session.pk}@{UID_DOMAIN}"


def session_location(session: Session, *, with_meeting_link: bool) -> str:
    parts = [session.location] if session.location else []
    if with_meeting_link and session.meeting_url:
        parts.append(session.meeting_url)
    return " · ".join(parts) or session.get_delivery_display()


def _description(session: Session, *, with_meeting_link: bool) -> str:
    lines = [session.course.summary, "", absolute_url(session.course.url or "")]
    if with_meeting_link and session.meeting_url:
        lines += ["", f"Videokonferenz: {session.meeting_url}"]
    return "\n".join(lines).strip()


def session_event(session: Session, *, with_meeting_link: bool) -> Event:
    berlin = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", timezone.now())
    event.add("sequence", session.sequence)
    event.add("summary", session.course.title)
    event.add("dtstart", session.starts_at.astimezone(berlin))
    event.add("dtend", session.ends_at.astimezone(berlin))
    event.add("location", session_location(session, with_meeting_link=with_meeting_link))
    event.add("description", _description(session, with_meeting_link=with_meeting_link))
    event.add("url", absolute_url(session.course.url or ""))
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    return event


def sessions_calendar(
    sessions: Iterable[Session], *, with_meeting_link: bool, name: str = "Kollegium"
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        calendar.add_component(session_event(session, with_meeting_link=with_meeting_link))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _utc_stamp(session_time: dt.datetime) -> str:
    return session_time.astimezone(zoneinfo.ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_link(session: Session, *, with_meeting_link: bool) -> str:
    query = {
        "action": "TEMPLATE",
        "text": session.course.title,
        "dates": f"{_utc_stamp(session.starts_at)}/{_utc_stamp(session.ends_at)}",
        "details": _description(session, with_meeting_link=with_meeting_link),
        "location": session_location(session, with_meeting_link=with_meeting_link),
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_link(session: Session, *, with_meeting_link: bool) -> str:
    """Outlook on the web and Office 365 ("deeplink compose")."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": session.course.title,
        "startdt": session.starts_at.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat(),
        "enddt": session.ends_at.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat(),
        "body": _description(session, with_meeting_link=with_meeting_link),
        "location": session_location(session, with_meeting_link=with_meeting_link),
    }
    return "https://outlook.office.com/calendar/0/deeplink/compose?" + urlencode(query)
