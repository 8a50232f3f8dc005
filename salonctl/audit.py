"""What `check` says across files: an id used twice, an entry of nobody, a cancellation of
nothing, a phone logged as wrong and never changed. Pure: records in, problems out.
"""

from __future__ import annotations

from typing import Any

from salonctl import model
from salonctl.errors import Problem
from salonctl.i18n import _


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
                    id=repr(client_id), where=known[client_id]),
            ))
        known.setdefault(client_id, f"{where}:{line}")
    for client, where, line in clients:
        if client.referred_by and client.referred_by not in known:
            problems.append(Problem(
                where, line, 3, _("referred_by {id} is not a client").format(
                    id=repr(client.referred_by)),
            ))
    problems += check_entries(entries, set(known))
    return problems


def check_entries(entries: list[tuple[Any, str, int]], known: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, str] = {}
    for entry, where, line in entries:
        if entry.client not in known:
            problems.append(Problem(where, line, 3, _("client {id} is not a client").format(
                id=repr(entry.client))))
        if entry.id in ids:
            problems.append(Problem(where, line, 3, _("id {id} is used twice").format(
                id=repr(entry.id))))
        ids[entry.id] = type(entry).__name__
    clients_of = {entry.id: entry.client for entry, _, _ in entries}
    for entry, where, line in entries:
        if isinstance(entry, model.Correction):
            problems += _correction_problems(entry, where, line, ids, clients_of)
            continue
        target = (getattr(entry, "cancels", None) or getattr(entry, "closes", None)
                  or getattr(entry, "tops_up", None))
        wanted = {model.Cancellation: "Appointment", model.CardTopUp: "Card"}.get(
            type(entry), "Complaint")
        if target and ids.get(target) != wanted:
            problems.append(Problem(
                where, line, 3, f"{target!r} is not the id of a {wanted.lower()}",
            ))
    return problems


def _correction_problems(correction: model.Correction, where: str, line: int,
                         kinds: dict[str, str], clients_of: dict[str, str]) -> list[Problem]:
    target = correction.corrects
    if kinds.get(target) in (None, "Correction", "Cancellation", "ComplaintClosed"):
        return [Problem(where, line, 3, f"corrects {target!r}, which is not an entry of the "
                                        "journals; check the id with salonctl ... list")]
    if clients_of[target] != correction.client:
        return [Problem(where, line, 3, f"client {correction.client!r}, but {target!r} is "
                                        f"{clients_of[target]}'s")]
    return []


def wrong_numbers(clients: list[tuple[model.Client, str, int]], entries: list[Any]) -> list[Problem]:
    """Clients whose phone was logged as a wrong number and has not been changed since."""
    last: dict[str, model.Call] = {}
    calls = [e for e in entries if isinstance(e, model.Call) and e.outcome == "wrong-number"]
    for call in sorted(calls, key=lambda c: c.date):
        last[call.client] = call
    return [
        Problem(where, line, 3,
                f"client {client.id}: her phone number was logged as wrong on "
                f"{last[client.id].date}; correct it with salonctl client edit {client.id} "
                "--set phone=...")
        for client, where, line in clients
        if client.id in last and last[client.id].phone in (None, client.phone)
    ]
