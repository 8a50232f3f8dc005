"""What `check` says across files: an id used twice, an entry of nobody, a cancellation of
nothing, a phone logged as wrong and never changed. Pure: records in, problems out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from salonctl.disk import desks
from salonctl.engine import cards, model
from salonctl.errors import Problem
from salonctl.files import merging, parsing, schema
from salonctl.i18n import _, ngettext


def cross_check(
    ids: list[tuple[str, str, int]], clients: list[tuple[model.Client, str, int]],
    entries: list[tuple[Any, str, int]],
) -> list[Problem]:
    problems: list[Problem] = []
    known: dict[str, str] = {}
    for client_id, where, line in ids:
        if client_id in known:
            problems.append(Problem(
                where, line, 3, _("client id {id} is used twice (also at {where})").format(
                    id=repr(client_id), where=known[client_id]) + _two_desks(client_id),
            ))
        known.setdefault(client_id, f"{where}:{line}")
    for client, where, line in clients:
        if client.referred_by and client.referred_by not in known:
            problems.append(Problem(
                where, line, 3, _("referred_by {id} is not a client").format(
                    id=repr(client.referred_by)),
            ))
    problems += merge_problems(clients, set(known))
    problems += desk_conflicts(clients)
    kept = merging.kept_ids(client for client, _, _ in clients)
    problems += check_entries(entries, set(known), kept)
    return problems


def _two_desks(some_id: str) -> str:
    """An id that ends in a desk tag, used twice: two copies of the salon had one tag."""
    if not desks.TAGGED_ID.search(some_id):
        return ""
    return _("; two desks made it with one tag: give one of them a tag of its own with "
             "`salonctl desk add` and settle the two records by hand")


PRIVATE_FIELDS = {"phone", "birthday", "lunar_birthday", "email"}


def desk_conflicts(clients: list[tuple[model.Client, str, int]]) -> list[Problem]:
    """Fields two desks changed differently: a git merge kept one desk's value and noted
    the other's; someone must settle it."""
    found = []
    for client, where, line in clients:
        for name, other in client.conflicts:
            if name in PRIVATE_FIELDS:  # stderr, from cron into an e-mail: not the values
                mine, other = "", parsing.masked_phone(other) if name == "phone" else "…"
            else:
                mine = schema.plain(getattr(client, name, None))
            found.append(Problem(where, line, 3, _(
                "{name} ({id}): the two desks set {field} differently; this copy kept "
                "{mine!r}, the other desk had {other!r}. Keep one with `salonctl client edit "
                "{id} --set {field}=VALUE`").format(name=client.name, id=client.id, field=name,
                                                   mine=mine if mine is not None else "",
                                                   other=other)))
    return found


def merge_problems(clients: list[tuple[model.Client, str, int]], known: set[str]) -> list[Problem]:
    """A merge that does not hold: into no client, into herself, or into a record that was
    merged in turn (a merge names the client who is kept)."""
    merged = {client.id: client.merged_into for client, _, _ in clients if client.merged_into}
    problems = []
    for client, where, line in clients:
        target = client.merged_into
        if target is None:
            continue
        if target not in known:
            message = _("merged_into {id} is not a client").format(id=repr(target))
        elif target == client.id:
            message = _("merged_into names the client herself; remove the line")
        elif target in merged:
            message = _("merged_into {id}, which was merged into {kept} in turn; write "
                        "merged_into: {kept}").format(id=repr(target), kept=merged[target])
        else:
            continue
        problems.append(Problem(where, line, 3, message))
    return problems


def check_entries(entries: list[tuple[Any, str, int]], known: set[str],
                  kept: Mapping[str, str] | None = None) -> list[Problem]:
    """Entries of nobody, ids used twice, cancellations and corrections of nothing (a merged
    client's entries are the kept client's, as `kept` says)."""
    problems: list[Problem] = []
    kept = kept or {}
    ids: dict[str, str] = {}
    strangers: dict[str, list[tuple[str, int]]] = {}
    for entry, where, line in entries:
        if entry.client not in known:
            strangers.setdefault(entry.client, []).append((where, line))
        if entry.id in ids:
            problems.append(Problem(where, line, 3, _("id {id} is used twice").format(
                id=repr(entry.id)) + _two_desks(entry.id)))
        ids[entry.id] = type(entry).__name__
    for client, places in strangers.items():  # one cause, one line: the rest counted
        where, line = places[0]
        more = "" if len(places) == 1 else ngettext(
            " (and {count} more entry of theirs)", " (and {count} more entries of theirs)",
            len(places) - 1).format(count=len(places) - 1)
        problems.append(Problem(where, line, 3, _("client {id} is not a client").format(
            id=repr(client)) + more))
    clients_of = {entry.id: kept.get(entry.client, entry.client) for entry, _, _ in entries}
    for entry, where, line in entries:
        if isinstance(entry, model.Correction):
            problems += _correction_problems(entry, where, line, ids, clients_of, kept)
            continue
        target = (getattr(entry, "cancels", None) or getattr(entry, "closes", None)
                  or getattr(entry, "tops_up", None))
        wanted = {model.Cancellation: "Appointment", model.CardTopUp: "Card"}.get(
            type(entry), "Complaint")
        if target and ids.get(target) != wanted:
            problems.append(Problem(
                where, line, 3, _("{target} is not the id of a {what}").format(
                    target=repr(target), what=_(wanted.lower())),
            ))
    return problems


def _correction_problems(correction: model.Correction, where: str, line: int,
                         kinds: dict[str, str], clients_of: dict[str, str],
                         kept: Mapping[str, str]) -> list[Problem]:
    target = correction.corrects
    if kinds.get(target) in (None, "Correction", "Cancellation", "ComplaintClosed"):
        return [Problem(where, line, 3, _("corrects {target}, which is not an entry of the "
                                          "journals; check the id with salonctl ... list").format(
            target=repr(target)))]
    if clients_of[target] != kept.get(correction.client, correction.client):
        return [Problem(where, line, 3, _("client {client}, but {target} is {owner}'s").format(
            client=repr(correction.client), target=repr(target), owner=clients_of[target]))]
    return []


def wrong_numbers(clients: list[tuple[model.Client, str, int]], entries: list[Any]) -> list[Problem]:
    """Clients whose phone was logged as a wrong number and has not been changed since."""
    last: dict[str, model.Call] = {}
    calls = [e for e in entries if isinstance(e, model.Call) and e.outcome == "wrong-number"]
    for call in sorted(calls, key=lambda c: c.date):
        last[call.client] = call
    return [
        Problem(where, line, 3,
                _("client {id}: her phone number was logged as wrong on {day}; correct it with "
                  "salonctl client edit {id} --set phone=...").format(
                    id=client.id, day=last[client.id].date))
        for client, where, line in clients
        if client.id in last and last[client.id].phone in (None, client.phone)
        and not client.merged_into
    ]


Located = dict[str, tuple[str, int]]  # an entry's id -> the file and line it is written at


def history_problems(history: model.History, today: Any, rule_ids: set[str],
                     where: Located) -> list[Problem]:
    """What the corrected history must never say, however it was written (a command, a
    correction, a hand edit): a card below nothing, a card paying for someone else's visit
    or outside its days, a visit in the future, a callback before its call, a rule that is
    not the salon's. The same rules a command's own checks apply when it adds a record."""
    problems: list[Problem] = []

    def at(entry_id: str, message: str) -> None:
        path, line = where.get(entry_id, ("journal", 1))
        problems.append(Problem(path, line, 3, message))

    _card_problems(history, at)
    for visit in history.visits:
        if visit.date > today:
            at(visit.id, _("{id}: a visit dated {day}, after today; a visit is recorded once "
                           "it happened").format(id=visit.id, day=visit.date))
    for call in history.calls:
        if call.callback is not None and call.callback <= call.date:
            at(call.id, _("{id}: its callback {callback} is not after the call's day {day}")
               .format(id=call.id, callback=call.callback, day=call.date))
        unknown = [rule for rule in call.rules if rule not in rule_ids]
        if unknown:
            at(call.id, _("{id}: rule {rule} is not one of the salon's rules (salonctl rules "
                          "list)").format(id=call.id, rule=repr(unknown[0])))
    return problems


def _card_problems(history: model.History, at: Callable[[str, str], None]) -> None:
    """Each card's uses by her, in its days, never below nothing (said through `at`)."""
    held = cards.states(history)
    for visit in history.visits:
        if not visit.card:
            continue
        state = held.get(visit.card)
        if state is None:
            at(visit.id, _("{id}: paid with card {card}, which is no card").format(
                id=visit.id, card=repr(visit.card)))
        elif state.card.client != visit.client:
            at(visit.id, _("{id}: paid with card {card}, which is {owner}'s, not "
                           "{client}'s").format(id=visit.id, card=visit.card,
                                                owner=state.card.client, client=visit.client))
        elif visit.date < state.card.date or state.expired(visit.date):
            at(visit.id, _("{id}: paid with card {card} on {day}, outside its days").format(
                id=visit.id, card=visit.card, day=visit.date))
    for state in held.values():
        if (state.sessions is not None and state.sessions < 0) or \
                (state.balance is not None and state.balance < 0):
            at(state.card.id, _("card {card}: {left} left, below nothing; its uses and "
                                "corrections take more than was put on it").format(
                card=state.card.id, left=state.left_text()))
