"""The client files: clients/0000.yaml, 0001.yaml, ..., up to 1,000 records each in the
order the clients came. A client stays in the file she was first written to, so ids never
move between files; a file is rewritten whole (atomically) when one of its clients changes.

A record that does not read costs its client, never her neighbours: the file is read record
by record, the others are listed, shown, visited, called and edited, and a rewrite keeps the
bad record's text byte for byte for a person to mend (`check` names it). A file that is not
UTF-8 costs its own records, named once, and is not written to until it is mended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salonctl.disk import cache, flowline, fsutil, salvage, yamlio
from salonctl.engine import model
from salonctl.errors import DataError, Problem
from salonctl.files import audit, codec, merging
from salonctl.files.folder import Folder
from salonctl.i18n import _

CLIENTS_DIR = "clients"
BUCKET_SIZE = 1000


@dataclass
class ClientFile:
    """One client file as read: its clients and where each record starts."""

    path: Path
    digest: str
    clients: list[model.Client] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # where each client's record starts
    # Every record's id and line, loaded or not: a record with a bad field still owns its
    # id, so its history is not reported as orphaned and a second use of it is caught.
    ids: list[tuple[str, int]] = field(default_factory=list)
    # The records that do not read, by the index of the client before them (-1: before the
    # first): their text, kept as written when the file is rewritten.
    kept_text: dict[int, list[str]] = field(default_factory=dict)
    writable: bool = True  # False: not UTF-8 text, so it cannot be rewritten without loss


class ClientFiles:
    """The salon's client records: read lazily, each file once; written only under the
    salon's lock."""

    def __init__(self, folder: Folder) -> None:
        self.folder = folder
        self._buckets: list[ClientFile] | None = None

    def read_all(self) -> tuple[list[ClientFile], list[Problem]]:
        buckets, problems = [], []
        for path in sorted((self.folder.root / CLIENTS_DIR).glob("*.yaml")):
            bucket, found = self.load_bucket(path)
            buckets.append(bucket)
            problems += found
        return buckets, problems

    def load_bucket(self, path: Path) -> tuple[ClientFile, list[Problem]]:
        data = self.folder.read_bytes(path)
        bucket = ClientFile(path, fsutil.digest(data))
        records = cache.load(self.folder.root, path, bucket.digest) if self.folder.use_cache else None
        if records is None:
            records = self._read_bucket_fast(path, data, bucket.digest)
        if records is None:
            return self._read_bucket_slowly(bucket, data)
        bucket.clients = [client for client, _ in records]
        bucket.lines = [line for _, line in records]
        bucket.ids = [(client.id, line) for client, line in records]
        return bucket, []

    def _read_bucket_slowly(self, bucket: ClientFile, data: bytes) -> tuple[ClientFile, list[Problem]]:
        """A client file read by PyYAML, which places every problem; when it does not read
        whole, record by record, each bad record named, kept as text and passed over."""
        path, where = bucket.path, self.folder.rel(bucket.path)
        try:
            text = self.folder.text(path, data)
        except DataError as error:  # another encoding: its records are all lost to reading
            bucket.writable = False
            bucket.ids = [(m[1], 1) for m in salvage.CLIENT_ID.finditer(data.decode("latin-1"))]
            self.folder.pass_over("", error.problems, salvage.CLIENT_ID, always=True)
            for client_id, _line in bucket.ids:
                self.folder.affected.setdefault(client_id, error.problems[0])
            return bucket, error.problems
        raw, problems = yamlio.parse(text, where)
        if not problems and raw is not None:
            clients, lines, problems = codec.clients_from(raw, where)
            if not problems:
                if self.folder.use_cache:
                    cache.save(self.folder.root, path, bucket.digest,
                               list(zip(clients, lines, strict=True)))
                bucket.clients, bucket.lines, bucket.ids = clients, lines, codec.record_ids(raw)
                return bucket, []
        return self._salvaged(bucket, text, where, problems)

    def _salvaged(self, bucket: ClientFile, text: str, where: str, whole: list[Problem]
                  ) -> tuple[ClientFile, list[Problem]]:
        """The file record by record: the good ones read, the others kept as text. A file
        with no record in it keeps what the reading of it whole said."""
        problems: list[Problem] = []
        found_blocks = salvage.blocks(text)
        if not found_blocks and whole:
            bucket.writable = False  # not a list of records: nothing to rewrite it from
            self.folder.pass_over(text, whole, salvage.CLIENT_ID, always=True)
            return bucket, whole
        head = text[:len("".join(text.splitlines(True)[:found_blocks[0][0]]))] if found_blocks \
            else text
        if any(line.strip() and not line.lstrip().startswith("#") for line in head.splitlines()):
            bucket.kept_text[-1] = [head]  # not a record, not a comment: kept for a person
            problems.append(Problem(where, 1, 1, _("not a client record; each starts '- id: ...'")))
        for first, block in found_blocks:
            raw, found = yamlio.parse("\n" * first + block, where)
            found = salvage.within(found, first, first + block.count("\n"))
            clients, lines, wrong = codec.clients_from(raw, where) if not found else ([], [], [])
            found += wrong
            if isinstance(raw, list) and len(raw) != 1 and not found:
                found = [Problem(where, first + 1, 1, _("expected one record here, '- id: ...'"))]
            claimed = salvage.CLIENT_ID.search(block)
            if claimed:
                bucket.ids.append((claimed[1], first + 1))
            if found or not clients:
                bucket.kept_text.setdefault(len(bucket.clients) - 1, []).append(block)
                problems += found or [Problem(where, first + 1, 1, _("not a client record"))]
                continue
            bucket.clients += clients
            bucket.lines += lines
        self.folder.pass_over(text, problems, salvage.CLIENT_ID, always=True)
        return bucket, problems

    def _read_bucket_fast(self, path: Path, data: bytes, digest: str) -> list[Any] | None:
        """A client file's records read fast, when it is as salonctl writes it and every
        record reads (a problem is placed and worded by the PyYAML reading)."""
        fast = flowline.read_block(self.folder.text(path, data))
        if fast is None:
            return None
        clients, lines, problems = codec.clients_from(fast, self.folder.rel(path))
        if problems:
            return None
        records = list(zip(clients, lines, strict=True))
        cache.save(self.folder.root, path, digest, records)
        return records

    def buckets(self) -> list[ClientFile]:
        """Every client file, read: a record that does not read, or a second use of an id,
        costs only that record, passed over and named (`check` stays strict)."""
        if self._buckets is None:
            buckets, _problems = self.read_all()
            self._buckets = buckets
            self._drop_second_uses(buckets)
        return self._buckets

    def _drop_second_uses(self, buckets: list[ClientFile]) -> None:
        """A client id used twice keeps its first client; the second is passed over (and kept
        as text, so a rewrite loses it not). A referrer who is not a client is named too."""
        seen: dict[str, str] = {}
        ids = {client_id for bucket in buckets for client_id, _ in bucket.ids}
        self.folder.passed_over += audit.merge_problems(  # such a record is read as not merged
            [(client, self.folder.rel(bucket.path), line) for bucket in buckets
             for client, line in zip(bucket.clients, bucket.lines, strict=True)], ids)
        for bucket in buckets:
            keep: list[tuple[model.Client, int]] = []
            texts: dict[int, list[str]] = {-1: list(bucket.kept_text.get(-1, []))}
            for index, (client, line) in enumerate(zip(bucket.clients, bucket.lines, strict=True)):
                where = f"{self.folder.rel(bucket.path)}:{line}"
                if client.referred_by and client.referred_by not in ids:
                    self._name(bucket, line, client.id, _("referred_by {id} is not a client").format(
                        id=repr(client.referred_by)))
                if client.id in seen:
                    self._name(bucket, line, client.id, _(
                        "client id {id} is used twice (also at {where})").format(
                        id=repr(client.id), where=seen[client.id]))
                    texts.setdefault(len(keep) - 1, []).append(codec.dump_clients([client]))
                else:
                    seen[client.id] = where
                    keep.append((client, line))
                texts.setdefault(len(keep) - 1, []).extend(bucket.kept_text.get(index, []))
            bucket.clients = [c for c, _ in keep]
            bucket.lines = [line for _, line in keep]
            bucket.kept_text = {k: v for k, v in texts.items() if v}

    def _name(self, bucket: ClientFile, line: int, client_id: str, message: str) -> None:
        problem = Problem(self.folder.rel(bucket.path), line, 3, message)
        self.folder.passed_over.append(problem)
        self.folder.affected.setdefault(client_id, problem)

    def clients(self) -> list[model.Client]:
        """The salon's clients: a record merged into another is not one (`merging`)."""
        records = self.records()
        kept = merging.kept_ids(records)
        return merging.live(records, kept) if kept else records

    def merged_clients(self) -> list[model.Client]:
        """The records merged into another client, each still found by her old id or phone."""
        records = self.records()
        kept = merging.kept_ids(records)
        return [client for client in records if client.id in kept]

    def kept_ids(self) -> dict[str, str]:
        try:
            return merging.kept_ids(self.records())
        except DataError:  # a command that reads only the journals does not need them whole
            return {}

    def records(self) -> list[model.Client]:
        return [c for bucket in self.buckets() for c in bucket.clients]

    def add_client(self, client: model.Client, known_ids: set[str] | None = None) -> None:
        """Write a new client into the last bucket (or a new one). `known_ids`, every client
        id there is, spares reading every bucket to check her referrer: then only the last
        bucket is read."""
        self._require_readable_client(client, known_ids)
        bucket, count = self._last_bucket()
        if bucket is None or len(bucket.clients) >= BUCKET_SIZE:
            bucket = ClientFile(self.folder.root / CLIENTS_DIR / f"{count:04d}.yaml", fsutil.digest(b""))
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
        touched: list[ClientFile] = []
        for client in clients:
            if bucket is None or len(bucket.clients) >= BUCKET_SIZE:
                bucket = ClientFile(self.folder.root / CLIENTS_DIR / f"{count:04d}.yaml", fsutil.digest(b""))
                count += 1
                if self._buckets is not None:
                    self._buckets.append(bucket)
            bucket.clients.append(client)
            if not any(each is bucket for each in touched):
                touched.append(bucket)
        for each in touched:
            self._write_bucket(each)

    def _last_bucket(self) -> tuple[ClientFile | None, int]:
        """The last client file and how many there are."""
        if self._buckets is not None:
            return (self._buckets[-1] if self._buckets else None), len(self._buckets)
        paths = sorted((self.folder.root / CLIENTS_DIR).glob("*.yaml"))
        if not paths:
            return None, 0
        bucket, _problems = self.load_bucket(paths[-1])  # a bad record in it is kept as text
        return bucket, len(paths)

    def replace_client(self, client: model.Client) -> None:
        self.replace_clients([client])

    def replace_clients(self, clients: list[model.Client]) -> None:
        """Rewrite these clients' records, each client file once, in the order the clients
        are given (so the record that completes a change is written last)."""
        for client in clients:
            self._require_readable_client(client)
        touched: list[ClientFile] = []
        for client in clients:
            bucket = self._bucket_of(client.id)
            bucket.clients = [client if old.id == client.id else old for old in bucket.clients]
            if not any(each is bucket for each in touched):
                touched.append(bucket)
        for bucket in touched:
            self._write_bucket(bucket)

    def _bucket_of(self, client_id: str) -> ClientFile:
        for bucket in self.buckets():
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
            known_ids = {c.id for c in self.records()} if client.referred_by else set()
        if client.referred_by and client.referred_by not in known_ids:
            problems.append(Problem("client", 1, 1, _("referred_by: {id} is not a client").format(
                id=repr(client.referred_by))))
        codec.refuse_as_arguments(problems)

    def _write_bucket(self, bucket: ClientFile) -> None:
        if not bucket.writable:
            raise DataError([Problem(self.folder.rel(bucket.path), 1, 1, _(
                "not UTF-8 text, so salonctl cannot rewrite it without losing what it holds"))],
                hint=_("nothing was written: save the file as UTF-8 first"))
        data = _bucket_text(bucket).encode("utf-8")
        comments = self._hand_comments(bucket.path)
        fsutil.write_atomic(bucket.path, data, expected_digest=bucket.digest)
        bucket.digest = fsutil.digest(data)
        if comments:
            kept = bucket.path.with_name(bucket.path.name + ".comments")
            fsutil.append_line(kept, "".join(comments).encode("utf-8"))
            self.folder.warnings.append(
                f"warning: {self.folder.rel(bucket.path)}: salonctl rewrites client files in its own "
                f"layout, so its {len(comments)} comment line(s) were moved to {self.folder.rel(kept)}")

    def _hand_comments(self, path: Path) -> list[str]:
        """Comment lines a person wrote in a client file (a rewrite would drop them)."""
        if not path.exists():
            return []
        text = self.folder.text(path, self.folder.read_bytes(path))
        return [f"{path.name}:{number}: {line}\n" for number, line in
                enumerate(text.splitlines(), 1) if line.lstrip().startswith("#")]


def _bucket_text(bucket: ClientFile) -> str:
    """A client file as salonctl writes it, with every record that did not read kept where
    it stood, as it was written."""
    parts = list(bucket.kept_text.get(-1, []))
    for index, client in enumerate(bucket.clients):
        parts.append(codec.dump_clients([client]))
        parts += bucket.kept_text.get(index, [])
    return "".join(part if part.endswith("\n") else part + "\n" for part in parts) or "[]\n"


_GENERATED_ID = re.compile(r"c(\d+)([a-z]{0,3})")


def next_client_id(used: set[str], desk: str = "") -> str:
    """One past the highest id ever used at any desk, ending in this desk's tag: a client
    file emptied by mistake must not hand an old client's history to someone new, and two
    desks adding clients the same day must not give one id twice."""
    numbers = [int(m[1]) for client_id in used if (m := _GENERATED_ID.fullmatch(client_id))]
    return f"c{max(numbers, default=0) + 1:04d}{desk}"


