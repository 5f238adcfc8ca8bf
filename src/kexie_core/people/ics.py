"""The care calendar as iCalendar (RFC 5545), to import into a phone or desktop calendar.

Written here rather than with a library because the format needed is small and no iCalendar
package is a dependency. What RFC 5545 asks and this writer does:

* lines end in CRLF and are folded at 75 octets (UTF-8 bytes, never inside a character), each
  continuation line starting with one space (§3.1);
* TEXT values escape backslash, semicolon, comma and newline (§3.3.11);
* every event has a stable ``UID`` (the same occasion keeps it, so re-importing updates instead of
  duplicating), a ``DTSTAMP`` in UTC, and an all-day ``DTSTART;VALUE=DATE`` with ``DTEND`` the
  next day (§3.6.1); a display alarm reminds ``alarm_days`` before.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from .calendar import CalendarLine

PRODID = "-//kexie-core//care calendar//ZH"


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str, limit: int = 75) -> str:
    """Fold one content line into CRLF-joined pieces of at most ``limit`` octets each."""
    pieces: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        # continuation lines start with a space, which counts towards their limit
        room = limit if not pieces else limit - 1
        if size + width > room:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _description(line: CalendarLine, lang: str) -> str:
    row = line.as_row(lang)
    zh = lang == "zh"
    parts = [f"{'事由' if zh else 'Occasion'}: {row['occasion_label']}"]
    if line.expert:
        parts.append(f"{'专家' if zh else 'Expert'}: {line.expert}（{row['expert_level']}）")
    parts.append(f"{'单位' if zh else 'Unit'}: {line.unit_name}")
    if line.age is not None:
        parts.append(f"{'年龄' if zh else 'Age'}: {line.age}")
    if line.lunar:
        parts.append(f"{'农历' if zh else 'Lunar date'}: {line.lunar}")
    if line.visited is not None:
        done = (
            (f"已走访（{line.visited_on}）" if zh else f"visited on {line.visited_on}")
            if line.visited
            else ("未走访" if zh else "not visited yet")
        )
        parts.append(done)
    if row["note"]:
        parts.append(row["note"])
    return "\n".join(parts)


def to_ics(
    lines: Iterable[CalendarLine],
    *,
    name: str = "专家关怀日历",
    lang: str = "zh",
    stamp: datetime | None = None,
    alarm_days: int | None = 3,
) -> str:
    """The calendar as one iCalendar text (CRLF line ends, folded)."""
    now = (stamp or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for line in lines:
        summary = line.title(lang)
        if line.visited:
            summary += "（已走访）" if lang == "zh" else " (visited)"
        out += [
            "BEGIN:VEVENT",
            f"UID:{line.uid}",
            f"DTSTAMP:{now}",
            f"DTSTART;VALUE=DATE:{line.on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{line.on + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(_description(line, lang))}",
            f"CATEGORIES:{escape_text(line.occasion.label(lang))}",
            "TRANSP:TRANSPARENT",
        ]
        if alarm_days and not line.visited:
            out += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{escape_text(summary)}",
                f"TRIGGER:-P{alarm_days}D",
                "END:VALARM",
            ]
        out.append("END:VEVENT")
    out.append("END:VCALENDAR")
    return "".join(fold(content) + "\r\n" for content in out)


__all__ = ["escape_text", "fold", "to_ics"]
