"""A calendar event as an iCalendar file (RFC 5545), for invitations sent by
e-mail: any mail client (Outlook, Gmail, a phone) offers to add it to the
calendar, with no calendar module on the council's side."""

from datetime import timedelta


def _text(value):
    """A TEXT value escaped as RFC 5545 3.3.11 asks."""
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line):
    """Lines longer than 75 octets folded (RFC 5545 3.1), never inside a
    multi-byte character."""
    parts, current = [], ""
    for char in line:
        if len((current + char).encode()) > (75 if not parts else 74):
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return "\r\n ".join(parts)


def all_day_event(uid, day, summary, description="", stamp=None, location=""):
    """The bytes of a calendar with one all-day event on ``day`` (a date);
    ``stamp`` is a naive UTC datetime (when the invitation was made)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Council Telephony//Training//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{_text(description)}")
    if location:
        lines.append(f"LOCATION:{_text(location)}")
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
