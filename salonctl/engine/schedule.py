"""Who is due on a day, what went by without a call, and the days ahead: the rows of a day
(one per client, every reason due), the occurrences missed since a day, each client's
forecast days, and the first day a client not due could be (what the derived store keeps
so a morning evaluates only the clients who may be due).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from salonctl.engine import model
from salonctl.engine.anchors import SalonView
from salonctl.engine.rules import DueRow, Reason, client_statuses, row_channel
from salonctl.engine.ruleset import Rule

QUIET_HORIZON_DAYS = 60  # how far ahead a quiet client's next possible call is looked for


def due_on(view: SalonView, rules: list[Rule], day: date) -> list[DueRow]:
    """Every client owed a call on `day`: one row each with every reason due, by priority
    (`worklist` ranks the rows and sets each caller's day). A closed day has no sheet: its
    calls wait for the next open day, window permitting."""
    if not view.open_days.is_open(day):
        return []
    view = view.on(day)
    rows = []
    for client in view.clients:
        if client.do_not_contact:
            continue
        row = _row(client, client_statuses(client, rules, view, day, day, day), day)
        if row is not None:
            rows.append(row)
    return rows


def _row(client: model.Client, statuses: list[Reason], day: date) -> DueRow | None:
    reasons = tuple(sorted(
        (r for r in statuses if r.status.state == "due"),
        key=lambda r: (r.occurrence.rule.priority, r.occurrence.due, r.occurrence.rule.id),
    ))
    return DueRow(client, day, row_channel(client, reasons), reasons) if reasons else None


def due_and_quiet(view: SalonView, rules: list[Rule],
                  day: date) -> tuple[list[DueRow], dict[str, date]]:
    """`due_on`, and for each client of the view not due on `day` the first later day she
    could be (see `quiet_until`), from one evaluation of each client."""
    rows, quiet = [], {}
    is_open = view.open_days.is_open(day)
    view = view.on(day)
    for client in view.clients:
        if client.do_not_contact:
            quiet[client.id] = date.max  # only a change to her record can change that
            continue
        horizon = day + timedelta(days=QUIET_HORIZON_DAYS)
        statuses = client_statuses(client, rules, view, day, day, horizon)
        row = _row(client, statuses, day)
        if row is not None and is_open:
            rows.append(row)
        elif row is None:
            quiet[client.id] = _quiet_until(view, client, statuses, day, horizon)
    return rows, quiet


def missed(view: SalonView, rules: list[Rule], since: date,
           day: date) -> list[tuple[model.Client, Reason]]:
    """Occurrences that went by without a call, missed between `since` and `day`."""
    found = []
    view = view.on(day)
    for client in view.clients:
        if client.do_not_contact:
            continue
        # Nothing counts as missed before her file was here: nobody could have called.
        first = max(since, client.on_file_from or since)
        for reason in client_statuses(client, rules, view, day, since, day):
            status = reason.status
            if status.state == "missed" and status.on is not None and first <= status.on <= day:
                found.append((client, reason))
    return sorted(found, key=lambda item: (item[1].status.on or day, item[0].id))


def call_load(view: SalonView, rules: list[Rule], today: date, low: date,
              high: date) -> dict[date, int]:
    """How many clients the rules will ask to call on each day between `low` and `high`,
    from what is known on `today` (a forecast: later events and calls are not known)."""
    return load_of(days for days, _ in client_days(view, rules, today, low, high).values())


Forecast = tuple[set[date], date]  # the days she is to be called, and until when that holds


def client_days(view: SalonView, rules: list[Rule], today: date, low: date,
                high: date) -> dict[str, Forecast]:
    """For each client of the view, the days between `low` and `high` the rules will ask to
    call her, from what is known on `today`, and the first later day that can change them.

    Which occurrences there are does not depend on the day asked on, only their states do,
    and a state counts here unless the occurrence is suppressed. A state changes only when
    a window opens or closes or a try comes (the occurrence's days and its status's), and
    suppression only by a record dated on or before the day asked on: the days hold until
    the first of those after `today`.
    """
    found: dict[str, Forecast] = {}
    for client in view.clients:
        if client.do_not_contact:
            found[client.id] = (set(), date.max)
            continue
        statuses = client_statuses(client, rules, view, today, low, high)
        days = {r.occurrence.due for r in statuses
                if low <= r.occurrence.due <= high and r.status.state != "suppressed"}
        found[client.id] = (days, _next_change(view, client, statuses, today))
    return found


def _next_change(view: SalonView, client: model.Client, statuses: list[Reason],
                 today: date) -> date:
    """The first day after `today` on which one of these statuses, or her records, can
    change: a window opening or closing, a try coming, a record's day."""
    candidates = list(_record_days(view, client))
    for reason in statuses:
        occurrence, status = reason.occurrence, reason.status
        candidates += [occurrence.earliest, occurrence.due]
        candidates += [d + timedelta(days=1) for d in (occurrence.latest, status.window_end)
                       if d is not None and d < date.max]
        if status.on is not None:
            candidates += [status.on, status.on + timedelta(days=1)]
    return min((d for d in candidates if d > today), default=date.max)


def load_of(client_days: Iterable[set[date]]) -> dict[date, int]:
    """How many clients are to be called on each day, from each client's days."""
    load: dict[date, int] = {}
    for days in client_days:
        for day in days:
            load[day] = load.get(day, 0) + 1
    return dict(sorted(load.items()))


def _quiet_until(view: SalonView, client: model.Client, statuses: list[Reason], day: date,
                 horizon: date) -> date:
    """The first day after `day` on which a client not due on `day` could be due, from her
    statuses over `day`..`horizon` (a derived store need not evaluate her before then).

    A call becomes due only on a day some occurrence's window opens or its next try comes
    (its `earliest`, `due` or status day), and a record dated after `day` (a visit, a call,
    a callback, a closed complaint...) can change her state on its date: every one of those
    days is a candidate, and the earliest after `day` is the answer. Occurrences opening
    after the horizon were not computed, so the horizon caps it.
    """
    candidates = [horizon]
    for reason in statuses:
        candidates += [reason.occurrence.earliest, reason.occurrence.due]
        if reason.status.on is not None:
            candidates.append(reason.status.on)
    candidates += _record_days(view, client)
    return min(d for d in candidates if d > day)  # the horizon always is


def _record_days(view: SalonView, client: model.Client) -> Iterator[date]:
    """Every day named in her records and her guests' visits: any of them may change her
    state on that day."""
    book = view.book(client.id)
    for entries in (book.visits, book.appointments, book.cards, book.courses, book.calls,
                    book.complaints):
        for entry in entries:
            yield from (value for value in vars(entry).values() if isinstance(value, date))
    for complaint in book.complaints:
        if complaint.id in view.closed:  # the calls it held come back the day after
            yield view.closed[complaint.id]
            yield view.closed[complaint.id] + timedelta(days=1)
    for guest in book.guests:
        yield from (visit.date for visit in view.book(guest.id).visits)
    for someone in (client, *book.guests):  # a record made after the view's day
        if someone.id in view.later:
            yield view.later[someone.id]
