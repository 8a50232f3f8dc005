"""The call sheet: due rows with their scripts, as records (JSON, CSV) and as text.

A row's script is the greeting for its channel, then the body of each reason in priority
order, then the closing: one call, however many reasons she is owed it for.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from salonctl import model, render, scripts
from salonctl.rules import DueRow, Reason

CALLER_DEFAULT = {"zh-CN": "前台", "en": "the front desk"}


def _common_fields(client: model.Client, settings: model.Settings, last_visit: date | None,
                   day: date) -> dict[str, str]:
    caller = client.consultant or settings.contact.caller or CALLER_DEFAULT[settings.language]
    return {
        "salutation": scripts.salutation(client, settings.language),
        "name": client.name, "salon": settings.name, "caller": caller,
        "salon_phone": settings.contact.phone or "",
        "last_visit": last_visit.isoformat() if last_visit else "",
        "days_since_visit": str((day - last_visit).days) if last_visit else "",
        "skin_type": client.skin_type or "", "preferences": client.preferences or "",
        "hobbies": client.hobbies or "", "allergies": client.allergies or "",
        "note": client.note or "",
    }


def compose_script(row: DueRow, settings: model.Settings, library: Mapping[str, scripts.Template],
                   last_visit: date | None) -> str:
    common = _common_fields(row.client, settings, last_visit, row.date)
    frame = "call" if row.channel == "phone" else "message"
    parts = [library[f"greeting-{frame}"].fill(common)]
    for reason in row.reasons:
        occurrence = reason.occurrence
        values = {**common, **occurrence.event.fields,
                  "days_since": str((row.date - occurrence.event.date).days)}
        parts.append(library[occurrence.rule.script_for(occurrence.offset)].fill(values))
    parts.append(library[f"closing-{frame}"].fill(common))
    return "\n".join(dict.fromkeys(part for part in parts if part))  # each sentence once


def reason_record(reason: Reason) -> dict[str, Any]:
    occurrence, status = reason.occurrence, reason.status
    rule = occurrence.rule
    return {
        "rule": rule.id, "ref": rule.ref, "title": rule.title, "anchor": rule.anchor,
        "anchor_date": occurrence.event.date,
        "window": [occurrence.earliest, occurrence.latest],
        "offset": occurrence.offset, "due": occurrence.due,
        "overdue_days": status.overdue_days, "tries": status.tries,
        "deadline": occurrence.event.fields.get("deadline"),
    }


def row_record(row: DueRow, script: str) -> dict[str, Any]:
    """One row of the sheet, the stable JSON shape `due --format json` prints."""
    return {
        "client": row.client.id, "name": row.client.name, "phone": row.client.phone,
        "channel": row.channel, "date": row.date, "overdue_days": row.overdue_days,
        "reasons": [reason_record(r) for r in row.reasons], "script": script,
        "consultant": row.client.consultant,
    }


def csv_record(record: dict[str, Any]) -> dict[str, Any]:
    reasons = record["reasons"]
    return {
        "date": record["date"], "client": record["client"], "name": record["name"],
        "phone": record["phone"], "channel": record["channel"],
        "consultant": record["consultant"], "overdue_days": record["overdue_days"],
        "rules": [r["rule"] for r in reasons], "refs": [r["ref"] for r in reasons],
        "titles": [r["title"] for r in reasons], "script": record["script"],
    }


def _reason_line(reason: dict[str, Any], language: str) -> str:
    zh = language == "zh-CN"
    line = f"{reason['ref']} {reason['title']}"
    if reason["overdue_days"]:
        line += f"（逾期{reason['overdue_days']}天）" if zh else f" ({reason['overdue_days']} days overdue)"
    if reason["tries"]:
        line += f"（已拨{reason['tries']}次未接）" if zh else f" ({reason['tries']} tries, no answer)"
    if reason["deadline"]:
        line += f"，{reason['deadline']}前答复" if zh else f", reply by {reason['deadline']}"
    return line


def sheet_table(records: list[dict[str, Any]], language: str) -> Table:
    """The printed sheet: who to call, why, and what to say; fits 80 columns."""
    grid = Table(show_header=True, show_lines=True, expand=False, pad_edge=False)
    grid.add_column("#", justify="right", no_wrap=True)
    grid.add_column("client", no_wrap=True, max_width=20)
    grid.add_column("why · what to say", overflow="fold", ratio=1)
    for number, record in enumerate(records, 1):
        who = Text("\n".join(filter(None, (
            record["name"], record["phone"], record["channel"], record["consultant"]))))
        why = "\n".join(_reason_line(r, language) for r in record["reasons"])
        body: RenderableType = Group(Text(why, style="bold"), Text(""), Text(record["script"]))
        grid.add_row(str(number), who, body)
    return grid


def sheet_markdown(records: list[dict[str, Any]], language: str, title: str) -> str:
    lines = [f"## {title}", ""]
    for number, record in enumerate(records, 1):
        who = " · ".join(filter(None, (record["name"], record["phone"], record["channel"],
                                       record["consultant"])))
        lines.append(f"### {number}. {_md(who)}")
        lines += [f"- {_md(_reason_line(r, language))}" for r in record["reasons"]]
        lines += [""] + [f"> {_md(part)}" for part in record["script"].splitlines()] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    """Client text shown as written, never as Markdown or HTML."""
    return render._md_escape(text)


def sheet_ics(records: list[dict[str, Any]], salon: str, language: str, stamp: date) -> bytes:
    """The planned calls as an iCalendar file: one all-day event per client per day. UIDs
    are stable (client and day), so importing a newer file updates events, never doubles
    them. DTSTAMP is the day the file was made for, keeping the file reproducible."""
    import hashlib
    from datetime import datetime, time, timedelta

    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//salonctl//call sheet//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{salon} · 回访" if language == "zh-CN" else f"{salon} · calls")
    domain = hashlib.sha256(salon.encode()).hexdigest()[:12]
    for record in records:
        day: date = record["date"]
        event = Event()
        event.add("uid", f"{record['client']}-{day:%Y%m%d}@{domain}.salonctl")
        event.add("dtstamp", datetime.combine(stamp, time(0), tzinfo=UTC))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        word = "回访" if language == "zh-CN" else "Call"
        event.add("summary", f"{word} {record['name']} · {record['phone']}")
        why = [_reason_line(r, language) for r in record["reasons"]]
        event.add("description", "\n".join([*why, "", record["script"]]))
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
