"""Who is due for which call on a day: a pure function of the salon, its rules and the day.

For each client and enabled rule, each event the rule hangs on gives one occurrence per
offset: a planned day, moved off closed days inside its window, and a window it may wait in.
The callback log then decides each occurrence's state on the day:

- reached: done (every reason that was due on that call);
- refused: done, and no more calls hang on that event;
- no-answer: due again the next open day, up to `max_tries` tries, then missed;
- not-convenient: due again on the callback day (or the next open day);
- wrong-number: no calls to her at all until her phone number is changed.

A call logged with `--rule` answers only those rules. Occurrences still due on a day merge
into one row per client, ordered by priority.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from salonctl import model
from salonctl.anchors import Event, SalonView, events
from salonctl.ruleset import Rule

State = Literal["upcoming", "waiting", "due", "done", "missed", "suppressed"]
FOREVER = date.max
RETRY_SLACK_DAYS = 45  # how far past its window an occurrence may still be retried


@dataclass(frozen=True)
class Occurrence:
    rule: Rule
    event: Event
    offset: int
    planned: date  # anchor + offset
    due: date  # the planned day moved off closed days
    earliest: date
    latest: date | None  # None: open until done


@dataclass(frozen=True)
class Status:
    state: State
    on: date | None = None  # done on / missed on / due again on
    detail: str = ""
    tries: int = 0
    overdue_days: int = 0


@dataclass(frozen=True)
class Reason:
    occurrence: Occurrence
    status: Status


@dataclass(frozen=True)
class DueRow:
    client: model.Client
    date: date
    channel: str
    reasons: tuple[Reason, ...]

    @property
    def overdue_days(self) -> int:
        return max(r.status.overdue_days for r in self.reasons)


def _shift(day: date, amount: int, unit: str) -> date:
    if unit == "months":
        return day + relativedelta(months=amount)
    return day + timedelta(days=amount * (7 if unit == "weeks" else 1))


def _reach_days(rule: Rule, view: SalonView) -> int:
    """How far before `day` an event may lie and still have a call open on `day`."""
    key = ("reach", rule.id)
    if key not in view.memo:
        view.memo[key] = _reach(rule)
    reach: int = view.memo[key]
    return reach


def _reach(rule: Rule) -> int:
    longest = max(abs(o) for o in rule.offsets) * (31 if rule.unit == "months" else
                                                   7 if rule.unit == "weeks" else 1)
    window = 366 if rule.anchor == "yearly" else rule.early + (rule.late or 0)
    return longest + window + RETRY_SLACK_DAYS


# Anchors that are the same for every client: their occurrences are computed once a run.
SHARED_ANCHORS = ("holiday", "season", "yearly")


def occurrences(rule: Rule, client: model.Client, view: SalonView,
                low: date, high: date) -> Iterator[Occurrence]:
    """Occurrences whose planned day could matter between `low` and `high`."""
    if rule.anchor not in SHARED_ANCHORS:
        return _occurrences(rule, client, view, low, high)
    key = (rule.id, low, high)
    if key not in view.memo:
        view.memo[key] = list(_occurrences(rule, client, view, low, high))
    return iter(view.memo[key])


def _occurrences(rule: Rule, client: model.Client, view: SalonView,
                 low: date, high: date) -> Iterator[Occurrence]:
    open_window = rule.late is None or rule.until_closed
    reach = _reach_days(rule, view)
    first = date.min if open_window else low - timedelta(days=reach)
    last = high + timedelta(days=reach)
    for event in events(rule, client, view, max(first, date.min), min(last, date.max)):
        for offset in rule.offsets:
            planned = _shift(event.date, offset, rule.unit)
            if not open_window and planned < first:
                continue
            occurrence = _placed(rule, event, offset, planned, view)
            if occurrence.earliest <= high:  # a call moved earlier still counts
                yield occurrence


def _placed(rule: Rule, event: Event, offset: int, planned: date, view: SalonView) -> Occurrence:
    earliest = planned - timedelta(days=rule.early)
    if rule.anchor == "yearly":
        latest: date | None = date.fromisoformat(event.fields["window_end"])
    else:
        latest = None if rule.late is None else planned + timedelta(days=rule.late)
    due = view.open_days.place(planned, earliest, latest, rule.before_event)
    if latest is not None and due > latest:
        latest = due
    return Occurrence(rule, event, offset, planned, due, min(earliest, due), latest)


def applies(rule: Rule, client: model.Client) -> str | None:
    """None if the rule is for this client, else why not."""
    when = rule.when
    if not rule.enabled:
        return "the rule is disabled"
    if client.do_not_contact:
        return "she is marked do-not-contact"
    if when.categories and client.category not in when.categories:
        return f"it is for {'/'.join(when.categories)} clients; she is {client.category}"
    if when.key is not None and client.key != when.key:
        return "it is for key clients" if when.key else "it is not for key clients"
    if when.gender and client.gender != when.gender:
        return f"it is for {when.gender} clients"
    return None


def evaluate(occurrence: Occurrence, calls: list[model.Call], view: SalonView, day: date,
             closed_on: date | None = None) -> Status:
    """The state of one occurrence on `day`, from the calls logged up to that day."""
    rule = occurrence.rule
    if rule.until_closed:  # a complaint stays due until it is closed, whatever the calls
        if closed_on is not None and closed_on <= day:
            return Status("done", closed_on, "closed")
        return _open_status(occurrence, occurrence.due, day, 0)
    start, end, tries = occurrence.due, occurrence.latest, 0
    for call in calls:
        if call.date > day or call.date < start or (end is not None and call.date > end):
            continue
        if call.rules and rule.id not in call.rules:
            continue
        if call.outcome in ("reached", "refused"):
            return Status("done", call.date, call.outcome, tries)
        if call.outcome == "no-answer":
            tries += 1
            if tries >= view.max_tries:
                return Status("missed", call.date, f"no answer {tries} times", tries)
            start = view.open_days.next_open(call.date + timedelta(days=1))
        elif call.outcome == "not-convenient":
            start = call.callback or view.open_days.next_open(call.date + timedelta(days=1))
        if end is not None and end < start:
            end = start
    return _open_status(occurrence, start, day, tries, end)


def _open_status(occurrence: Occurrence, start: date, day: date, tries: int,
                 end: date | None = None) -> Status:
    end = occurrence.latest if end is None else end
    if day < start:
        state: State = "upcoming" if start == occurrence.due else "waiting"
        return Status(state, start, "", tries)
    if end is not None and day > end:
        return Status("missed", end, "its window closed", tries)
    return Status("due", start, "", tries, (day - occurrence.due).days)


def _stopped(occurrence: Occurrence, client_id: str, view: SalonView, day: date) -> str | None:
    """A stop condition met since the event: she visited, or booked, again."""
    book = view.book(client_id)
    since = occurrence.event.date
    if "visited" in occurrence.rule.stop_if:
        later = [v for v in book.visits if since < v.date <= day and v.id != occurrence.event.visit]
        if later:
            return f"she visited on {later[0].date}"
    if "booked" in occurrence.rule.stop_if:
        booked = [a for a in book.appointments
                  if a.booked is not None and since <= a.booked <= day and a.date >= since]
        if booked:
            return f"she booked for {booked[0].date}"
    return None


def _wrong_number(client: model.Client, calls: list[model.Call], day: date) -> model.Call | None:
    """The wrong-number call that still stands: her phone has not changed since."""
    wrong = [c for c in calls if c.outcome == "wrong-number" and c.date <= day]
    if wrong and wrong[-1].phone in (None, client.phone):
        return wrong[-1]
    return None


def client_statuses(client: model.Client, rules: list[Rule], view: SalonView, day: date,
                    low: date, high: date) -> list[Reason]:
    """Every occurrence of every applicable rule for her between `low` and `high`, with its
    state on `day`."""
    calls = sorted(view.book(client.id).calls, key=lambda c: c.date)
    found: list[Reason] = []
    for rule in rules:
        if applies(rule, client) is not None:
            continue
        for occurrence in occurrences(rule, client, view, low, high):
            status = evaluate(occurrence, calls, view, day,
                              view.closed.get(occurrence.event.key))
            if status.state in ("due", "upcoming", "waiting"):
                why = _stopped(occurrence, client.id, view, day)
                if why:
                    status = Status("suppressed", None, why)
            found.append(Reason(occurrence, status))
    return _after_refusals(_after_wrong_number(found, client, calls, day))


def _after_refusals(reasons: list[Reason]) -> list[Reason]:
    """A refused call ends every call that hangs on the same event."""
    refused = {r.occurrence.event.key: r.status.on for r in reasons
               if r.status.state == "done" and r.status.detail == "refused"}
    return [
        Reason(r.occurrence, Status("suppressed", None, f"she declined on {refused[key]}"))
        if (key := r.occurrence.event.key) in refused and r.status.state != "done"
        else r
        for r in reasons
    ]


def _after_wrong_number(reasons: list[Reason], client: model.Client, calls: list[model.Call],
                        day: date) -> list[Reason]:
    wrong = _wrong_number(client, calls, day)
    if wrong is None:
        return reasons
    detail = f"her number was logged as wrong on {wrong.date}; change her phone to call again"
    return [r if r.status.state in ("done", "missed") else
            Reason(r.occurrence, Status("suppressed", None, detail)) for r in reasons]


def row_channel(client: model.Client, reasons: tuple[Reason, ...]) -> str:
    """A client who takes messages only gets a message; one who takes calls gets a call if
    any reason asks for one, else an SMS."""
    if client.channel != "phone":
        return client.channel
    return "phone" if any(r.occurrence.rule.channel == "call" for r in reasons) else "sms"


def due_on(view: SalonView, rules: list[Rule], day: date) -> list[DueRow]:
    """The call sheet for `day`: one row per client with every reason due, by priority.
    A closed day has no sheet: its calls wait for the next open day, window permitting."""
    if not view.open_days.is_open(day):
        return []
    rows = []
    for client in view.clients:
        if client.do_not_contact:
            continue
        reasons = tuple(sorted(
            (r for r in client_statuses(client, rules, view, day, day, day)
             if r.status.state == "due"),
            key=lambda r: (r.occurrence.rule.priority, r.occurrence.due, r.occurrence.rule.id),
        ))
        if reasons:
            rows.append(DueRow(client, day, row_channel(client, reasons), reasons))
    return sorted(rows, key=lambda row: (
        min(r.occurrence.rule.priority for r in row.reasons), -row.overdue_days, row.client.id))


def missed(view: SalonView, rules: list[Rule], since: date,
           day: date) -> list[tuple[model.Client, Reason]]:
    """Occurrences that went by without a call, missed between `since` and `day`."""
    found = []
    for client in view.clients:
        if client.do_not_contact:
            continue
        for reason in client_statuses(client, rules, view, day, since, day):
            status = reason.status
            if status.state == "missed" and status.on is not None and since <= status.on <= day:
                found.append((client, reason))
    return sorted(found, key=lambda item: (item[1].status.on or day, item[0].id))


def call_load(view: SalonView, rules: list[Rule], today: date, low: date,
              high: date) -> dict[date, int]:
    """How many clients the rules will ask to call on each day between `low` and `high`,
    from what is known on `today` (a forecast: later events and calls are not known)."""
    load: dict[date, set[str]] = {}
    for client in view.clients:
        if client.do_not_contact:
            continue
        for reason in client_statuses(client, rules, view, today, low, high):
            due = reason.occurrence.due
            if low <= due <= high and reason.status.state != "suppressed":
                load.setdefault(due, set()).add(client.id)
    return {day: len(clients) for day, clients in sorted(load.items())}
