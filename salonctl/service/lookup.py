"""Finding a client, and the derived index the commands read through: a client by her id,
phone or name (through the index when it can serve, else every client file), the index
brought up to date, and a partial view of the salon from it for the engine."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from salonctl import lazy
from salonctl.engine import model
from salonctl.errors import DataError, NotFoundError
from salonctl.files import parsing, store
from salonctl.i18n import _
from salonctl.index import derived, sync

if TYPE_CHECKING:
    from salonctl.engine import anchors
    from salonctl.engine.anchors import SalonView
else:  # the engine is loaded by the commands that run it
    anchors = lazy.module("salonctl.engine.anchors")


def derived_store(salon: store.Salon) -> tuple[derived.Derived, bool] | None:
    """The salon's derived store, up to date, and whether it was just rebuilt; None when it
    cannot serve (the files are read instead), or when `SALONCTL_NO_DERIVED=1` asks for the
    files, as a check on the store."""
    if os.environ.get("SALONCTL_NO_DERIVED"):
        return None
    return sync.synced(salon, _say_rebuilding)


LONG_WORK_BYTES = 8_000_000  # about 20,000 clients with a year of history


def _say_rebuilding(size: int) -> None:
    say_long_work(size, _("reading the whole salon once to index it in .cache/ "
                          "(the next runs are quick)..."))


def say_long_work(size: int, message: str) -> None:
    """At a terminal, a word before a large salon is read in full (minutes at 100,000
    clients); a small one is read before anyone would wonder, and cron hears nothing."""
    if size > LONG_WORK_BYTES and sys.stderr.isatty():
        print(f"salonctl: {message}", file=sys.stderr, flush=True)


def partial_view(indexed: derived.Derived, settings: model.Settings, ids: list[str],
                 as_of: date | None = None) -> SalonView:
    """These clients as the engine sees them, from the derived store: with their guests and
    every entry that bears on them (as it stood on `as_of`, when given)."""
    guests = indexed.guests_of(ids)
    return anchors.SalonView(settings, indexed.clients(ids),
                             indexed.history([*ids, *(guest.id for guest in guests)]),
                             settings.follow_up.max_tries, others=guests, as_of=as_of)


def find_client(salon: store.Salon, wanted: str, name: str = "CLIENT") -> model.Client:
    """`resolve_client` over the whole salon: through the derived store's index when it can
    serve, else over every client file. The store is brought up to date by a lenient reading,
    so a bad record elsewhere fails this command no sooner than reading the files would."""
    indexed = derived_store(store.Salon(salon.root, lenient=True))
    if indexed is None:
        return client_in_files(salon, wanted, name)
    return client_in_store(indexed[0], wanted, name)


def client_in_store(indexed: derived.Derived, wanted: str, name: str = "CLIENT") -> model.Client:
    """`resolve_client` through the derived store's index."""
    return resolve_client(indexed.lookup(wanted), wanted, name, indexed.client, indexed.region)


def client_in_files(salon: store.Salon, wanted: str, name: str = "CLIENT") -> model.Client:
    """`resolve_client` over every client file (merged records found by their old id or phone).
    A client whose own record does not read is named with the place to mend it."""
    records, kept = every_record(salon)
    if wanted in salon.affected and not any(c.id == wanted for c in records):
        raise DataError([salon.affected[wanted]], hint=_(
            "{id}'s record must be mended first (the other clients are as they were)").format(
            id=wanted))
    return resolve_client(records, wanted, name, kept, salon.phone_region())


def every_record(salon: store.Salon) -> tuple[list[model.Client], Callable[[str], model.Client]]:
    """Every client record, merged ones too, and how to read a kept client by her id."""
    clients = salon.clients()
    return [*clients, *salon.merged_clients()], {client.id: client for client in clients}.__getitem__


def resolve_client(clients: list[model.Client], wanted: str, name: str = "CLIENT",
                   kept: Callable[[str], model.Client] | None = None,
                   region: str = parsing.DEFAULT_PHONE_REGION) -> model.Client:
    """An id, a phone number (however it is written: +86 or not, spaces or not), a name
    that matches exactly one client, or the last 4 or more digits of one client's phone.
    A record merged into another (`client merge`) stands for the client it was merged into,
    read by `kept`."""
    by_id = [c for c in clients if c.id == wanted]
    if by_id:
        if by_id[0].merged_into and kept is not None:
            found = kept(by_id[0].merged_into)
            print(_("note: {id} was merged into {kept} ({name})").format(
                id=wanted, kept=found.id, name=found.name), file=sys.stderr)
            return found
        return by_id[0]
    digits = parsing.phone_digits(wanted)
    key = parsing.phone_key(wanted, region)
    matches = [c for c in clients
               if len(digits) >= 5 and parsing.phone_key(c.phone, region) == key]
    if not matches:
        matches = [c for c in clients if c.name.casefold() == wanted.strip().casefold()]
    if not matches and wanted.strip().isdigit() and len(wanted.strip()) >= 4:
        matches = [c for c in clients if parsing.phone_digits(c.phone).endswith(wanted.strip())]
    if kept is not None:
        matches = as_kept(matches, kept)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise NotFoundError(_("{name}: {wanted} matches {count} clients; give the id "
                              "instead:").format(name=name, wanted=repr(wanted), count=len(matches))
                            + f"\n{_candidates(matches)}")
    close = [c for c in clients if wanted.strip().casefold() in c.name.casefold()
             and not c.merged_into][:10]
    hint = _("; did you mean:") + f"\n{_candidates(close)}" if close else \
        _("; `salonctl client find TEXT` searches names, phones and notes")
    raise NotFoundError(_("{name}: no client {wanted}").format(name=name, wanted=repr(wanted))
                        + hint)


def as_kept(clients: list[model.Client], kept: Callable[[str], model.Client]) -> list[model.Client]:
    """Each client once, a merged record as the client it was merged into (her two records
    are one client)."""
    distinct: dict[str, model.Client] = {}
    for client in clients:
        seen = kept(client.merged_into) if client.merged_into else client
        distinct.setdefault(seen.id, seen)
    return list(distinct.values())


def _candidates(clients: list[model.Client]) -> str:
    return "\n".join(f"  {c.id}  {c.name}  {_('phone')} {parsing.masked_phone(c.phone)}" for c in clients)

