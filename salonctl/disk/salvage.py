"""Reading past a bad record, so one typo costs its client and not the whole salon's sheet.

The salon's files are lists of records: a client file a block record after each `- `, a
journal one `- {...}` a line. When a file does not parse as a whole, each record is parsed
on its own (padded with blank lines so every line number stays true): the records that read
are kept, each one that does not is a problem at its own line. And for any problem, the
record's text names the client it touches (`id:` in a client file, `client:` in a journal),
so the sheet can say whom it could not work out and where to fix it.
"""

from __future__ import annotations

import re
from typing import Any

from salonctl.disk import yamlio
from salonctl.errors import Problem
from salonctl.i18n import _

CLIENT_ID = re.compile(r"^\s*-?\s*\{?\s*id:\s*['\"]?([A-Za-z0-9_-]{1,64})", re.MULTILINE)
ENTRY_CLIENT = re.compile(r"client:\s*['\"]?([A-Za-z0-9_-]{1,64})")


_RECORD_START = re.compile(r"-(\s|$)")  # "- ..." but not a document marker "---"


def _starts(lines: list[str]) -> list[int]:
    """The 0-based lines where a top-level record starts."""
    return [n for n, line in enumerate(lines) if _RECORD_START.match(line)]


def records(text: str, where: str) -> tuple[list[Any], list[Problem]]:
    """Each top-level record of a list file parsed on its own."""
    lines = text.splitlines(keepends=True)
    starts = _starts(lines)
    if not starts:  # no record to be had: the file's own problem
        return [], yamlio.parse(text, where)[1] or [
            Problem(where, 1, 1, _("a list of records was expected, each starting with '- '"))]
    found: list[Any] = []
    problems: list[Problem] = []
    if starts[0] > 0:  # lines before the first record belong to none: they must read alone
        problems += yamlio.parse("".join(lines[:starts[0]]), where)[1]
    for first, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        raw, wrong = yamlio.parse("\n" * first + "".join(lines[first:end]), where)
        problems += within(wrong, first, end)
        if isinstance(raw, list):
            found += raw
        elif not wrong:  # it read, but as something else than a record
            problems.append(Problem(where, first + 1, 1, _("expected a record here, '- ...'")))
    return found, problems


def within(problems: list[Problem], first: int, end: int) -> list[Problem]:
    """A record's problems placed on its own lines (0-based `first` to `end`): PyYAML may
    say "end of stream" on the line after it, which is the next client's record."""
    return [Problem(p.path, min(max(p.line, first + 1), end), p.column, p.message)
            if not first + 1 <= p.line <= end else p for p in problems]


def blocks(text: str) -> list[tuple[int, str]]:
    """Each top-level record's text with its 0-based first line (lines before the first
    record go with none of them, and are dropped: comments, a stray header)."""
    lines = text.splitlines(keepends=True)
    starts = _starts(lines)
    if not starts:
        return []
    return [(first, "".join(lines[first:end]))
            for first, end in zip(starts, [*starts[1:], len(lines)], strict=True)]


def owner(text: str, line: int, pattern: re.Pattern[str]) -> str | None:
    """The client the record around 1-based `line` belongs to, read from its text."""
    lines = text.splitlines()
    if not lines:
        return None
    index = min(max(line - 1, 0), len(lines) - 1)
    first = max((n for n in _starts(lines) if n <= index), default=0)
    following = [n for n in _starts(lines) if n > first]
    chunk = "\n".join(lines[first:following[0] if following else len(lines)])
    found = pattern.search(chunk)
    return found.group(1) if found else None
