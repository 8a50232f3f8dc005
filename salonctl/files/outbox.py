"""The outbox: what was mailed to whom for which day, so each sheet is delivered once.

An append-only journal, `outbox/YYYY-MM.yaml` (by the sheet's day), one line per step:
pending before a message is sent, then sent, failed (permanent) or unknown (handed over, no
answer). A recipient's state for a day is her last line. Only `salonctl mail` writes it, under
its own lock, so two cron runs can never send the same sheet twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from salonctl.disk import fsutil, yamlio
from salonctl.errors import DataError, Problem
from salonctl.i18n import _

OUTBOX_DIR = "outbox"
STATES = ("pending", "sent", "failed", "unknown")


@dataclass(frozen=True)
class Entry:
    day: date
    to: str
    message_id: str
    status: str
    note: str | None = None
    kind: str = "sheet"  # sheet: the morning's calls; report: the evening's day report


def _path(root: Path, day: date) -> Path:
    return root / OUTBOX_DIR / f"{day:%Y-%m}.yaml"


def states(root: Path, day: date, kind: str = "sheet") -> dict[str, Entry]:
    """Each recipient's latest entry for `day`, for the mail of that kind."""
    path = _path(root, day)
    if not path.exists():
        return {}
    text = fsutil.read_bytes(path).decode("utf-8", "replace")
    text = text[: text.rfind("\n") + 1]  # a torn last line was never a finished step
    raw, problems = yamlio.parse(text, str(path))
    if problems:
        raise DataError(problems)
    latest: dict[str, Entry] = {}
    for item in raw or []:
        entry = _entry(item, str(path))
        if entry.day == day and entry.kind == kind:
            latest[entry.to] = entry
    return latest


def _entry(item: Any, where: str) -> Entry:
    line, column = getattr(item, "position", (1, 1))
    try:
        entry = Entry(item["day"], item["to"], item["message_id"], item["status"], item.get("note"),
                      item.get("kind", "sheet"))
    except (KeyError, TypeError):
        raise DataError([Problem(where, line, column,
                                 _("an outbox line is {day, to, message_id, status}"))]) from None
    if entry.status not in STATES or not isinstance(entry.day, date) \
            or entry.kind not in ("sheet", "report"):
        raise DataError([Problem(where, line, column,
                                 _("status must be one of {states}").format(
                                     states=", ".join(STATES)))])
    return entry


def problems(root: Path, shown_root: str) -> list[Problem]:
    """Every bad line of every outbox file, for `salonctl check`."""
    found: list[Problem] = []
    for path in sorted((root / OUTBOX_DIR).glob("*.yaml")):
        where = f"{shown_root}/{OUTBOX_DIR}/{path.name}"
        raw, parse_problems = yamlio.parse(fsutil.read_bytes(path).decode("utf-8", "replace"),
                                           where)
        found += parse_problems
        for item in raw if isinstance(raw, list) else []:
            try:
                _entry(item, where)
            except DataError as error:
                found += error.problems
    return found


def record(root: Path, entry: Entry) -> str | None:
    """Append one step; returns a warning if a torn line had to be set aside."""
    line = {"day": entry.day, "to": entry.to, "message_id": entry.message_id,
            "status": entry.status}
    if entry.note:
        line["note"] = entry.note
    if entry.kind != "sheet":
        line["kind"] = entry.kind
    return fsutil.append_line(_path(root, entry.day), yamlio.dump_line(line).encode("utf-8"))
