"""Two desks' copies of one salon file made one, as git's merge driver for the salon
(`salonctl merge-driver %O %A %B %P`): nothing either desk wrote is lost. Pure: the three
texts in, the merged text and what needs a person out.

- A client file is merged record by record, by id. A record only one desk changed takes
  that desk's version whole (its text as written); one both changed is merged field by
  field: a field changed on one side takes that side's value, and a field both changed
  differently keeps this desk's value and notes the other's under `conflicts:`, which
  `salonctl check` names by client. A record either desk added is kept; two desks that
  added a record with one id (two copies with one desk tag) keep both, and `check` names
  the id used twice.
- A journal (and the outbox) is merged entry by entry: every line either desk added is
  kept, a line both added is kept once, the other desk's new lines follow this desk's,
  in date order.
- A file that does not read as the salon's YAML is left to git's own merge (conflict
  markers), never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from salonctl.disk import yamlio
from salonctl.files import codec

CONFLICTS = "conflicts"
_DATE = re.compile(r"\bdate: ['\"]?(\d{4}-\d{2}-\d{2})")


class Unmergeable(Exception):
    """The file does not read as salonctl's: git's own merge must show the conflict."""


@dataclass
class Block:
    """One record of a client file: its text as written and what it reads as."""

    text: str
    record: dict[str, Any] | None  # None: it does not read (kept as written)

    @property
    def key(self) -> str:
        if self.record is not None and isinstance(self.record.get("id"), str):
            return str(self.record["id"])
        return "\0" + self.text  # an unreadable record is its own text


@dataclass
class Merged:
    text: str
    notes: list[str] = field(default_factory=list)  # what a person should look at


def merge_journal(base: str, ours: str, theirs: str) -> Merged:
    """Every line either side added, each once: this side's as they are, then the other
    side's new lines in date order. A line this side removed stays removed."""
    mine = _lines(ours)
    old, kept = set(_lines(base)), set(mine)
    new = [line for line in dict.fromkeys(_lines(theirs)) if line not in kept and line not in old]
    new.sort(key=lambda line: (_DATE.search(line) or _NO_DATE).group(1))
    return Merged("".join(mine + new))


class _NoDate:
    @staticmethod
    def group(_index: int) -> str:
        return ""


_NO_DATE = _NoDate()


def _lines(text: str) -> list[str]:
    """A journal's lines, each ending in a newline (a last line without one is a line)."""
    return [line if line.endswith("\n") else line + "\n" for line in text.splitlines(True)
            if line.strip()]


def merge_clients(base: str, ours: str, theirs: str) -> Merged:
    """A client file merged record by record (see the module's text)."""
    old, mine, other = (_index(_blocks(text)) for text in (base, ours, theirs))
    merged: list[str] = []
    notes: list[str] = []
    for key, block in mine.items():
        merged.append(_one(old.get(key), block, other.get(key), notes))
    for key, block in other.items():
        if key not in mine and not (key in old and old[key].text == block.text):
            merged.append(block.text)  # added there (or kept there, removed here by hand)
    body = "".join(merged)
    return Merged(_header(ours) + (body or "[]\n"), notes)


def _one(base: Block | None, ours: Block, theirs: Block | None, notes: list[str]) -> str:
    """One record as both desks left it."""
    if theirs is None or theirs.text == ours.text or (base and base.text == theirs.text):
        return ours.text
    if base is not None and base.text == ours.text:
        return theirs.text
    if ours.record is None or theirs.record is None:
        return ours.text + theirs.text  # unreadable at one desk: both kept, as written
    if base is None:  # one id added at both desks: two copies with one tag
        notes.append(f"{ours.key}: both desks made a client with this id; both kept, "
                     "`salonctl check` names them")
        return ours.text + theirs.text
    record, conflicts = merge_fields(base.record or {}, ours.record, theirs.record)
    notes += [f"{ours.key}: both desks changed {name}; this desk's kept, the other's noted "
              "for `salonctl check`" for name in conflicts]
    return _written(record)


def _written(record: dict[str, Any]) -> str:
    """A merged record as salonctl writes a client (its fields in their order), or as it
    stands when it does not read as one (`check` then says why)."""
    located = yamlio.LocatedDict()
    located.update(record)
    clients, _lines, problems = codec.clients_from([located], "merge")
    if problems or len(clients) != 1:
        return yamlio.dump_block([record])
    return codec.dump_clients(clients)


def merge_fields(base: dict[str, Any], ours: dict[str, Any],
                 theirs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A record merged field by field; the fields both sides changed differently (this
    side's value kept, the other's noted under `conflicts`)."""
    result: dict[str, Any] = {}
    noted = dict(ours.get(CONFLICTS) or {})
    noted.update(theirs.get(CONFLICTS) or {})
    clashes = []
    for name in [*ours, *(k for k in theirs if k not in ours), *(k for k in base if k not in ours
                                                                     and k not in theirs)]:
        if name == CONFLICTS:
            continue
        mine, other, old = ours.get(name), theirs.get(name), base.get(name)
        if mine == other or other == old:
            value = mine
        elif mine == old:
            value = other
        else:
            value = mine
            noted[name] = shown(other)
            clashes.append(name)
        if value is not None:
            result[name] = value
    if noted:
        result[CONFLICTS] = noted
    return result, clashes


def shown(value: Any) -> str:
    """A value as the note of a conflict keeps it: as text."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _header(text: str) -> str:
    """The lines above a client file's first record (comments), as this side has them."""
    lines = text.splitlines(True)
    head = []
    for line in lines:
        if line.startswith("- ") or line.strip() == "[]":
            break
        head.append(line)
    return "".join(head)


def _blocks(text: str) -> list[Block]:
    """A client file's records, each with its text: a record starts at a line `- ` at the
    left edge. A file that is not a list of records cannot be merged here."""
    chunks: list[list[str]] = []
    for line in text.splitlines(True):
        if line.startswith("- "):
            chunks.append([line])
        elif chunks:
            chunks[-1].append(line)
        elif line.strip() and not line.lstrip().startswith("#") and line.strip() != "[]":
            raise Unmergeable
    blocks = []
    for chunk in chunks:
        body = "".join(chunk)
        if not body.endswith("\n"):
            body += "\n"
        raw, problems = yamlio.parse(body, "merge")
        readable = not problems and isinstance(raw, list) and len(raw) == 1 \
            and isinstance(raw[0], dict)
        blocks.append(Block(body, dict(raw[0]) if readable else None))
    return blocks


def _index(blocks: list[Block]) -> dict[str, Block]:
    """The blocks by key; a key seen twice (an id used twice already) keeps each, apart."""
    found: dict[str, Block] = {}
    for block in blocks:
        key = block.key
        while key in found:
            key += "\0"
        found[key] = block
    return found
