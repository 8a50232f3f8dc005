"""The salon folder on disk: YAML <-> model, with file:line on every problem.

    salon.yaml                      name, language, opening days, contact settings
    clients/0000.yaml ...           client profiles, up to 1,000 a file, in order of creation
    journal/<kind>/<YYYY-MM>.yaml   append-only history, one entry a line, filed by its date

Buckets of a thousand keep `git status` and a full scan fast at 100,000 clients (one file a
client costs two orders of magnitude more), and a client stays in the bucket she was first
written to, so ids never move between files.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salonctl import (
    audit,
    cache,
    catalogfile,
    codec,
    daynotes,
    derived,
    flowline,
    fsutil,
    merging,
    model,
    outbox,
    rulebook,
    salvage,
    yamlio,
)
from salonctl.errors import DataError, Problem, StoreIOError, UsageError
from salonctl.i18n import _
from salonctl.lock import locked
from salonctl.ruleset import Rule
from salonctl.scripts import Template

SALON_FILE = "salon.yaml"
CLIENTS_DIR = "clients"
JOURNAL_DIR = codec.JOURNAL_DIR
BUCKET_SIZE = 1000
MAX_FILE_BYTES = 32 * 1024 * 1024
LOCK_WAIT_SECONDS = 30.0


_TAGGED_CLIENT = re.compile(r"c\d+([a-z]{1,3})")
_TAGGED_ENTRY = re.compile(rb"\bid: [a-z]+-\d{8}-\d+([a-z]{1,3})\b")
_JOURNAL_CLIENT = re.compile(rb"client: ['\"]?([A-Za-z0-9_-]{1,64})")


DESK_FILE = ".desk"
DESK_TAG = re.compile(r"[a-z]{1,3}")
GIT_IGNORED = (".lock", ".lock-holder", ".mail.lock", ".mail.lock-holder", ".cache/", "*.tmp",
               DESK_FILE)
# Journals only grow and client files gain whole blocks, so a line-wise union keeps what
# both desks wrote; a client edited on both shows as a repeated field that `check` names.
GIT_ATTRIBUTES = ("journal/**/*.yaml merge=union", "clients/*.yaml merge=union")


def _next_id(text: str, stem: str, desk: str = "") -> str:
    """One past the highest number of the day's ids this desk gave in the journal:
    v-20261124-3 -> -4 (at desk b: v-20261124-3b -> -4b)."""
    pattern = rf"\bid: {re.escape(stem)}(\d+){desk}\b"
    taken = [int(found[1]) for found in re.finditer(pattern, text)]
    return f"{stem}{max(taken, default=0) + 1}{desk}"


def find_salon(explicit: str | None, env: str | None, cwd: Path) -> Path:
    """--data, else $SALONCTL_DATA, else the nearest folder upwards holding salon.yaml."""
    for given, what in ((explicit, "--data"), (env, "SALONCTL_DATA")):
        if given:
            root = Path(given)
            if not (root / SALON_FILE).is_file():
                raise UsageError(_("{option}: {folder} is not a salon folder (it has no "
                                   "{file}); create one with: salonctl init {folder}").format(
                    option=what, folder=given, file=SALON_FILE))
            return root
    for folder in (cwd, *cwd.parents):
        if (folder / SALON_FILE).is_file():
            return folder
    raise UsageError(_("no salon folder found: pass --data DIR, set SALONCTL_DATA, or run "
                       "inside a folder holding {file}. Create one with: salonctl init DIR")
                     .format(file=SALON_FILE))


@dataclass
class _Bucket:
    path: Path
    digest: str
    clients: list[model.Client] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # where each client's record starts
    # Every record's id and line, loaded or not: a record with a bad field still owns its
    # id, so its history is not reported as orphaned and a second use of it is caught.
    ids: list[tuple[str, int]] = field(default_factory=list)


class Salon:
    """A salon folder: read lazily, each file once, and written only under the lock."""

    def __init__(self, root: Path, lenient: bool = False) -> None:
        self.root = root
        self._settings: model.Settings | None = None
        self._buckets: list[_Bucket] | None = None
        self._history: model.History | None = None
        self._entries: list[tuple[Any, str, int]] | None = None
        self.warnings: list[str] = []
        # Lenient reading, for the commands that only read (the sheet, plans): a record that
        # does not read is passed over and the clients it touches are named, instead of the
        # whole salon failing. Writing and `check` stay strict.
        self.lenient = lenient
        self.passed_over: list[Problem] = []
        self.affected: dict[str, Problem] = {}  # client id -> the first problem touching her

    def rel(self, path: Path) -> str:
        """How a path is shown to the user: under the salon folder as it was given."""
        return str(self.root / path.relative_to(self.root))

    # --- reading --------------------------------------------------------------------------

    def _read(self, path: Path) -> tuple[str, str]:
        data = self._read_bytes(path)
        return self._text(path, data), fsutil.digest(data)

    def _read_bytes(self, path: Path) -> bytes:
        try:
            size = path.stat().st_size
        except OSError as error:
            raise StoreIOError(path, error.strerror or str(error)) from error
        if size > MAX_FILE_BYTES:
            raise DataError([Problem(
                self.rel(path), 1, 1,
                _("the file is too large ({size} bytes; at most {most})").format(
                    size=f"{size:,}", most=f"{MAX_FILE_BYTES:,}"),
            )])
        return fsutil.read_bytes(path)

    def _text(self, path: Path, data: bytes) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise DataError([Problem(
                self.rel(path), line, 1, _("not UTF-8 text; save the file as UTF-8"),
            )]) from None

    def size(self) -> int:
        """The bytes of the client files and journals: how long a full reading will take."""
        files = [*(self.root / CLIENTS_DIR).glob("*.yaml"), *(self.root / JOURNAL_DIR).glob("*/*.yaml")]
        return sum(path.stat().st_size for path in files if path.is_file())

    def desk(self) -> str:
        """This copy's desk tag, which ends every id made here ("" for the only desk)."""
        return read_desk(self.root)

    def settings(self) -> model.Settings:
        if self._settings is None:
            settings, problems = self.check_settings()
            if settings is None:
                raise DataError(problems)
            self._settings = settings
        return self._settings

    def check_settings(self) -> tuple[model.Settings | None, list[Problem]]:
        path = self.root / SALON_FILE
        text, _ = self._read(path)
        raw, problems = yamlio.parse(text, self.rel(path))
        if problems:
            return None, problems
        return codec.settings_from(raw, self.rel(path))

    def _load_buckets(self) -> tuple[list[_Bucket], list[Problem]]:
        buckets, problems = [], []
        for path in sorted((self.root / CLIENTS_DIR).glob("*.yaml")):
            bucket, found = self._load_bucket(path)
            buckets.append(bucket)
            problems += found
        return buckets, problems

    def _load_bucket(self, path: Path) -> tuple[_Bucket, list[Problem]]:
        data = self._read_bytes(path)
        bucket = _Bucket(path, fsutil.digest(data))
        records = cache.load(self.root, path, bucket.digest)
        if records is None:
            records = self._read_bucket_fast(path, data, bucket.digest)
        if records is None:
            where, text = self.rel(path), self._text(path, data)
            raw, problems = yamlio.parse(text, where)
            if problems and self.lenient:
                raw, problems = salvage.records(text, where)
            clients: list[model.Client] = []
            lines: list[int] = []
            if raw is not None:
                clients, lines, found = codec.clients_from(raw, where)
                problems += found
            if problems:  # keep the good records: `check` cross-checks them too
                bucket.clients, bucket.lines, bucket.ids = clients, lines, codec.record_ids(raw)
                self._pass_over(text, problems, salvage.CLIENT_ID)
                return bucket, problems
            records = list(zip(clients, lines, strict=True))
            cache.save(self.root, path, bucket.digest, records)
        bucket.clients = [client for client, _ in records]
        bucket.lines = [line for _, line in records]
        bucket.ids = [(client.id, line) for client, line in records]
        return bucket, []

    def _read_bucket_fast(self, path: Path, data: bytes, digest: str) -> list[Any] | None:
        """A client file's records read fast, when it is as salonctl writes it and every
        record reads (a problem is placed and worded by the PyYAML reading)."""
        fast = flowline.read_block(self._text(path, data))
        if fast is None:
            return None
        clients, lines, problems = codec.clients_from(fast, self.rel(path))
        if problems:
            return None
        records = list(zip(clients, lines, strict=True))
        cache.save(self.root, path, digest, records)
        return records

    def _pass_over(self, text: str, problems: list[Problem], owner: re.Pattern[str]) -> None:
        """Leniently: note each problem and the client whose record it is in."""
        if not self.lenient:
            return
        for problem in problems:
            self.passed_over.append(problem)
            client = salvage.owner(text, problem.line, owner)
            if client is not None:
                self.affected.setdefault(client, problem)

    def _buckets_or_raise(self) -> list[_Bucket]:
        if self._buckets is None:
            buckets, problems = self._load_buckets()
            if problems and not self.lenient:
                raise DataError(problems)
            self._buckets = buckets
            if self.lenient:
                self._drop_second_uses(buckets)
        return self._buckets

    def _drop_second_uses(self, buckets: list[_Bucket]) -> None:
        """Leniently: a client id used twice keeps its first client; the second is passed over.
        A referrer who is not a client is named too."""
        seen: dict[str, str] = {}
        ids = {client_id for bucket in buckets for client_id, _ in bucket.ids}
        self.passed_over += audit.merge_problems(  # such a record is read as not merged
            [(client, self.rel(bucket.path), line) for bucket in buckets
             for client, line in zip(bucket.clients, bucket.lines, strict=True)], ids)
        for bucket in buckets:
            keep = []
            for client, line in zip(bucket.clients, bucket.lines, strict=True):
                where = f"{self.rel(bucket.path)}:{line}"
                if client.referred_by and client.referred_by not in ids:
                    problem = Problem(self.rel(bucket.path), line, 3,
                                      _("referred_by {id} is not a client").format(
                                          id=repr(client.referred_by)))
                    self.passed_over.append(problem)
                    self.affected.setdefault(client.id, problem)
                if client.id in seen:
                    problem = Problem(self.rel(bucket.path), line, 3, _(
                        "client id {id} is used twice (also at {where})").format(
                        id=repr(client.id), where=seen[client.id]))
                    self.passed_over.append(problem)
                    self.affected.setdefault(client.id, problem)
                    continue
                seen[client.id] = where
                keep.append((client, line))
            bucket.clients = [c for c, _ in keep]
            bucket.lines = [line for _, line in keep]

    def clients(self) -> list[model.Client]:
        """The salon's clients: a record merged into another is not one (`merging`)."""
        records = self._records()
        kept = merging.kept_ids(records)
        return merging.live(records, kept) if kept else records

    def merged_clients(self) -> list[model.Client]:
        """The records merged into another client, each still found by her old id or phone."""
        records = self._records()
        kept = merging.kept_ids(records)
        return [client for client in records if client.id in kept]

    def _kept_ids(self) -> dict[str, str]:
        try:
            return merging.kept_ids(self._records())
        except DataError:  # a command that reads only the journals does not need them whole
            return {}

    def _records(self) -> list[model.Client]:
        return [c for bucket in self._buckets_or_raise() for c in bucket.clients]

    def history(self) -> model.History:
        """The journals as history, a merged client's entries read as the kept client's."""
        if self._history is None:
            self._history = codec.history_from(self.entries(), self._kept_ids())
        return self._history

    def entries(self) -> list[tuple[Any, str, int]]:
        """Every journal entry with the file and line it came from (leniently: the ones that
        read, each id once)."""
        if self._entries is None:
            entries, problems = self._load_journals()
            if problems and not self.lenient:
                raise DataError(problems)
            if self.lenient:
                entries = self._pass_over_entries(entries)
            self._entries = entries
        return self._entries

    def _pass_over_entries(self, entries: list[tuple[Any, str, int]]) -> list[tuple[Any, str, int]]:
        """Leniently, what `check` says of entries across files: an id used twice (the second
        is passed over), a client who is not one, a cancellation of nothing."""
        known = {client_id for bucket in self._buckets_or_raise() for client_id, _ in bucket.ids}
        owners = {(where, line): entry.client for entry, where, line in entries}
        for problem in audit.check_entries(entries, known, self._kept_ids()):
            self.passed_over.append(problem)
            if owners.get((problem.path, problem.line)) in known:
                self.affected.setdefault(owners[(problem.path, problem.line)], problem)
        seen: set[str] = set()
        kept = []
        for item in entries:
            if item[0].id not in seen:
                kept.append(item)
            seen.add(item[0].id)
        return kept

    def _journal_files(self, kind: codec.JournalKind) -> list[Path]:
        return sorted((self.root / JOURNAL_DIR / kind.folder).glob("*.yaml"))

    def _load_journals(self) -> tuple[list[tuple[Any, str, int]], list[Problem]]:
        """Every entry with the file and line it came from; problems for the rest."""
        entries: list[tuple[Any, str, int]] = []
        problems: list[Problem] = []
        for kind in codec.JOURNALS:
            for path in self._journal_files(kind):
                found, wrong = self._load_journal_file(kind, path)
                entries += found
                problems += wrong
        return entries, problems

    def _load_journal_file(
        self, kind: codec.JournalKind, path: Path
    ) -> tuple[list[tuple[Any, str, int]], list[Problem]]:
        where = self.rel(path)
        data = self._read_bytes(path)
        digest = fsutil.digest(data)
        cached = cache.load(self.root, path, digest)
        if cached is not None:
            return [(entry, where, line) for entry, line in cached], []
        text = self._text(path, data)
        complete = not text or text.endswith("\n")
        if not complete:
            # A line cut off by a crash was never reported as saved: leave it for the next
            # writer to set aside, and read the lines before it.
            self.warnings.append(
                f"warning: {where}: its last line is incomplete and is ignored; "
                "the next command that writes will set it aside"
            )
            text = text[: text.rfind("\n") + 1]
        fast = flowline.read(text)
        if fast is not None:  # salonctl's own lines, read fast; a problem is worded by PyYAML
            entries, problems = codec.entries_from(kind, fast, where, codec.month_of(path))
            if not problems:
                if complete:
                    cache.save(self.root, path, digest, [(e, line) for e, _, line in entries])
                return entries, []
        raw, problems = yamlio.parse(text, where)
        if problems and self.lenient:
            raw, problems = salvage.records(text, where)
        elif problems:
            return [], problems
        if raw is not None and not isinstance(raw, list):
            problems = [Problem(where, 1, 1,
                                _("a journal is a list of entries, one '- {...}' a line"))]
            self._pass_over(text, problems, salvage.ENTRY_CLIENT)
            return [], problems
        entries, found = codec.entries_from(kind, raw or [], where, codec.month_of(path))
        problems += found
        self._pass_over(text, problems, salvage.ENTRY_CLIENT)
        if complete and not problems:
            cache.save(self.root, path, digest, [(entry, line) for entry, _, line in entries])
        return entries, problems

    # --- writing (callers hold the lock) ---------------------------------------------------

    @contextlib.contextmanager
    def lock(self, command: str) -> Iterator[None]:
        """The salon's write lock; whoever takes it first tidies what a crash left."""
        wait = float(os.environ.get("SALONCTL_LOCK_WAIT", LOCK_WAIT_SECONDS))
        with locked(self.root, command, wait):
            self._recover()
            yield

    def _recover(self) -> None:
        """Writers hold the lock, so under it any temp file is a crashed write's (the old file
        is intact) and any journal line without its newline was never acknowledged."""
        temps = [p for folder in (self.root, self.root / CLIENTS_DIR)
                 for p in folder.glob(".*.tmp")]
        temps += list((self.root / rulebook.TEMPLATES_DIR).glob("*/.*.tmp"))
        for temp in temps:
            temp.unlink(missing_ok=True)
        torn = 0
        for kind in codec.JOURNALS:
            for path in self._journal_files(kind):
                torn += fsutil.tidy_tail(path)
        if temps or torn:
            print("salonctl: " + _("tidied up after an interrupted run: removed {temps} temp "
                                   "file(s), set aside {torn} cut-off journal line(s) as "
                                   "<file>.torn").format(temps=len(temps), torn=torn),
                  file=sys.stderr)

    def add_client(self, client: model.Client, known_ids: set[str] | None = None) -> None:
        """Write a new client into the last bucket (or a new one). `known_ids`, every client
        id there is, spares reading every bucket to check her referrer: then only the last
        bucket is read."""
        self._require_readable_client(client, known_ids)
        bucket, count = self._last_bucket()
        if bucket is None or len(bucket.clients) >= BUCKET_SIZE:
            bucket = _Bucket(self.root / CLIENTS_DIR / f"{count:04d}.yaml", fsutil.digest(b""))
            if self._buckets is not None:
                self._buckets.append(bucket)
        bucket.clients.append(client)
        self._write_bucket(bucket)

    def add_clients(self, clients: list[model.Client], known_ids: set[str]) -> None:
        """Write many new clients at once (an import): each bucket file rewritten once.
        Every one is checked before any file is written."""
        everyone = known_ids | {client.id for client in clients}
        for client in clients:
            self._require_readable_client(client, everyone)
        bucket, count = self._last_bucket()
        touched: list[_Bucket] = []
        for client in clients:
            if bucket is None or len(bucket.clients) >= BUCKET_SIZE:
                bucket = _Bucket(self.root / CLIENTS_DIR / f"{count:04d}.yaml", fsutil.digest(b""))
                count += 1
                if self._buckets is not None:
                    self._buckets.append(bucket)
            bucket.clients.append(client)
            if not any(each is bucket for each in touched):
                touched.append(bucket)
        for each in touched:
            self._write_bucket(each)

    def _last_bucket(self) -> tuple[_Bucket | None, int]:
        """The last client file and how many there are."""
        if self._buckets is not None:
            return (self._buckets[-1] if self._buckets else None), len(self._buckets)
        paths = sorted((self.root / CLIENTS_DIR).glob("*.yaml"))
        if not paths:
            return None, 0
        bucket, problems = self._load_bucket(paths[-1])
        if problems:
            raise DataError(problems)
        return bucket, len(paths)

    def replace_client(self, client: model.Client) -> None:
        self.replace_clients([client])

    def replace_clients(self, clients: list[model.Client]) -> None:
        """Rewrite these clients' records, each client file once, in the order the clients
        are given (so the record that completes a change is written last)."""
        for client in clients:
            self._require_readable_client(client)
        touched: list[_Bucket] = []
        for client in clients:
            bucket = self._bucket_of(client.id)
            bucket.clients = [client if old.id == client.id else old for old in bucket.clients]
            if not any(each is bucket for each in touched):
                touched.append(bucket)
        for bucket in touched:
            self._write_bucket(bucket)

    def _bucket_of(self, client_id: str) -> _Bucket:
        for bucket in self._buckets_or_raise():
            if any(c.id == client_id for c in bucket.clients):
                return bucket
        raise AssertionError(f"client {client_id} is not loaded")  # pragma: no cover

    def _require_readable_client(self, client: model.Client,
                                 known_ids: set[str] | None = None) -> None:
        """What is written must read back: the same rules for a command as for `check`."""
        raw, problems = yamlio.parse(codec.dump_clients([client]), "client")
        if not problems:
            problems = codec.clients_from(raw, "client")[2]
        if known_ids is None:
            known_ids = {c.id for c in self._records()} if client.referred_by else set()
        if client.referred_by and client.referred_by not in known_ids:
            problems.append(Problem("client", 1, 1, _("referred_by: {id} is not a client").format(
                id=repr(client.referred_by))))
        codec.refuse_as_arguments(problems)

    def _write_bucket(self, bucket: _Bucket) -> None:
        data = codec.dump_clients(bucket.clients).encode("utf-8")
        comments = self._hand_comments(bucket.path)
        fsutil.write_atomic(bucket.path, data, expected_digest=bucket.digest)
        bucket.digest = fsutil.digest(data)
        if comments:
            kept = bucket.path.with_name(bucket.path.name + ".comments")
            fsutil.append_line(kept, "".join(comments).encode("utf-8"))
            self.warnings.append(
                f"warning: {self.rel(bucket.path)}: salonctl rewrites client files in its own "
                f"layout, so its {len(comments)} comment line(s) were moved to {self.rel(kept)}")

    def _hand_comments(self, path: Path) -> list[str]:
        """Comment lines a person wrote in a client file (a rewrite would drop them)."""
        if not path.exists():
            return []
        text = self._text(path, self._read_bytes(path))
        return [f"{path.name}:{number}: {line}\n" for number, line in
                enumerate(text.splitlines(), 1) if line.lstrip().startswith("#")]

    def append(self, make_entry: Callable[[str], model.Entry]) -> model.Entry:
        """Give a new entry the next free id of its day and append it to its journal."""
        probe = make_entry("")
        path = self.root / codec.journal_file(probe)
        data = self._read_bytes(path) if path.exists() else b""
        self._require_parsing(path, data)
        entry = make_entry(_next_id(self._text(path, data), codec.id_stem(probe), self.desk()))
        line = codec.journal_line(entry).encode("utf-8")
        self._require_readable_entry(entry, line.decode("utf-8"))
        warning = fsutil.append_line(path, line)
        if warning:
            self.warnings.append(warning)
        self._history = self._entries = None
        return entry

    def retract(self, entry: model.Entry) -> None:
        """Take back the line `append` just wrote, when a later step of the same command
        failed: a command changes everything it set out to, or nothing."""
        path = self.root / codec.journal_file(entry)
        fsutil.remove_last_line(path, codec.journal_line(entry).encode("utf-8"))
        self._history = self._entries = None

    def _require_readable_entry(self, entry: model.Entry, line: str) -> Any:
        """What is appended must read back as an entry, in the right month's file: the entry
        as it will be read."""
        kind, _ = codec.KIND_OF[type(entry)]
        raw, problems = yamlio.parse(line, "entry")
        read: list[tuple[Any, str, int]] = []
        if not problems:
            read, problems = codec.entries_from(kind, raw or [], "entry",
                                                (entry.date.year, entry.date.month))
        codec.refuse_as_arguments(problems)
        return read[0][0]

    def used_client_ids(self) -> set[str]:
        """Every client id in the client files (readable or not) or named in a journal,
        read from the text so that not even a broken file hides one."""
        used = {client_id for bucket in self._buckets_or_raise() for client_id, _ in bucket.ids}
        named: set[bytes] = set()
        for kind in codec.JOURNALS:
            for path in self._journal_files(kind):
                named.update(_JOURNAL_CLIENT.findall(fsutil.read_bytes(path)))
        return used | {client_id.decode("ascii", "replace") for client_id in named}

    def desks_seen(self) -> set[str]:
        """The desk tags that end ids anywhere in the salon (read as text, like ids)."""
        tags = {m[1] for client_id in self.used_client_ids()
                if (m := _TAGGED_CLIENT.fullmatch(client_id))}
        for kind in codec.JOURNALS:
            for path in self._journal_files(kind):
                tags.update(tag.decode() for tag in _TAGGED_ENTRY.findall(fsutil.read_bytes(path)))
        return tags

    def _require_parsing(self, path: Path, data: bytes) -> None:
        """A line added to a file that does not parse would be lost in it: that is refused.
        Cheapest first: the file as the derived store last found it (every file it records
        reads), then salonctl's own lines read fast, then PyYAML."""
        if not data:
            return
        text = self._text(path, data)
        complete = text[: text.rfind("\n") + 1]
        relative = path.relative_to(self.root).as_posix()
        if derived.recorded_digest(self.root, relative) == fsutil.digest(data):
            return
        if flowline.read(complete) is not None:
            return
        problems = yamlio.parse(complete, self.rel(path))[1]
        if problems:
            raise DataError(problems, hint=_("nothing was written: fix that file first "
                                             "(salonctl check lists every problem)"))

    def rules(self) -> list[Rule]:
        rules, problems = rulebook.load_rules(
            self.root, self.rel(self.root / rulebook.RULES_FILE), self.settings().language)
        if problems:
            raise DataError(problems)
        return rules

    def scripts(self) -> dict[str, Template]:
        return rulebook.load_scripts(self.root, str(self.root), self.settings().language)

    # --- check ----------------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """Every problem in every file of the salon, for `salonctl check`."""
        problems: list[Problem] = []
        try:
            problems += self.check_settings()[1]
        except DataError as error:
            problems += error.problems
        buckets, found = self._load_buckets()
        problems += found
        entries, found = self._load_journals()
        problems += found
        ids = [(i, self.rel(b.path), line) for b in buckets for i, line in b.ids]
        clients = [(c, self.rel(b.path), line)
                   for b in buckets for c, line in zip(b.clients, b.lines, strict=True)]
        problems += audit.cross_check(ids, clients, entries)
        problems += audit.wrong_numbers(clients, [e for e, _, _ in entries])
        problems += self._rule_problems()
        problems += catalogfile.load(self.root)[1]
        problems += daynotes.load(self.root)[1]
        problems += outbox.problems(self.root, str(self.root))
        return sorted(problems)

    def loose_modes(self) -> list[Path]:
        """Files and folders others may read (a copied salon keeps 0644 and 0755)."""
        found = []
        for folder, names, files in os.walk(self.root):
            names[:] = [n for n in names if n != ".git"]
            for path in (Path(folder), *(Path(folder) / f for f in files)):
                if not path.is_symlink() and path.stat().st_mode & 0o077:
                    found.append(path)
        return found

    def _rule_problems(self) -> list[Problem]:
        try:
            language = self.settings().language
        except DataError:
            return []  # already reported with salon.yaml
        shown = self.rel(self.root / rulebook.RULES_FILE)
        rules, problems = rulebook.load_rules(self.root, shown, language)
        cycle_problems = rulebook.load_cycle(
            self.root, self.rel(self.root / rulebook.CYCLE_FILE), language)[1]
        return problems + cycle_problems + rulebook.script_problems(rules, self.scripts(), shown)


def read_desk(root: Path) -> str:
    """This copy's desk tag (`salonctl desk add`), "" for a salon kept in one place. Ids made
    here end in it, so two copies merged by git never give one id twice."""
    path = root / DESK_FILE
    try:
        tag = path.read_text("utf-8").strip()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(_("{path}: cannot read this desk's tag ({error}); set it again with: "
                           "salonctl desk add TAG").format(path=path, error=error)) from None
    if not DESK_TAG.fullmatch(tag):
        raise UsageError(_("{path}: {tag} is not a desk tag (1-3 letters a-z); set it again "
                           "with: salonctl desk add TAG").format(path=path, tag=repr(tag)))
    return tag


def write_desk(root: Path, tag: str) -> None:
    fsutil.write_atomic(root / DESK_FILE, f"{tag}\n".encode())


def init_salon(root: Path, name: str, language: str) -> None:
    """A new, empty salon folder; refuses to touch a folder that already holds a salon."""
    if (root / SALON_FILE).exists():
        raise UsageError(_("{folder} already holds a salon ({file}); nothing was changed").format(
            folder=root, file=root / SALON_FILE))
    if root.exists() and any(p.name != ".git" for p in root.iterdir()):
        raise UsageError(_("{folder} is not empty; choose a new folder for the salon").format(
            folder=root))
    settings = model.Settings(name=name, language=language)  # type: ignore[arg-type]
    fsutil.ensure_dir(root)
    root.chmod(fsutil.DIR_MODE)
    for folder in (CLIENTS_DIR, *(f"{JOURNAL_DIR}/{kind.folder}" for kind in codec.JOURNALS)):
        fsutil.ensure_dir(root / folder)
    fsutil.write_atomic(root / ".gitignore", "".join(f"{line}\n" for line in GIT_IGNORED).encode())
    fsutil.write_atomic(root / ".gitattributes",
                        "".join(f"{line}\n" for line in GIT_ATTRIBUTES).encode())
    fsutil.write_atomic(root / SALON_FILE, codec.render_settings(settings).encode("utf-8"))
    rulebook.write_defaults(root, language)


