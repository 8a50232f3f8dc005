"""A disposable store derived from the salon's files, so a morning's sheet reads only the
clients who may be due instead of every record of every year.

The YAML files stay the truth. `.cache/derived.sqlite3` holds every client record and
journal entry indexed by client, and for each client a span of days on which she cannot be
due (`quiet_from`..`quiet_until`, worked out by the engine when it last evaluated her). Each
run stats the files: a file is unchanged when its size and mtime are what was recorded (and,
when the mtime is too close to the recording to be trusted, its digest too). A journal that
only grew is read from its old end; a client file that changed is read again and compared
record by record; the clients those touch (and whoever referred them) are evaluated anew. A
change to salon.yaml, the rules or the cycle makes every client evaluated again. Anything
else (a file gone, a line edited in the middle of a journal, a record that does not read,
a store from another version) rebuilds the store from a full reading, and a salon with
problems is not served from it at all: the lenient full reading names them.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from salonctl import __version__
from salonctl.disk import cache, flowline, fsutil, yamlio
from salonctl.engine import cards, model
from salonctl.errors import StoreIOError
from salonctl.files import codec, merging, rulebook, schema

FILE = "derived.sqlite3"
FORMAT = f"salonctl {__version__} derived 11"
RACY_NS = 3_000_000_000  # an mtime this close to when it was recorded may hide a change
_FORGET_ALL = "UPDATE clients SET quiet_from = NULL, quiet_until = NULL, day = NULL, result = NULL"
# A client's evaluated day: the result's text, her caller, must (0/1), priority, days lapsed
# (-1: not a win-back) and spend in cents (NULL when not whole cents), as `worklist` ranks;
# whether her row is a call (0/1: else a message, never held) and carries a message (0/1:
# a held call gives its message up, so the row is read back whatever its rank).
Result = tuple[str, str, int, int, int, int | None, int, int]
_FORGET_ONE = _FORGET_ALL + " WHERE id = ?"
CONFIG_FILES = ("salon.yaml", rulebook.RULES_FILE, rulebook.CYCLE_FILE)
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                   digest TEXT NOT NULL, seen_ns INTEGER NOT NULL);
CREATE TABLE clients(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, bucket TEXT NOT NULL,
                     referred_by TEXT, record TEXT NOT NULL,
                     phone TEXT NOT NULL, name TEXT NOT NULL, note TEXT NOT NULL,
                     quiet_from TEXT, quiet_until TEXT, day TEXT, result TEXT,
                     caller TEXT, must INTEGER, priority INTEGER, lapse INTEGER,
                     spent_cents INTEGER, is_call INTEGER, has_message INTEGER,
                     merged_into TEXT);
CREATE INDEX clients_by_referrer ON clients(referred_by);
CREATE INDEX clients_by_phone ON clients(phone);
CREATE INDEX clients_merged ON clients(merged_into) WHERE merged_into IS NOT NULL;
CREATE TABLE entries(id TEXT PRIMARY KEY, owner TEXT NOT NULL, client TEXT NOT NULL,
                     kind TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX entries_by_owner ON entries(owner);
CREATE INDEX entries_by_client ON entries(client);
CREATE TABLE forecasts(client TEXT NOT NULL, span TEXT NOT NULL, days TEXT NOT NULL,
                       valid_from TEXT NOT NULL, valid_until TEXT NOT NULL,
                       PRIMARY KEY (client, span));
"""


@dataclass(frozen=True)
class Seen:
    """A file as last recorded: its size and mtime, and the digest of its bytes."""

    size: int
    mtime_ns: int
    digest: str
    seen_ns: int


class Rebuild(Exception):
    """The store cannot be brought up to date piece by piece."""


def _scan(root: Path) -> dict[str, tuple[int, int]]:
    """Every file the store derives from: path under the salon -> (size, mtime_ns)."""
    found = {}
    paths: Iterable[Path] = [
        *(root / name for name in CONFIG_FILES),
        *sorted((root / "clients").glob("*.yaml")),
        *sorted(path for path in (root / codec.JOURNAL_DIR).glob("*/*.yaml")
                if path.parent.name != "notes"),  # the day's notes bear on no client
    ]
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            status = path.stat()
            found[path.relative_to(root).as_posix()] = (status.st_size, status.st_mtime_ns)
    return found


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


class Derived:
    """The store of one salon folder, open."""

    def __init__(self, root: Path, connection: sqlite3.Connection) -> None:
        self.root = root
        self.db = connection

    # --- what the engine reads -------------------------------------------------------------

    def unsettled(self, day: date) -> list[str]:
        """The clients who may be due on `day`: every one not known quiet on it."""
        text = day.isoformat()
        return [row[0] for row in self.db.execute(
            "SELECT id FROM clients WHERE merged_into IS NULL AND (quiet_from IS NULL "
            "OR ? < quiet_from OR ? >= quiet_until) ORDER BY seq", (text, text))]

    def clients(self, ids: Iterable[str]) -> list[model.Client]:
        return [cache.decode(model.Client, json.loads(record))
                for (record,) in self._select("SELECT record FROM clients WHERE id IN ({}) "
                                              "ORDER BY seq", list(ids))]

    def client(self, client_id: str) -> model.Client:
        """One client the store holds, by id."""
        return self.clients([client_id])[0]

    def merged_into(self, client_id: str) -> list[str]:
        """The records merged into this client."""
        return [row[0] for row in self.db.execute(
            "SELECT id FROM clients WHERE merged_into = ? ORDER BY seq", (client_id,))]

    def guests_of(self, ids: Iterable[str]) -> list[model.Client]:
        wanted = set(ids)
        return [cache.decode(model.Client, json.loads(record))
                for (client_id, record) in self._select(
                    "SELECT id, record FROM clients WHERE referred_by IN ({}) "
                    "AND merged_into IS NULL ORDER BY seq",
                    list(wanted))
                if client_id not in wanted]

    def history(self, ids: Iterable[str]) -> model.History:
        """Their entries, and every cancellation or closure of one of theirs."""
        entries = []
        for (records,) in self._select(  # one JSON text per chunk: far fewer parses
                "SELECT '[' || group_concat('[\"' || kind || '\",' || record || ']') || ']'"
                " FROM entries WHERE owner IN ({0}) OR client IN ({0})", list(ids)):
            entries += [(cache.decode(cache.TYPES[kind], fields), "", 0)
                        for kind, fields in json.loads(records or "[]")]
        return codec.history_from(entries, _kept_ids(self))

    def _select(self, sql: str, values: list[str], *first: str) -> Iterator[tuple[Any, ...]]:
        """`sql` with its `IN ({0})` lists filled with `values`, in chunks SQLite can bind."""
        times = sql.count("{0}") or sql.count("{}")
        for start in range(0, len(values), 400):
            chunk = values[start:start + 400]
            marks = ",".join("?" * len(chunk))
            yield from self.db.execute(sql.replace("{0}", marks).replace("{}", marks),
                                       [*first, *chunk * times])

    def results(self, day: date, ids: Iterable[str]) -> dict[str, str]:
        """What evaluating these clients on `day` gave, for those it is known of."""
        return dict(self._select("SELECT id, result FROM clients WHERE day = ? AND id IN ({})",
                                 list(ids), day.isoformat()))

    def evaluated(self, day: date, ids: Iterable[str]) -> set[str]:
        """Which of these clients were evaluated on `day` since their records last changed."""
        return {row[0] for row in self._select(
            "SELECT id FROM clients WHERE day = ? AND id IN ({})", list(ids), day.isoformat())}

    def remember(self, day: date, quiet: dict[str, date], results: dict[str, Result]) -> None:
        """Note who cannot be due from `day` until when, and what the others' evaluation on
        `day` gave: the result and the terms that place her row."""
        self.remember_quiet(day, quiet)
        with self._noting():
            self.db.executemany(
                "UPDATE clients SET day = ?, result = ?, caller = ?, must = ?, priority = ?, "
                "lapse = ?, spent_cents = ?, is_call = ?, has_message = ? WHERE id = ?",
                [(day.isoformat(), *result, client_id) for client_id, result in results.items()])

    def orderable(self, day: date) -> bool:
        """Whether every row of `day` can be ordered here (spend in whole cents)."""
        return self.db.execute(
            "SELECT 1 FROM clients WHERE day = ? AND result IS NOT NULL AND spent_cents IS NULL "
            "LIMIT 1", (day.isoformat(),)).fetchone() is None

    def standing(self, day: date, client_id: str, limit: int) -> tuple[str, int, int, bool] | None:
        """Her caller, rank, the caller's count of rows and whether hers is held, on `day`
        (None: she is not due then). Ask `orderable` first."""
        found = self.db.execute(
            "SELECT caller, rank, count, rank > max(?, musts) FROM (SELECT id, caller, "  # noqa: S608
            f"{_RANK} AS rank, COUNT(*) OVER (PARTITION BY caller) AS count, "
            "SUM(must) OVER (PARTITION BY caller) AS musts FROM clients "
            "WHERE day = ? AND result IS NOT NULL AND is_call) WHERE id = ?",
            (limit, day.isoformat(), client_id)).fetchone()
        return None if found is None else (str(found[0]), found[1], found[2], bool(found[3]))

    def placed(self, day: date, limit: int) -> tuple[list[str], dict[str, int]] | None:
        """The clients on each caller's sheet of `day` (the `limit` best placed calls, every
        must-call and every row with a message), and how many calls each caller has held;
        None when a row's terms cannot be ordered here (the caller then places every row)."""
        rows = self.db.execute(
            f"SELECT id, caller, spent_cents IS NULL, is_call, has_message, {_RANK}, "  # noqa: S608
            "SUM(must) OVER (PARTITION BY caller, is_call) FROM clients "
            "WHERE day = ? AND result IS NOT NULL", (day.isoformat(),)).fetchall()
        if any(inexact for _, _, inexact, _, _, _, _ in rows):
            return None
        shown: list[str] = []
        held: dict[str, int] = {}
        for client_id, caller, _, is_call, has_message, rank, musts in rows:
            beyond = is_call and rank > max(limit, musts)
            if beyond:
                held[caller] = held.get(caller, 0) + 1
            if not beyond or has_message:
                shown.append(client_id)
        return shown, held

    def lookup(self, wanted: str) -> list[model.Client]:
        """Every client `wanted` could name: by id, by phone digits, or with it in her name
        (a superset, in file order, for the caller's exact rules)."""
        return self._decoded(self.db.execute(
            "SELECT record FROM clients WHERE id = ? OR phone = ? OR instr(name, ?) > 0 "
            "ORDER BY seq", (wanted, schema.phone_digits(wanted), wanted.strip().casefold())))

    def search(self, text: str) -> list[model.Client]:
        """Every client with `text` in her name, phone or note (a superset, in file order)."""
        folded, digits = text.casefold(), schema.phone_digits(text)
        return self._decoded(self.db.execute(
            "SELECT record FROM clients WHERE instr(name, ?) > 0 OR instr(note, ?) > 0 "
            "OR (? != '' AND instr(phone, ?) > 0) ORDER BY seq", (folded, folded, digits, digits)))

    @staticmethod
    def _decoded(rows: Iterable[tuple[Any, ...]]) -> list[model.Client]:
        return [cache.decode(model.Client, json.loads(record)) for (record,) in rows]

    def consultants(self) -> set[str]:
        """Every consultant named in a client file."""
        return {row[0] for row in self.db.execute(
            "SELECT DISTINCT json_extract(record, '$.consultant') FROM clients "
            "WHERE merged_into IS NULL") if row[0]}

    def all_ids(self) -> list[str]:
        """Every client's id (not a merged record's), in file order."""
        return [row[0] for row in self.db.execute(
            "SELECT id FROM clients WHERE merged_into IS NULL ORDER BY seq")]

    def used_ids(self) -> set[str]:
        """Every id a client record holds, merged or not: none may be given again."""
        return {row[0] for row in self.db.execute("SELECT id FROM clients")}

    def forecasts(self, span: str, day: date) -> dict[str, set[date]]:
        """Each client's forecast call days over `span` that still hold on `day`."""
        text = day.isoformat()
        return {client: {date.fromisoformat(d) for d in json.loads(days)}
                for client, days in self.db.execute(
                    "SELECT client, days FROM forecasts WHERE span = ? AND valid_from <= ? "
                    "AND ? < valid_until", (span, text, text))}

    def remember_forecasts(self, span: str, day: date,
                           found: dict[str, tuple[set[date], date]]) -> None:
        """Keep these forecasts, made on `day`, each until the day it holds to."""
        with self._noting():
            self.db.executemany("INSERT OR REPLACE INTO forecasts VALUES (?, ?, ?, ?, ?)", [
                (client, span, json.dumps(sorted(d.isoformat() for d in days)),
                 day.isoformat(), until.isoformat()) for client, (days, until) in found.items()])

    def takings(self) -> list[tuple[date, Decimal]]:
        """The money taken by day (`cards.takings`): read in SQL, but for the few entries a
        correction touches, which are read whole and corrected first."""
        corrected = {row[0] for row in self.db.execute(
            "SELECT json_extract(record, '$.corrects') FROM entries WHERE kind = 'Correction'")}
        found = [(date.fromisoformat(day), Decimal(amount)) for entry_id, day, amount
                 in self.db.execute(_TAKINGS) if entry_id not in corrected]
        if corrected:
            rows = self.db.execute(
                "SELECT kind, record FROM entries WHERE kind IN ('Visit', 'Card', 'CardTopUp') "
                "AND id IN (SELECT json_extract(record, '$.corrects') FROM entries WHERE kind = "
                "'Correction') OR kind = 'Correction'").fetchall()
            entries = [(cache.decode(cache.TYPES[kind], json.loads(record)), "", 0)
                       for kind, record in rows]
            found += cards.takings(codec.history_from(entries))
        return found

    def forget(self, ids: Iterable[str]) -> None:
        """Evaluate these clients afresh next time (what is kept of them does not read)."""
        with self._noting():
            self.db.executemany(_FORGET_ONE, [(i,) for i in ids])

    def remember_quiet(self, day: date, quiet: dict[str, date]) -> None:
        """Note who cannot be due from `day` until when; the rest are evaluated every run."""
        # A span found earlier from the same records still holds: one that meets the new one
        # joins it, so asking about tomorrow does not undo what is known about today.
        with self._noting():
            self.db.executemany(
                "UPDATE clients SET"
                " quiet_from = CASE WHEN quiet_from <= :until AND :from <= quiet_until"
                " THEN min(quiet_from, :from) ELSE :from END,"
                " quiet_until = CASE WHEN quiet_from <= :until AND :from <= quiet_until"
                " THEN max(quiet_until, :until) ELSE :until END WHERE id = :id",
                [{"from": day.isoformat(), "until": until.isoformat(), "id": client_id}
                 for client_id, until in quiet.items()])

    @contextlib.contextmanager
    def _noting(self) -> Iterator[None]:
        """A write of what was worked out: if the store cannot take it (a full disk, a
        store another run replaced), it is worked out again next time; the run goes on."""
        with contextlib.suppress(sqlite3.Error), self._transaction():
            yield

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- bringing it up to date ------------------------------------------------------------

    def recorded(self) -> dict[str, Seen]:
        return {path: Seen(*values) for path, *values in self.db.execute(
            "SELECT path, size, mtime_ns, digest, seen_ns FROM files")}

    def format(self) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        return None if row is None else str(row[0])


def synced(salon: Any, rebuilding: Callable[[int], None] = lambda size: None
           ) -> tuple[Derived, bool] | None:
    """The salon's derived store brought up to date, and whether it was just rebuilt (its
    clients are then all unsettled, and the salon is read in full already); None when the
    salon has problems or the store cannot be written: read the files instead. `rebuilding`
    is told the bytes to read before a rebuild (a large salon takes a while)."""
    path = salon.root / cache.CACHE_DIR / FILE
    try:
        fsutil.refuse_link(path)  # .cache/ behind a link: no store, the files are read
        fsutil.ensure_dir(path.parent)
        with contextlib.suppress(Rebuild, sqlite3.DatabaseError):
            return _brought_up_to_date(salon.root, path), False
        rebuilding(sum(size for size, _ in _scan(salon.root).values()))
        _remove(path)
        derived = _open(salon.root, path)
        # Built only from a lenient reading, which checks across files too (an entry of
        # nobody, an id used twice): a store must never hold what `check` would refuse.
        reading = salon if salon.lenient else type(salon)(salon.root, lenient=True)
        return (derived, reading is salon) if _rebuild(derived, reading) else None
    except (sqlite3.Error, OSError, StoreIOError):
        return None  # a store that cannot be used is no store: the files are read instead


def _open(root: Path, path: Path) -> Derived:
    """The store, created private to the salon's user (SQLite gives its -wal and -shm files
    the same mode)."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600))
    return Derived(root, _connect(path))


def _brought_up_to_date(root: Path, path: Path) -> Derived:
    if not path.exists():
        raise Rebuild
    derived = _open(root, path)
    try:
        with derived._transaction():
            _update(derived, root)
    except BaseException:
        derived.db.close()
        raise
    return derived


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(FILE + "-wal"), path.with_name(FILE + "-shm")):
        leftover.unlink(missing_ok=True)


def recorded_digest(root: Path, path: str) -> str | None:
    """The digest of a file as the store last read it (and found it sound), if it has."""
    store = root / cache.CACHE_DIR / FILE
    if not store.exists():
        return None
    try:
        uri = store.resolve().as_uri() + "?mode=ro"  # percent-encoded: any folder name
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            row = db.execute("SELECT digest FROM files WHERE path = ?", (path,)).fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


def _update(derived: Derived, root: Path) -> None:
    if derived.format() != FORMAT:
        raise Rebuild
    recorded, now = derived.recorded(), _scan(root)
    if set(recorded) - set(now):
        raise Rebuild  # a file is gone
    dirty: set[str] = set()
    config_changed = False
    for path, (size, mtime_ns) in now.items():
        seen = recorded.get(path)
        if seen and (seen.size, seen.mtime_ns) == (size, mtime_ns) \
                and mtime_ns + RACY_NS < seen.seen_ns:
            continue
        data = fsutil.read_bytes(root / path)
        digest = fsutil.digest(data)
        if seen is None or seen.digest != digest:
            if path in CONFIG_FILES:
                config_changed = True
            elif path.startswith("clients/"):
                dirty |= _reread_bucket(derived, path, data)
            elif seen is None:
                dirty |= _read_tail(derived, path, data)  # a new month's journal
            elif len(data) > seen.size and fsutil.digest(data[:seen.size]) == seen.digest:
                dirty |= _read_tail(derived, path, data[seen.size:])
            else:
                raise Rebuild  # a journal edited, not appended to
        _record_file(derived, path, len(data), mtime_ns, digest)
    if config_changed:
        derived.db.execute(_FORGET_ALL)
        derived.db.execute("DELETE FROM forecasts")
    elif dirty:
        _unsettle(derived, dirty)


def _record_file(derived: Derived, path: str, size: int, mtime_ns: int, digest: str) -> None:
    derived.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                       (path, size, mtime_ns, digest, time.time_ns()))


def _unsettle(derived: Derived, ids: set[str]) -> None:
    """Evaluate these clients again, and whoever referred them (a guest's visit is an event
    of her referrer's)."""
    wanted = list(ids)
    referrers = {row[0] for row in derived._select(
        "SELECT referred_by FROM clients WHERE id IN ({}) AND referred_by IS NOT NULL", wanted)}
    forget = [(i,) for i in {*wanted, *referrers}]
    derived.db.executemany(_FORGET_ONE, forget)
    derived.db.executemany("DELETE FROM forecasts WHERE client = ?", forget)


def _parsed(path: str, data: bytes) -> Any:
    """A file's records, or Rebuild when they do not read cleanly (the full reading then
    names the problem)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Rebuild from None
    if text and not text.endswith("\n"):
        raise Rebuild
    raw, problems = yamlio.parse(text, path)
    if problems:
        raise Rebuild
    return raw


def _read_tail(derived: Derived, path: str, tail: bytes) -> set[str]:
    """Store the entries of lines added to a journal; the clients they are about."""
    try:
        raw = flowline.read(tail.decode("utf-8")) if tail.endswith(b"\n") else None
    except UnicodeDecodeError:
        raise Rebuild from None
    if raw is None:
        raw = _parsed(path, tail)
    folder = path.split("/")[1]
    kind = next(k for k in codec.JOURNALS if k.folder == folder)
    if raw is not None and not isinstance(raw, list):
        raise Rebuild
    entries, problems = codec.entries_from(kind, raw or [], path, codec.month_of(Path(path)))
    if problems:
        raise Rebuild
    touched: set[str] = set()
    kept = _kept_ids(derived)
    for entry, _, _ in entries:
        owner = _owner(derived, entry, kept)
        try:
            derived.db.execute("INSERT INTO entries VALUES (?, ?, ?, ?, ?)",
                               (entry.id, owner, entry.client, type(entry).__name__,
                                cache.encode_json(entry)))
        except sqlite3.IntegrityError:
            raise Rebuild from None  # an id used twice
        touched |= {owner, entry.client}
    return touched


def _owner(derived: Derived, entry: Any, kept: dict[str, str]) -> str:
    """Whose book an entry belongs in: a cancellation or a closure goes with what it ends,
    a merged client's with the kept client."""
    if derived.db.execute("SELECT 1 FROM clients WHERE id = ?", (entry.client,)).fetchone() is None:
        raise Rebuild  # an entry of nobody
    target = _target(entry)
    if not target:
        return kept.get(entry.client, str(entry.client))
    found = derived.db.execute("SELECT owner, kind FROM entries WHERE id = ?",
                               (target,)).fetchone()
    if found is None or not _ends_kind(entry, found[1]):
        raise Rebuild  # a cancellation, closure or correction of nothing
    return str(found[0])


def _reread_bucket(derived: Derived, path: str, data: bytes) -> set[str]:
    """Store a client file's records again; the clients that changed."""
    try:
        raw = flowline.read_block(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Rebuild from None
    if raw is None:
        raw = _parsed(path, data)
    clients, _, problems = codec.clients_from(raw, path)
    if problems:
        raise Rebuild
    old = dict(derived.db.execute("SELECT id, record FROM clients WHERE bucket = ?", (path,)))
    if set(old) - {c.id for c in clients}:
        raise Rebuild  # a client taken out of the file
    base = _bucket_index(derived.root, path) * BUCKET_STRIDE
    kept = _kept_ids(derived)
    changed: set[str] = set()
    for position, client in enumerate(clients):
        row = _client_row(client, base + position, path, kept)
        if old.get(client.id) == row[4] and client.merged_into == kept.get(client.id):
            continue
        if client.merged_into or client.id in kept:
            raise Rebuild  # a merge made or undone: whose entries are whose is read anew
        if client.id not in old and derived.db.execute(
                "SELECT 1 FROM clients WHERE id = ?", (client.id,)).fetchone():
            raise Rebuild  # an id used in two files
        derived.db.execute(_PUT_CLIENT, row)
        changed.add(client.id)
    _require_referrers(derived, clients)
    return changed


def _require_referrers(derived: Derived, clients: list[model.Client]) -> None:
    for client in clients:
        if client.referred_by and derived.db.execute(
                "SELECT 1 FROM clients WHERE id = ?", (client.referred_by,)).fetchone() is None:
            raise Rebuild  # referred by someone who is not a client


# cards.takings in SQL: visits not paid with a card, card prices, top-ups (price or amount)
_TAKINGS = (
    "SELECT id, json_extract(record, '$.date'), json_extract(record, '$.amount') FROM entries "
    "WHERE kind = 'Visit' AND json_extract(record, '$.amount') IS NOT NULL "
    "AND json_extract(record, '$.card') IS NULL "
    "UNION ALL SELECT id, json_extract(record, '$.date'), json_extract(record, '$.price') "
    "FROM entries WHERE kind = 'Card' AND json_extract(record, '$.price') IS NOT NULL "
    "UNION ALL SELECT id, json_extract(record, '$.date'), coalesce(json_extract(record, "
    "'$.price'), json_extract(record, '$.amount')) FROM entries WHERE kind = 'CardTopUp' "
    "AND coalesce(json_extract(record, '$.price'), json_extract(record, '$.amount')) IS NOT NULL")
BUCKET_STRIDE = 1_000_000  # a client's order: her file's place, then hers in the file
_PUT_CLIENT = ("INSERT OR REPLACE INTO clients VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, "
               "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ?)")
# A row's place among its caller's calls (messages rank apart), as `worklist` orders them.
_RANK = ("ROW_NUMBER() OVER (PARTITION BY caller, is_call ORDER BY must DESC, priority, lapse, "
         "spent_cents DESC, id)")


def _client_row(client: model.Client, seq: int, bucket: str, kept: dict[str, str]
                ) -> tuple[Any, ...]:
    """Her row: her record as the salon sees it (a merged referrer read through), what `find`
    and lookups search (digits, folded text), and whom she was merged into."""
    seen = merging.as_seen(client, kept)
    return (client.id, seq, bucket, seen.referred_by, cache.encode_json(seen),
            schema.phone_digits(client.phone), client.name.casefold(),
            (client.note or "").casefold(), kept.get(client.id))


def _kept_ids(derived: Derived) -> dict[str, str]:
    """The merged clients' ids -> the kept ones' (a store holds only merges that hold)."""
    return dict(derived.db.execute(
        "SELECT id, merged_into FROM clients WHERE merged_into IS NOT NULL"))


def _bucket_index(root: Path, path: str) -> int:
    return [p.relative_to(root).as_posix() for p in sorted((root / "clients").glob("*.yaml"))
            ].index(path)


def _rebuild(derived: Derived, salon: Any) -> bool:
    """Fill an empty store from a full reading of the salon; False (and no store) when the
    salon has problems to name or changed while it was read. Call it before anything else
    reads the client files or the journals: the scans must bracket the reading."""
    before = _scan(salon.root)
    entries = salon.entries()
    buckets = salon.client_files.buckets()
    if salon.passed_over or salon.warnings:
        return _give_up(derived)
    digests = {path: fsutil.digest(fsutil.read_bytes(salon.root / path)) for path in before}
    if _scan(salon.root) != before:
        return _give_up(derived)
    kept = merging.kept_ids(c for bucket in buckets for c in bucket.clients)
    owners = {entry.id: kept.get(entry.client, entry.client) for entry, _, _ in entries}
    db = derived.db
    with derived._transaction():
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
        db.executemany(_PUT_CLIENT, (
            _client_row(client, index * BUCKET_STRIDE + position,
                        bucket.path.relative_to(salon.root).as_posix(), kept)
            for index, bucket in enumerate(buckets)
            for position, client in enumerate(bucket.clients)))
        db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", (
            (entry.id, owners.get(_target(entry), owners[entry.id]), entry.client,
             type(entry).__name__, cache.encode_json(entry)) for entry, _, _ in entries))
        for path, (size, mtime_ns) in before.items():
            _record_file(derived, path, size, mtime_ns, digests[path])
    return True


def _target(entry: Any) -> str:
    """The appointment a cancellation ends, the complaint a closure ends, the entry a
    correction corrects; else ""."""
    return str(getattr(entry, "cancels", None) or getattr(entry, "closes", None)
               or getattr(entry, "corrects", None) or getattr(entry, "tops_up", None) or "")


def _ends_kind(entry: Any, kind: str) -> bool:
    if isinstance(entry, model.Cancellation):
        return kind == "Appointment"
    if isinstance(entry, model.ComplaintClosed):
        return kind == "Complaint"
    if isinstance(entry, model.CardTopUp):
        return kind == "Card"
    return kind in {cls.__name__ for cls, _ in codec.CORRECTABLE.values()}


def _give_up(derived: Derived) -> bool:
    derived.db.close()
    _remove(derived.root / cache.CACHE_DIR / FILE)
    return False
