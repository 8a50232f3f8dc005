"""The day's problems and fixes, as `report day --note` keeps them: journal/notes/YYYY-MM.yaml,
one line a note, appended and never rewritten. (They are about the day, not a client, so
they live beside the client journals, not among them.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from salonctl.disk import fsutil, yamlio
from salonctl.errors import Problem
from salonctl.files import parsing, schema

FOLDER = "journal/notes"
FIELDS = (schema.Field("date", parsing.a_date, required=True),
          schema.Field("note", parsing.text, required=True), schema.Field("by", parsing.text))


@dataclass(frozen=True)
class DayNote:
    date: date
    note: str
    by: str | None = None


def add(root: Path, note: DayNote) -> None:
    data = {"date": note.date, "note": note.note, **({"by": note.by} if note.by else {})}
    fsutil.append_line(root / FOLDER / f"{note.date:%Y-%m}.yaml",
                       yamlio.dump_line(data).encode("utf-8"))


def load(root: Path) -> tuple[list[DayNote], list[Problem]]:
    notes: list[DayNote] = []
    problems: list[Problem] = []
    for path in sorted((root / FOLDER).glob("*.yaml")):
        shown = str(path)
        raw, found = yamlio.parse(fsutil.read_bytes(path).decode("utf-8", "replace"), shown)
        problems += found
        for item in raw if isinstance(raw, list) else []:
            at = item.position if isinstance(item, yamlio.LocatedDict) else (1, 1)
            values, found = schema.read_record(item, FIELDS, shown, at)
            problems += found
            if values is not None:
                notes.append(DayNote(**values))
    return sorted(notes, key=lambda n: n.date), problems
