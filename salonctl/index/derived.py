"""A disposable store derived from the salon's files, so a morning's sheet reads only the
clients who may be due instead of every record of every year.

The YAML files stay the truth. `.cache/derived.sqlite3` holds every client record and
journal entry indexed by client, and for each client a span of days on which she cannot be
due (`quiet_from`..`quiet_until`, worked out by the engine when it last evaluated her), her
evaluated day and its rank, and her forecasts. This module is the store's tables and its
queries; `sync` brings it up to date with the files before any of them is asked.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from salonctl import __version__
from salonctl.disk import cache
from salonctl.engine import cards, model
from salonctl.files import codec, parsing

FILE = "derived.sqlite3"
FORMAT = f"salonctl {__version__} derived 13"
_FORGET_ALL = "UPDATE clients SET quiet_from = NULL, quiet_until = NULL, day = NULL, result = NULL"
# A client's evaluated day: the result's text, her caller, must (0/1), priority, days lapsed
# (-1: not a win-back) and spend in cents (NULL when not whole cents), as `worklist` ranks;
# whether her row is a call (0/1: else a message, never held) and carries a message (0/1:
# a held call gives its message up, so the row is read back whatever its rank).
Result = tuple[str, str, int, int, int, int | None, int, int]
_FORGET_ONE = _FORGET_ALL + " WHERE id = ?"
SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                   digest TEXT NOT NULL, seen_ns INTEGER NOT NULL);
CREATE TABLE clients(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, bucket TEXT NOT NULL,
                     referred_by TEXT, record TEXT NOT NULL,
                     phone TEXT NOT NULL, name TEXT NOT NULL, note TEXT NOT NULL,
                     quiet_from TEXT, quiet_until TEXT, day TEXT, result TEXT,
                     caller TEXT, must INTEGER, priority INTEGER, lapse INTEGER,
                     spent_cents INTEGER, is_call INTEGER, has_message INTEGER,
                     merged_into TEXT, digits TEXT NOT NULL);
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


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


class Derived:
    """The store of one salon folder, open."""

    def __init__(self, root: Path, connection: sqlite3.Connection,
                 region: str = parsing.DEFAULT_PHONE_REGION) -> None:
        self.root = root
        self.db = connection
        self.region = region  # the salon's phone country: the phone column is in its terms

    # --- what the engine reads -------------------------------------------------------------

    def unsettled(self, day: date) -> list[str]:
        """The clients who may be due on `day`: every one not known quiet on it."""
        text = day.isoformat()
        return [row[0] for row in self.db.execute(
            "SELECT id FROM clients WHERE merged_into IS NULL AND (quiet_from IS NULL "
            "OR ? < quiet_from OR ? >= quiet_until) ORDER BY seq", (text, text))]

    def clients(self, ids: Iterable[str]) -> list[model.Client]:
        return [cache.decode(model.Client, json.loads(record))
                for (record,) in self.select("SELECT record FROM clients WHERE id IN ({}) "
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
                for (client_id, record) in self.select(
                    "SELECT id, record FROM clients WHERE referred_by IN ({}) "
                    "AND merged_into IS NULL ORDER BY seq",
                    list(wanted))
                if client_id not in wanted]

    def history(self, ids: Iterable[str]) -> model.History:
        """Their entries, and every cancellation or closure of one of theirs."""
        entries = []
        for (records,) in self.select(  # one JSON text per chunk: far fewer parses
                "SELECT '[' || group_concat('[\"' || kind || '\",' || record || ']') || ']'"
                " FROM entries WHERE owner IN ({0}) OR client IN ({0})", list(ids)):
            entries += [(cache.decode(cache.TYPES[kind], fields), "", 0)
                        for kind, fields in json.loads(records or "[]")]
        return codec.history_from(entries, self.kept_ids())

    def select(self, sql: str, values: list[str], *first: str) -> Iterator[tuple[Any, ...]]:
        """`sql` with its `IN ({0})` lists filled with `values`, in chunks SQLite can bind."""
        times = sql.count("{0}") or sql.count("{}")
        for start in range(0, len(values), 400):
            chunk = values[start:start + 400]
            marks = ",".join("?" * len(chunk))
            yield from self.db.execute(sql.replace("{0}", marks).replace("{}", marks),
                                       [*first, *chunk * times])

    def results(self, day: date, ids: Iterable[str]) -> dict[str, str]:
        """What evaluating these clients on `day` gave, for those it is known of."""
        return dict(self.select("SELECT id, result FROM clients WHERE day = ? AND id IN ({})",
                                 list(ids), day.isoformat()))

    def evaluated(self, day: date, ids: Iterable[str]) -> set[str]:
        """Which of these clients were evaluated on `day` since their records last changed."""
        return {row[0] for row in self.select(
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
        """Every client `wanted` could name: by id, by phone, with it in her name, or with
        her phone ending in it (a superset, in file order, for the caller's exact rules)."""
        tail = wanted.strip() if wanted.strip().isdigit() and len(wanted.strip()) >= 4 else ""
        return self._decoded(self.db.execute(
            "SELECT record FROM clients WHERE id = ? OR phone = ? OR instr(name, ?) > 0 "
            "OR (? != '' AND substr(digits, -length(?)) = ?) ORDER BY seq",
            (wanted, parsing.phone_key(wanted, self.region), wanted.strip().casefold(),
             tail, tail, tail)))

    def search(self, text: str) -> list[model.Client]:
        """Every client with `text` in her name, phone or note (a superset, in file order)."""
        folded, digits = text.casefold(), parsing.phone_digits(text)
        return self._decoded(self.db.execute(
            "SELECT record FROM clients WHERE instr(name, ?) > 0 OR instr(note, ?) > 0 "
            "OR (? != '' AND (instr(digits, ?) > 0 OR instr(phone, ?) > 0)) OR phone = ? "
            "ORDER BY seq",
            (folded, folded, digits, digits, digits, parsing.phone_key(text, self.region))))

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

    def kept_ids(self) -> dict[str, str]:
        """The merged clients' ids -> the kept ones' (a store holds only merges that hold)."""
        return dict(self.db.execute(
            "SELECT id, merged_into FROM clients WHERE merged_into IS NOT NULL"))

    def unsettle(self, ids: set[str]) -> None:
        """Evaluate these clients again, and whoever referred them (a guest's visit is an
        event of her referrer's)."""
        wanted = list(ids)
        referrers = {row[0] for row in self.select(
            "SELECT referred_by FROM clients WHERE id IN ({}) AND referred_by IS NOT NULL",
            wanted)}
        forget = [(i,) for i in {*wanted, *referrers}]
        self.db.executemany(_FORGET_ONE, forget)
        self.db.executemany("DELETE FROM forecasts WHERE client = ?", forget)

    def unsettle_all(self) -> None:
        """Evaluate every client again (the settings, the rules or the cycle changed)."""
        self.db.execute(_FORGET_ALL)
        self.db.execute("DELETE FROM forecasts")

    @contextlib.contextmanager
    def _noting(self) -> Iterator[None]:
        """A write of what was worked out: if the store cannot take it (a full disk, a
        store another run replaced), it is worked out again next time; the run goes on."""
        with contextlib.suppress(sqlite3.Error), self.transaction():
            yield

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- what the store last read --------------------------------------------------------

    def recorded(self) -> dict[str, Seen]:
        return {path: Seen(*values) for path, *values in self.db.execute(
            "SELECT path, size, mtime_ns, digest, seen_ns FROM files")}

    def format(self) -> str | None:
        return self.meta("format")

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])


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
# A row's place among its caller's calls (messages rank apart), as `worklist` orders them.
_RANK = ("ROW_NUMBER() OVER (PARTITION BY caller, is_call ORDER BY must DESC, priority, lapse, "
         "spent_cents DESC, id)")


