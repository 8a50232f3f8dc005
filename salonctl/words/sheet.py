"""The call sheet: placed rows with their scripts, as records (JSON, CSV) and rendered: a
terminal table per caller, Markdown, plain text and HTML cards for e-mail, iCalendar.

A caller's calls come first, then the messages she sends (greetings, season tips), as a
compact list: messages that say the same thing but for the name are one entry with its
text once and everyone it goes to. Everything renders from the records, so every format
says the same thing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import TYPE_CHECKING, Any

from salonctl.engine import model
from salonctl.engine.rules import Reason
from salonctl.engine.worklist import Placed
from salonctl.words import render, spoken
from salonctl.words.phrases import channel, say

if TYPE_CHECKING:  # rich is imported by the table that needs it, not by every run
    from rich.console import RenderableType
    from rich.table import Table


REASON_FIELDS = ("rule", "ref", "title", "anchor", "anchor_date", "window", "offset", "due",
                 "overdue_days", "tries", "deadline", "last_day", "must", "stage")


def reason_record(reason: Reason) -> dict[str, Any]:
    occurrence, status = reason.occurrence, reason.status
    rule = occurrence.rule
    return {
        "rule": rule.id, "ref": rule.ref, "title": rule.title, "anchor": rule.anchor,
        "anchor_date": occurrence.event.date,
        "window": [occurrence.earliest, status.window_end or occurrence.latest],
        "offset": occurrence.offset, "due": occurrence.due,
        "overdue_days": status.overdue_days, "tries": status.tries,
        "deadline": occurrence.event.fields.get("deadline"),
        "last_day": status.last_day, "must": rule.must, "stage": status.stage,
    }


def row_record(placed: Placed, script: str | None, salutation: str = "") -> dict[str, Any]:
    """One row of the sheet, the stable JSON shape `due --format json` prints. A message
    says where it goes (`to`: her phone for a text, her e-mail) and how she is addressed."""
    row = placed.row
    client = row.client
    record = {
        "client": client.id, "name": client.name, "phone": client.phone,
        "channel": row.channel, "date": row.date, "overdue_days": row.overdue_days,
        "reasons": [reason_record(r) for r in row.reasons], "script": script,
        "consultant": client.consultant,
        "caller": placed.caller, "rank": placed.rank, "held": placed.held, "kind": placed.kind,
    }
    if placed.kind == "message":
        record["to"] = client.email if row.channel == "email" and client.email else client.phone
        record["salutation"] = salutation
    return record


def calls(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r.get("kind", "call") == "call"]


def messages(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r.get("kind") == "message"]


CSV_FIELDS = ("date", "client", "name", "phone", "channel", "consultant", "caller", "rank", "held",
              "overdue_days", "rules", "refs", "titles", "script", "kind")
# `due --messages --format csv`: what a bulk-SMS tool takes.
MESSAGE_CSV_FIELDS = ("phone", "channel", "name", "text")


def message_csv_record(record: dict[str, Any]) -> dict[str, Any]:
    return {"phone": record["phone"], "channel": record["channel"], "name": record["name"],
            "text": record["script"]}


def csv_record(record: dict[str, Any]) -> dict[str, Any]:
    reasons = record["reasons"]
    return {
        "date": record["date"], "client": record["client"], "name": record["name"],
        "phone": record["phone"], "channel": record["channel"],
        "consultant": record["consultant"], "caller": record["caller"],
        "rank": record["rank"], "held": record["held"], "overdue_days": record["overdue_days"],
        "rules": [r["rule"] for r in reasons], "refs": [r["ref"] for r in reasons],
        "titles": [r["title"] for r in reasons], "script": record["script"],
        "kind": record.get("kind", "call"),
    }


def title(settings: model.Settings, day: date, count: int, sent: int = 0) -> str:
    """悦颜美容会所 · 2026-11-24 回访表 · 12个 (· 40条消息): the sheet's title and the mail's
    subject, counting the calls on it and the messages to send."""
    said = say(settings.language, "sheet-title", count, salon=settings.name, day=day.isoformat())
    return said + (say(settings.language, "title-messages", sent) if sent else "")


def sheet_title(settings: model.Settings, day: date, records: list[dict[str, Any]]) -> str:
    """The title of a sheet of these records (held calls are not on it)."""
    return title(settings, day, sum(not r["held"] for r in calls(records)), len(messages(records)))


def reason_line(reason: dict[str, Any], language: str, day: date) -> str:
    """R1 售后1-3-7回访（今天是最后一天）: what the caller needs to know of one reason."""
    notes = []
    stage = reason.get("stage", "")
    if reason["deadline"] and stage == "late":  # a complaint's reply past its 48 hours
        notes.append(say(language, "reply-late", reason["overdue_days"]))
    elif reason["overdue_days"]:
        notes.append(say(language, "overdue", reason["overdue_days"]))
    elif reason["last_day"]:
        notes.append(say(language, "last-day"))
    if reason["tries"]:
        notes.append(say(language, "tries", reason["tries"]))
    if reason["deadline"] and not stage:
        deadline = spoken.say_deadline(date.fromisoformat(str(reason["deadline"])), day, language)
        notes.append(say(language, "reply-by", deadline=deadline))
    line = f"{reason['ref']} {reason['title']}"
    if notes:
        line += say(language, "notes", notes=say(language, "notes-join").join(notes))
    return line


def _who(record: dict[str, Any], language: str) -> list[str]:
    return [part for part in (record["name"], record["phone"],
                              channel(language, record["channel"])) if part]


def _label(record: dict[str, Any], language: str) -> str:
    """The row's number on its caller's sheet; a held row says so."""
    return say(language, "held", rank=record["rank"]) if record["held"] else str(record["rank"])


def sheet_table(records: list[dict[str, Any]], language: str) -> Table:
    """One caller's rows: who to call, why, and what to say; fits 80 columns."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table(show_header=True, show_lines=True, expand=False, pad_edge=False)
    grid.add_column("#", justify="right", no_wrap=True)
    grid.add_column(say(language, "column-client"), no_wrap=True, max_width=20)
    grid.add_column(say(language, "column-why"), overflow="fold", ratio=1)
    for record in records:
        why = "\n".join(reason_line(r, language, record["date"]) for r in record["reasons"])
        body: RenderableType = Group(Text(why, style="bold"), Text(""),
                                     Text(record["script"] or ""))
        grid.add_row(_label(record, language), Text("\n".join(_who(record, language))), body)
    return grid


def by_caller(records: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The records grouped by caller, in the order given."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(record["caller"], []).append(record)
    return list(groups.items())


def caller_heading(caller: str, records: list[dict[str, Any]], language: str) -> str:
    return say(language, "caller-heading", sum(not r["held"] for r in calls(records)),
               caller=caller)


def messages_heading(caller: str, records: list[dict[str, Any]], language: str) -> str:
    return say(language, "messages-heading", len(messages(records)), caller=caller)


@dataclass
class MessageGroup:
    """Messages that say the same thing but for how each client is addressed: the text
    once (her salutation as a slot) and everyone it goes to."""

    reasons: str
    text: str
    records: list[dict[str, Any]] = field(default_factory=list)


def message_groups(records: list[dict[str, Any]], language: str) -> list[MessageGroup]:
    groups: dict[tuple[str, str], MessageGroup] = {}
    slot = say(language, "salutation-slot")
    for record in messages(records):
        reasons = " · ".join(f"{r['ref']} {r['title']}" for r in record["reasons"])
        text = record["script"] or ""
        if record.get("salutation"):
            text = text.replace(record["salutation"], slot, 1)
        groups.setdefault((reasons, text), MessageGroup(reasons, text)).records.append(record)
    return list(groups.values())


def recipient(record: dict[str, Any], language: str) -> str:
    """吴婷（短信）: who a message goes to, and how (the number is in JSON and CSV)."""
    return say(language, "recipient", name=record["name"], how=channel(language, record["channel"]))


def group_heading(group: MessageGroup, language: str) -> str:
    return say(language, "message-group", len(group.records), reasons=group.reasons)


def messages_list(records: list[dict[str, Any]], language: str) -> RenderableType:
    """One caller's messages as a compact list: each text once, indented under what it is
    for, with whom it goes to."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    parts: list[RenderableType] = []
    for group in message_groups(records, language):
        names = say(language, "recipients-join").join(recipient(r, language) for r in group.records)
        parts += [Text(group_heading(group, language), style="bold"),
                  *(Padding(Text(line), (0, 0, 0, 2), expand=False)
                    for line in [names, *group.text.splitlines()]), Text("")]
    return Group(*parts)


def waiting_line(caller: str, count: int, language: str) -> str:
    return say(language, "waiting", count, caller=caller)


def sheet_markdown(records: list[dict[str, Any]], language: str, title: str) -> str:
    lines = [f"## {title}", ""]
    for record in calls(records):
        number = _label(record, language)
        who = " · ".join([*_who(record, language), record["caller"]])
        lines.append(f"### {number}. {_md(who)}")
        lines += [f"- {_md(reason_line(r, language, record['date']))}" for r in record["reasons"]]
        lines += [""] + [f"> {_md(part)}" for part in (record["script"] or "").splitlines()] + [""]
    for caller, rows in by_caller(messages(records)):
        lines += [f"### {_md(messages_heading(caller, rows, language))}", ""]
        for group in message_groups(rows, language):
            names = say(language, "recipients-join").join(recipient(r, language) for r in group.records)
            lines += [f"**{_md(group_heading(group, language))}**", "", _md(names), ""]
            lines += [f"> {_md(part)}" for part in group.text.splitlines()] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    """Client text shown as written, never as Markdown or HTML."""
    return render._md_escape(text)


def sheet_text(title: str, records: list[dict[str, Any]], waiting: dict[str, int],
               unreadable: list[str], language: str, empty: str) -> str:
    """The sheet as plain lines, one block a client (a message's text once for everyone it
    goes to): for the e-mail's text part."""
    lines = [title, "", *unreadable, *([""] if unreadable else [])]
    if not records:
        lines.append(empty)
    for caller, rows in by_caller(records):
        if calls(rows):
            lines += [caller_heading(caller, rows, language), ""]
        for record in calls(rows):
            lines.append(f"{_label(record, language)}. " + " · ".join(_who(record, language)))
            lines += [f"   {reason_line(r, language, record['date'])}" for r in record["reasons"]]
            lines += [f"   {line}" for line in (record["script"] or "").splitlines()]
            lines.append("")
        if messages(rows):
            lines += [messages_heading(caller, rows, language), ""]
        for group in message_groups(rows, language):
            names = say(language, "recipients-join").join(recipient(r, language) for r in group.records)
            lines += [group_heading(group, language), f"   {names}"]
            lines += [f"   {line}" for line in group.text.splitlines()] + [""]
    lines += [waiting_line(caller, count, language) for caller, count in waiting.items()]
    return "\n".join(lines).rstrip() + "\n"


_CARD = ("border:1px solid #ddd;border-radius:8px;padding:12px;margin:0 0 12px 0;"
         "max-width:600px;font-family:sans-serif;font-size:15px;line-height:1.5")


def sheet_html(title: str, records: list[dict[str, Any]], waiting: dict[str, int],
               unreadable: list[str], language: str, empty: str) -> str:
    """The sheet as cards, one a client, readable on a phone: her name, her phone as a tel:
    link, the channel, the reasons and the script. Every piece of client text is escaped."""
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1"></head>',
             '<body style="margin:8px">', f"<h2 style=\"font-family:sans-serif\">{_h(title)}</h2>"]
    parts += [f"<p style=\"color:#b00;font-weight:bold\">{_h(line)}</p>" for line in unreadable]
    if not records:
        parts.append(f"<p>{_h(empty)}</p>")
    for caller, rows in by_caller(records):
        if calls(rows):
            heading = _h(caller_heading(caller, rows, language))
            parts.append(f"<h3 style=\"font-family:sans-serif\">{heading}</h3>")
            parts += [_card(record, language) for record in calls(rows)]
        if messages(rows):
            heading = _h(messages_heading(caller, rows, language))
            parts.append(f"<h3 style=\"font-family:sans-serif\">{heading}</h3>")
            parts += [_message_card(group, language) for group in message_groups(rows, language)]
    parts += [f"<p>{_h(waiting_line(c, n, language))}</p>" for c, n in waiting.items()]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _card(record: dict[str, Any], language: str) -> str:
    dial = "".join(ch for ch in record["phone"] if ch.isdigit() or ch == "+")
    reasons = "".join(f"<li>{_h(reason_line(r, language, record['date']))}</li>"
                      for r in record["reasons"])
    script = "".join(f"<p style=\"margin:6px 0\">{_h(line)}</p>"
                     for line in (record["script"] or "").splitlines())
    return (f'<div style="{_CARD}"><div><b>{_h(_label(record, language))}. {_h(record["name"])}'
            f'</b> · <a href="tel:{_h(dial)}">{_h(record["phone"])}</a> · '
            f'{_h(channel(language, record["channel"]))}'
            f'</div><ul style="margin:6px 0;padding-left:20px">{reasons}</ul>{script}</div>')


def _message_card(group: MessageGroup, language: str) -> str:
    """One message's text once, and everyone it goes to (a text's number dials)."""
    names = say(language, "recipients-join").join(_h(recipient(r, language)) for r in group.records)
    text = "".join(f"<p style=\"margin:6px 0\">{_h(line)}</p>" for line in group.text.splitlines())
    return (f'<div style="{_CARD}"><div><b>{_h(group_heading(group, language))}</b></div>'
            f'<div style="margin:6px 0">{names}</div>{text}</div>')


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def first_calls(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of rows over several days, those that bring a call on its first day on the sheet: a
    call carried to the next days is the same call, not a new one."""
    seen: set[tuple[object, ...]] = set()
    found = []
    for record in sorted(records, key=lambda r: r["date"]):
        keys = {(record["client"], r["rule"], r["anchor_date"], r["offset"]) for r in record["reasons"]}
        if keys - seen:
            found.append(record)
        seen |= keys
    return found


def sheet_ics(records: list[dict[str, Any]], salon: str, language: str, stamp: date) -> bytes:
    """The planned calls as an iCalendar file: one all-day event per client and call, on the
    first day it is on her caller's sheet. UIDs are stable (client and day), so importing a
    newer file updates events, never doubles them. DTSTAMP is the day the file was made for,
    keeping the file reproducible."""
    import hashlib
    from datetime import datetime, time, timedelta

    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//salonctl//call sheet//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", say(language, "calendar", salon=salon))
    domain = hashlib.sha256(salon.encode()).hexdigest()[:12]
    for record in first_calls(calls(records)):  # a message is no event to keep
        day: date = record["date"]
        event = Event()
        event.add("uid", f"{record['client']}-{day:%Y%m%d}@{domain}.salonctl")
        event.add("dtstamp", datetime.combine(stamp, time(0), tzinfo=UTC))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", say(language, "calendar-event", name=record["name"],
                                 phone=record["phone"]))
        why = [reason_line(r, language, day) for r in record["reasons"]]
        event.add("description", "\n".join([*why, "", record["script"] or ""]))
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
