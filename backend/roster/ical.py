"""A nurse's shifts as an iCalendar feed (RFC 5545), times in UTC so every calendar places them right."""
from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event


def shifts_to_ical(*, nurse_id: int, nurse_name: str, shifts, team: str, now: datetime) -> bytes:
    """Return a VCALENDAR with one VEVENT per shift; `shifts` are (code, name, start, end[, published]) tuples: a
    published shift is CONFIRMED, one of a period not yet published TENTATIVE."""
    cal = Calendar()
    cal.add("prodid", "-//Wijkspoed//Rooster//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Diensten {nurse_name}")
    for code, name, start, end, *rest in shifts:
        event = Event()
        event.add("uid", f"wijkspoed-{team}-{nurse_id}-{code}-{start:%Y%m%dT%H%M%SZ}@wijkspoed")
        event.add("dtstamp", now)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", f"{name} ({team})")
        event.add("categories", [code])
        if rest:
            event.add("status", "CONFIRMED" if rest[0] else "TENTATIVE")
        cal.add_component(event)
    return cal.to_ical()
