"""The journals: journal/<kind>/<YYYY-MM>.yaml, one entry a line, filed by its date and only
ever appended to (a cancellation, a closure or a correction is a new line naming an old one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from salonctl.disk import cache, flowline, fsutil, salvage, yamlio
from salonctl.engine import model
from salonctl.errors import DataError, Problem
from salonctl.files import audit, codec
from salonctl.files.clientfiles import ClientFiles
from salonctl.files.folder import Folder
from salonctl.i18n import _

JOURNAL_DIR = codec.JOURNAL_DIR
Located = tuple[Any, str, int]  # an entry, the file and the line it came from


def _next_id(text: str, stem: str, desk: str = "") -> str:
    """One past the highest number of the day's ids this desk gave in the journal:
    v-20261124-3 -> -4 (at desk b: v-20261124-3b -> -4b)."""
    pattern = rf"\bid: {re.escape(stem)}(\d+){desk}\b"
    taken = [int(found[1]) for found in re.finditer(pattern, text)]
    return f"{stem}{max(taken, default=0) + 1}{desk}"


class _Numbers:
    """The next free number of each day's ids in one journal file, counted once."""

    def __init__(self, text: str, desk: str) -> None:
        self.desk = desk
        self.highest: dict[str, int] = {}
        for found in re.finditer(rf"\bid: ([a-z]+-\d{{8}}-)(\d+){re.escape(desk)}\b", text):
            stem, number = found[1], int(found[2])
            self.highest[stem] = max(self.highest.get(stem, 0), number)

    def next(self, stem: str) -> str:
        self.highest[stem] = self.highest.get(stem, 0) + 1
        return f"{stem}{self.highest[stem]}{self.desk}"


class Journals:
    """The salon's journals: read lazily, each file once; appended to only under the salon's
    lock."""

    def __init__(self, folder: Folder, client_files: ClientFiles, desk: Callable[[], str]) -> None:
        self.folder = folder
        self.client_files = client_files
        self.desk = desk
        self._entries: list[Located] | None = None
        self._history: model.History | None = None

    def history(self) -> model.History:
        """The journals as history, a merged client's entries read as the kept client's."""
        if self._history is None:
            self._history = codec.history_from(self.entries(), self.client_files.kept_ids())
        return self._history

    def entries(self) -> list[Located]:
        """Every journal entry with the file and line it came from (leniently: the ones that
        read, each id once)."""
        if self._entries is None:
            entries, problems = self.read_all()
            if problems and not self.folder.lenient:
                raise DataError(problems)
            if self.folder.lenient:
                entries = self._pass_over_entries(entries)
            self._entries = entries
        return self._entries

    def _pass_over_entries(self, entries: list[Located]) -> list[Located]:
        """Leniently, what `check` says of entries across files: an id used twice (the second
        is passed over), a client who is not one, a cancellation of nothing."""
        known = {client_id for bucket in self.client_files.buckets() for client_id, _ in bucket.ids}
        owners = {(where, line): entry.client for entry, where, line in entries}
        for problem in audit.check_entries(entries, known, self.client_files.kept_ids()):
            self.folder.passed_over.append(problem)
            if owners.get((problem.path, problem.line)) in known:
                self.folder.affected.setdefault(owners[(problem.path, problem.line)], problem)
        seen: set[str] = set()
        kept = []
        for item in entries:
            if item[0].id not in seen:
                kept.append(item)
            seen.add(item[0].id)
        return kept

    def of_day(self, folder: str, day: date, client_id: str) -> list[model.Entry]:
        """A client's entries of one kind on one day: only the lines of `day`'s month file
        that name her and the day are read (a salon's month holds thousands)."""
        kind = next(k for k in codec.JOURNALS if k.folder == folder)
        path = self.folder.root / JOURNAL_DIR / kind.folder / f"{day:%Y-%m}.yaml"
        if not path.exists():
            return []
        wanted = (client_id.encode(), day.isoformat().encode())
        lines = b"".join(line for line in self.folder.read_bytes(path).splitlines(keepends=True)
                         if all(word in line for word in wanted))
        raw = flowline.read(lines.decode("utf-8", "replace")) if lines else []
        if raw is None:  # not salonctl's own lines: the whole file, read as any reader does
            return [e for e, _, _ in self.load_file(kind, path)[0]
                    if e.client == client_id and getattr(e, "date", None) == day]
        entries, _ = codec.entries_from(kind, raw, self.folder.rel(path), codec.month_of(path))
        return [e for e, _, _ in entries if e.client == client_id]

    def files(self, kind: codec.JournalKind) -> list[Path]:
        return sorted((self.folder.root / JOURNAL_DIR / kind.folder).glob("*.yaml"))

    def read_all(self) -> tuple[list[Located], list[Problem]]:
        """Every entry with the file and line it came from; problems for the rest."""
        entries: list[Located] = []
        problems: list[Problem] = []
        for kind in codec.JOURNALS:
            for path in self.files(kind):
                found, wrong = self.load_file(kind, path)
                entries += found
                problems += wrong
        return entries, problems

    def load_file(
        self, kind: codec.JournalKind, path: Path
    ) -> tuple[list[Located], list[Problem]]:
        where = self.folder.rel(path)
        data = self.folder.read_bytes(path)
        digest = fsutil.digest(data)
        cached = cache.load(self.folder.root, path, digest) if self.folder.use_cache else None
        if cached is not None:
            return [(entry, where, line) for entry, line in cached], []
        try:
            text = self.folder.text(path, data)
        except DataError as error:  # another encoding: this file's entries, named once
            self.folder.pass_over("", error.problems, salvage.ENTRY_CLIENT, always=True)
            for client in {m[1] for m in salvage.ENTRY_CLIENT.finditer(data.decode("latin-1"))}:
                self.folder.affected.setdefault(client, error.problems[0])
            return [], error.problems
        complete = not text or text.endswith("\n") or fsutil.complete_line(text.rsplit("\n", 1)[-1])
        if complete and text and not text.endswith("\n"):
            text += "\n"  # a last line typed by hand without its line end: a record all the same
        if not complete:
            # A line cut off by a crash was never reported as saved: leave it for the next
            # writer to set aside, and read the lines before it.
            self.folder.warnings.append(
                f"warning: {where}: its last line is incomplete and is ignored; "
                "the next command that writes will set it aside"
            )
            text = text[: text.rfind("\n") + 1]
        fast = flowline.read(text)
        if fast is not None:  # salonctl's own lines, read fast; a problem is worded by PyYAML
            entries, problems = codec.entries_from(kind, fast, where, codec.month_of(path))
            if not problems:
                if complete and self.folder.use_cache:
                    cache.save(self.folder.root, path, digest, [(e, line) for e, _, line in entries])
                return entries, []
        raw, problems = yamlio.parse(text, where)
        if problems and self.folder.lenient:
            raw, problems = salvage.records(text, where)
        elif problems:
            return [], problems
        if raw is not None and not isinstance(raw, list):
            problems = [Problem(where, 1, 1,
                                _("a journal is a list of entries, one '- {...}' a line"))]
            self.folder.pass_over(text, problems, salvage.ENTRY_CLIENT)
            return [], problems
        entries, found = codec.entries_from(kind, raw or [], where, codec.month_of(path))
        problems += found
        self.folder.pass_over(text, problems, salvage.ENTRY_CLIENT)
        if complete and not problems and self.folder.use_cache:
            cache.save(self.folder.root, path, digest, [(entry, line) for entry, _, line in entries])
        return entries, problems

    def append(self, make_entry: Callable[[str], model.Entry]) -> model.Entry:
        """Give a new entry the next free id of its day and append it to its journal."""
        probe = make_entry("")
        path = self.folder.root / codec.journal_file(probe)
        data = self.folder.read_bytes(path) if path.exists() else b""
        self._require_parsing(path, data)
        entry = make_entry(_next_id(self.folder.text(path, data), codec.id_stem(probe), self.desk()))
        line = codec.journal_line(entry).encode("utf-8")
        self._require_readable_entry(entry, line.decode("utf-8"))
        warning = fsutil.append_line(path, line)
        if warning:
            self.folder.warnings.append(warning)
        self._history = self._entries = None
        return entry

    def append_many(self, makers: list[Callable[[str], model.Entry]]) -> list[model.Entry]:
        """Give many new entries the next free ids of their days and append them, each
        journal file once (an import): one write a file, in time linear in the entries."""
        probes = [(make, make("")) for make in makers]
        by_path: dict[Path, list[tuple[int, Callable[[str], model.Entry], model.Entry]]] = {}
        for index, (make, probe) in enumerate(probes):
            by_path.setdefault(self.folder.root / codec.journal_file(probe), []).append(
                (index, make, probe))
        made: list[model.Entry | None] = [None] * len(makers)
        for path, planned in by_path.items():
            data = self.folder.read_bytes(path) if path.exists() else b""
            self._require_parsing(path, data)
            numbers = _Numbers(self.folder.text(path, data), self.desk())
            lines = []
            for index, make, probe in planned:
                entry = make(numbers.next(codec.id_stem(probe)))
                lines.append(codec.journal_line(entry))
                made[index] = entry
            self._require_readable_lines(planned[0][2], "".join(lines))
            warning = fsutil.append_line(path, "".join(lines).encode("utf-8"))
            if warning:
                self.folder.warnings.append(warning)
        self._history = self._entries = None
        return [entry for entry in made if entry is not None]

    def _require_readable_lines(self, probe: model.Entry, text: str) -> None:
        """Lines about to be appended read back as entries (salonctl's own lines, fast)."""
        kind = codec.KIND_OF[type(probe)][0]
        raw = flowline.read(text)
        if raw is None:
            raw, problems = yamlio.parse(text, "entry")
            codec.refuse_as_arguments(problems)
        problems = codec.entries_from(kind, raw or [], "entry", (probe.date.year, probe.date.month))[1]
        codec.refuse_as_arguments(problems)

    def retract(self, entry: model.Entry) -> None:
        """Take back the line `append` just wrote, when a later step of the same command
        failed: a command changes everything it set out to, or nothing."""
        path = self.folder.root / codec.journal_file(entry)
        fsutil.remove_last_line(path, codec.journal_line(entry).encode("utf-8"))
        self._history = self._entries = None

    def _require_readable_entry(self, entry: model.Entry, line: str) -> Any:
        """What is appended must read back as an entry, in the right month's file: the entry
        as it will be read."""
        kind = codec.KIND_OF[type(entry)][0]
        raw, problems = yamlio.parse(line, "entry")
        read: list[Located] = []
        if not problems:
            read, problems = codec.entries_from(kind, raw or [], "entry",
                                                (entry.date.year, entry.date.month))
        codec.refuse_as_arguments(problems)
        return read[0][0]

    def _require_parsing(self, path: Path, data: bytes) -> None:
        """A line added to a file that does not parse would be lost in it: that is refused.
        Cheapest first: the file as the derived store last found it (every file it records
        reads), then salonctl's own lines read fast, then PyYAML."""
        if not data:
            return
        text = self.folder.text(path, data)
        complete = text[: text.rfind("\n") + 1]
        relative = path.relative_to(self.folder.root).as_posix()
        if self.folder.known_digest(relative) == fsutil.digest(data):
            return
        if flowline.read(complete) is not None:
            return
        problems = yamlio.parse(complete, self.folder.rel(path))[1]
        if problems:
            raise DataError(problems, hint=_("nothing was written: fix that file first "
                                             "(salonctl check lists every problem)"))
