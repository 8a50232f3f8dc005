"""The derived store brought up to date with the files, or rebuilt from them.

Each run stats the files: a file is unchanged when its size and mtime are what was recorded
(and, when the mtime is too close to the recording to be trusted, its digest too). A journal
that only grew is read from its old end; a client file that changed is read again and
compared record by record; the clients those touch (and whoever referred them) are evaluated
anew. A change to salon.yaml, the rules or the cycle makes every client evaluated again.
Anything else (a file gone, a line edited in the middle of a journal, a record that does not
read, a store from another version) rebuilds the store from a full reading, and a salon with
problems is not served from it at all: the lenient full reading names them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from salonctl.disk import cache, flowline, fsutil, yamlio
from salonctl.engine import model
from salonctl.errors import StoreIOError
from salonctl.files import codec, merging, parsing, rulebook
from salonctl.index.derived import FILE, FORMAT, SCHEMA, Derived, connect

RACY_NS = 3_000_000_000  # an mtime this close to when it was recorded may hide a change
CONFIG_FILES = ("salon.yaml", rulebook.RULES_FILE, rulebook.CYCLE_FILE)


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


def synced(salon: Any, rebuilding: Callable[[int], None] = lambda size: None
           ) -> tuple[Derived, bool] | None:
    """The salon's derived store brought up to date, and whether it was just rebuilt (its
    clients are then all unsettled, and the salon is read in full already); None when the
    salon has problems or the store cannot be written: read the files instead. `rebuilding`
    is told the bytes to read before a rebuild (a large salon takes a while)."""
    path = salon.root / cache.CACHE_DIR / FILE
    region = salon.phone_region()
    try:
        fsutil.refuse_link(path)  # .cache/ behind a link: no store, the files are read
        fsutil.ensure_dir(path.parent)
        with contextlib.suppress(Rebuild, sqlite3.DatabaseError):
            return _brought_up_to_date(salon.root, path, region), False
        rebuilding(sum(size for size, _ in _scan(salon.root).values()))
        _remove(path)
        derived = _open(salon.root, path, region)
        # Built only from a lenient reading, which checks across files too (an entry of
        # nobody, an id used twice): a store must never hold what `check` would refuse.
        reading = salon if salon.lenient else type(salon)(salon.root, lenient=True)
        return (derived, reading is salon) if _rebuild(derived, reading) else None
    except (sqlite3.Error, OSError, StoreIOError):
        return None  # a store that cannot be used is no store: the files are read instead


def _open(root: Path, path: Path, region: str) -> Derived:
    """The store, created private to the salon's user (SQLite gives its -wal and -shm files
    the same mode)."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600))
    return Derived(root, connect(path), region)


def _brought_up_to_date(root: Path, path: Path, region: str) -> Derived:
    if not path.exists():
        raise Rebuild
    derived = _open(root, path, region)
    try:
        with derived.transaction():
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
    if derived.format() != FORMAT or derived.meta("phone_region") != derived.region:
        raise Rebuild  # another version's store, or phones compared in another country
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
        derived.unsettle_all()
    elif dirty:
        derived.unsettle(dirty)


def _record_file(derived: Derived, path: str, size: int, mtime_ns: int, digest: str) -> None:
    derived.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                       (path, size, mtime_ns, digest, time.time_ns()))


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
    kept = derived.kept_ids()
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
    kept = derived.kept_ids()
    changed: set[str] = set()
    for position, client in enumerate(clients):
        row = _client_row(client, base + position, path, kept, derived.region)
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


BUCKET_STRIDE = 1_000_000  # a client's order: her file's place, then hers in the file
_PUT_CLIENT = ("INSERT OR REPLACE INTO clients VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, "
               "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ?, ?)")
def _client_row(client: model.Client, seq: int, bucket: str, kept: dict[str, str], region: str
                ) -> tuple[Any, ...]:
    """Her row: her record as the salon sees it (a merged referrer read through), what `find`
    and lookups search (her phone as one number and as typed, folded text), and whom she was
    merged into."""
    seen = merging.as_seen(client, kept)
    return (client.id, seq, bucket, seen.referred_by, cache.encode_json(seen),
            parsing.phone_key(client.phone, region), client.name.casefold(),
            (client.note or "").casefold(), kept.get(client.id), parsing.phone_digits(client.phone))


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
    with derived.transaction():
        for statement in SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
        db.execute("INSERT INTO meta VALUES ('phone_region', ?)", (derived.region,))
        db.executemany(_PUT_CLIENT, (
            _client_row(client, index * BUCKET_STRIDE + position,
                        bucket.path.relative_to(salon.root).as_posix(), kept, derived.region)
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
