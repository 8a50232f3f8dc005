"""One client entered twice, read as one (`salonctl client merge KEPT SECOND`).

Nothing is rewritten: the second record stays in its client file with `merged_into: KEPT`,
and the journals stay as they were written. Reading hides the second record and reads every
entry that names her, and every client she brought, as the kept client's. A merge that does
not hold (it names no client, herself, or a record merged in turn) is not followed; `check`
names it. Pure: records in, records out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from salonctl.engine import model

E = TypeVar("E")

# Fields the second record may fill in when the kept one leaves them empty.
_FILLED = ("gender", "birthday", "lunar_birthday", "referred_by", "source", "consultant",
           "email", "skin_type", "allergies", "preferences", "hobbies", "salutation")


def kept_ids(clients: Iterable[model.Client]) -> dict[str, str]:
    """Each merged record's id -> the id of the client she is read as (only merges that
    hold: into another client who is not merged herself)."""
    records = list(clients)
    merged = {c.id: c.merged_into for c in records if c.merged_into}
    if not merged:  # the usual salon: one pass, nothing more
        return {}
    known = {c.id for c in records}
    return {second: kept for second, kept in merged.items()
            if kept in known and kept != second and kept not in merged}


def live(clients: Iterable[model.Client], kept: Mapping[str, str]) -> list[model.Client]:
    """The clients as the salon sees them: merged records gone, referrers read through."""
    return [as_seen(c, kept) for c in clients if c.id not in kept]


def as_seen(client: model.Client, kept: Mapping[str, str]) -> model.Client:
    """Her record with a merged referrer read as the client that referrer was merged into
    (never herself: a client who was brought by her own second record was brought by no one)."""
    referrer = client.referred_by
    if referrer is None or referrer not in kept:
        return client
    target = kept[referrer]
    return dataclasses.replace(client, referred_by=None if target == client.id else target)


def entries_seen(entries: list[tuple[Any, str, int]], kept: Mapping[str, str]
                 ) -> list[tuple[Any, str, int]]:
    """Journal entries with a merged client read as the kept one."""
    if not kept:
        return entries
    return [(dataclasses.replace(entry, client=kept[entry.client]) if entry.client in kept
             else entry, where, line) for entry, where, line in entries]


@dataclasses.dataclass(frozen=True)
class Merge:
    """What merging `second` into `kept` writes, and what it tells the person."""

    kept: model.Client        # the kept record, with what only the second one said
    second: model.Client      # the second record, hidden
    taken: tuple[str, ...]    # the fields the kept record took from the second
    differing: tuple[tuple[str, str, str], ...]  # (field, kept value, second's value)


def merge(kept: model.Client, second: model.Client) -> Merge:
    """Fill the kept record's gaps from the second; where both say something, the kept one
    stands and the difference is reported. A wish not to be contacted is never lost, a key
    client stays key, a member stays a member, and she has been a client since the earlier."""
    changes: dict[str, Any] = {}
    differing: list[tuple[str, str, str]] = []
    for name in _FILLED:
        mine, theirs = getattr(kept, name), getattr(second, name)
        if theirs is None or theirs == mine or (name == "referred_by" and theirs == kept.id):
            continue
        if mine is None:
            changes[name] = theirs
        else:
            differing.append((name, str(mine), str(theirs)))
    if second.key and not kept.key:
        changes["key"] = True
    if second.do_not_contact and not kept.do_not_contact:
        changes["do_not_contact"] = True
    if kept.category == "new" and second.category != "new":
        changes["category"] = second.category
    if second.since is not None and (kept.since is None or second.since < kept.since):
        changes["since"] = second.since
    note = _joined_note(kept, second)
    if note != kept.note:
        changes["note"] = note
    if second.phone != kept.phone:
        differing.append(("phone", kept.phone, second.phone))
    return Merge(dataclasses.replace(kept, **changes),
                 dataclasses.replace(second, merged_into=kept.id),
                 tuple(changes), tuple(differing))


def _joined_note(kept: model.Client, second: model.Client) -> str | None:
    """Her note, with the second record's note and a phone only it had kept beside it."""
    parts = [kept.note] if kept.note else []
    if second.note and second.note != kept.note:
        parts.append(second.note)
    if second.phone != kept.phone:
        parts.append(f"{second.id}: {second.phone}")
    return " / ".join(parts) or None
