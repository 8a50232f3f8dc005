"""Who is due for which call on a day: a pure function of the salon, its rules and the day.

For each client and enabled rule, each event the rule hangs on gives one occurrence per
offset: a planned day, moved off closed days inside its window, and a window it may wait in.
The callback log then decides each occurrence's state on the day:

- reached: done (every reason that was due on that call);
- refused: done, and no more calls hang on that event;
- no-answer: due again the next open day, up to `max_tries` tries, then missed;
- not-convenient: due again the next open day; with a callback day, none of her calls is
  due before it and all of them are due on it, their windows stretched to reach it;
- wrong-number: no calls to her at all until her phone number is changed.

A call logged with `--rule` answers only those rules. A complaint (`until: closed`) is due
daily until she is reached, then every few days until it is closed. Occurrences still due on
a day merge into one row per client, ordered by priority (`schedule` makes the day's rows and
`worklist` turns them into each caller's day). A window ends: past it a call is missed,
never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from salonctl.engine import details, model
from salonctl.engine.anchors import Event, SalonView, events
from salonctl.engine.calendar import OpenDays
from salonctl.engine.ruleset import Rule

State = Literal["upcoming", "waiting", "due", "done", "missed", "suppressed"]
RETRY_SLACK_DAYS = 45  # how far past its window an occurrence may still be retried
FOLLOW_UP_DAYS = 3  # a complaint answered but not closed is followed up every 3 days


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
    overdue_days: int = 0  # days past the last day of its window (0 inside it)
    window_end: date | None = None  # the window's last day, a callback's extension included
    stage: str = ""  # which script of a rule with several: "" / "late" / "follow-up"
    last_day: bool = False  # due on the last day of its window


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

    @property
    def kind(self) -> str:
        """call: it takes a caller's time; message: every reason is a greeting to send."""
        return row_kind(self.reasons)

    def part(self, kind: str) -> DueRow | None:
        """The row with only its reasons of one kind (None if it has none)."""
        reasons = tuple(r for r in self.reasons if r.occurrence.rule.message == (kind == "message"))
        return DueRow(self.client, self.date, row_channel(self.client, reasons), reasons) \
            if reasons else None


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
        return details.RULE_DISABLED
    if client.do_not_contact:
        return details.DO_NOT_CONTACT
    if when.categories and client.category not in when.categories:
        return details.FOR_CATEGORIES.format(categories="/".join(when.categories),
                                              category=client.category)
    if when.key is not None and client.key != when.key:
        return details.FOR_KEY if when.key else details.NOT_FOR_KEY
    if when.gender and client.gender != when.gender:
        return details.FOR_GENDER.format(gender=when.gender)
    return None


Callback = tuple[date, date]  # (the day she asked for it, the open day to call her back)


def standing_callback(calls: list[model.Call], day: date, open_days: OpenDays) -> Callback | None:
    """Her last call up to `day`, if it asked to be called back on a given day: until then
    none of her calls is due, and on that day every one of them is."""
    past = [c for c in calls if c.date <= day]
    if not past or past[-1].outcome != "not-convenient" or past[-1].callback is None:
        return None
    return past[-1].date, open_days.next_open(past[-1].callback)


def evaluate(occurrence: Occurrence, calls: list[model.Call], view: SalonView, day: date,
             closed_on: date | None = None, callback: Callback | None = None) -> Status:
    """The state of one occurrence on `day`, from the calls logged up to that day."""
    if occurrence.rule.until_closed:
        return _until_closed(occurrence, calls, view, day, closed_on, callback)
    start, end, tries = occurrence.due, occurrence.latest, 0
    window_end = occurrence.latest
    for call in _answering(occurrence, calls, day):
        if call.date < start or (end is not None and call.date > end):
            continue
        if call.outcome in ("reached", "refused"):
            return Status("done", call.date, call.outcome, tries, window_end=window_end)
        if call.outcome == "no-answer":
            tries += 1
            if tries >= view.max_tries:
                return Status("missed", call.date, details.NO_ANSWER.format(tries=tries), tries,
                              window_end=window_end)
            start = view.open_days.next_open(call.date + timedelta(days=1))
        elif call.outcome == "not-convenient":
            start = view.open_days.next_open(call.callback or call.date + timedelta(days=1))
            if call.callback and window_end is not None:
                window_end = max(window_end, start)  # she named the day: it is in the window
        if end is not None and end < start:
            end = start  # one more try, past the window (it shows as overdue)
    return _open_status(occurrence, *_called_back(occurrence, callback, start, end, window_end),
                        day, tries)


def _answering(occurrence: Occurrence, calls: list[model.Call], day: date) -> list[model.Call]:
    """Her calls up to `day` that answer this rule (a call logged with --rule answers those)."""
    rule_id = occurrence.rule.id
    return [c for c in calls if c.date <= day and (not c.rules or rule_id in c.rules)]


def _called_back(occurrence: Occurrence, callback: Callback | None, start: date,
                 end: date | None, window_end: date | None
                 ) -> tuple[date, date | None, date | None]:
    """A standing callback holds every call of hers that would come before it until that day,
    and stretches its window to reach it."""
    if callback is None:
        return start, end, window_end
    asked, again = callback
    if occurrence.due > again or (occurrence.latest is not None and occurrence.latest < asked):
        return start, end, window_end
    return max(start, again), _at_least(end, again), _at_least(window_end, again)


def _at_least(day: date | None, floor: date) -> date | None:
    return None if day is None else max(day, floor)


def _until_closed(occurrence: Occurrence, calls: list[model.Call], view: SalonView, day: date,
                  closed_on: date | None, callback: Callback | None) -> Status:
    """A complaint: due every day until she is reached, then again every few days until it is
    closed. Before its deadline the script promises a reply by then; after it, an apology."""
    if closed_on is not None and closed_on <= day:
        return Status("done", closed_on, details.CLOSED)
    reached = [c.date for c in _answering(occurrence, calls, day)
               if c.outcome == "reached" and c.date >= occurrence.event.date]
    deadline = occurrence.event.date + timedelta(days=2)
    if reached:
        start = view.open_days.next_open(reached[-1] + timedelta(days=FOLLOW_UP_DAYS))
        stage = "follow-up"
    else:
        start, stage = occurrence.due, ("late" if day > deadline else "")
    start, _, _ = _called_back(occurrence, callback, start, None, None)
    if day < start:
        return Status("waiting" if reached else "upcoming", start, "", 0, stage=stage)
    late = max(0, (day - deadline).days) if stage == "late" else 0  # days past the 48 hours
    return Status("due", start, "", 0, late, stage=stage)


def _open_status(occurrence: Occurrence, start: date, end: date | None, window_end: date | None,
                 day: date, tries: int) -> Status:
    if day < start:
        state: State = "upcoming" if start == occurrence.due else "waiting"
        return Status(state, start, "", tries, window_end=window_end)
    if end is not None and day > end:
        return Status("missed", end, details.WINDOW_CLOSED, tries, window_end=window_end)
    overdue = max(0, (day - window_end).days) if window_end is not None else 0
    return Status("due", start, "", tries, overdue, window_end, last_day=day == window_end)


def _stopped(occurrence: Occurrence, client_id: str, view: SalonView, day: date) -> str | None:
    """A stop condition met since the event: she visited, or booked, again."""
    book = view.book(client_id)
    since = occurrence.event.date
    if "visited" in occurrence.rule.stop_if:
        later = [v for v in book.visits if since < v.date <= day and v.id != occurrence.event.visit]
        if later:
            return details.VISITED_ON.format(day=later[0].date)
    if "booked" in occurrence.rule.stop_if:
        booked = [a for a in book.appointments
                  if a.booked is not None and since <= a.booked <= day and a.date >= since]
        if booked:
            return details.BOOKED_FOR.format(day=booked[0].date)
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
    callback = standing_callback(calls, day, view.open_days)
    found: list[Reason] = []
    for rule in rules:
        if applies(rule, client) is not None:
            continue
        for occurrence in occurrences(rule, client, view, low, high):
            status = evaluate(occurrence, calls, view, day,
                              view.closed.get(occurrence.event.key), callback)
            if status.state in ("due", "upcoming", "waiting"):
                why = _stopped(occurrence, client.id, view, day)
                if why:
                    status = Status("suppressed", None, why)
            found.append(Reason(occurrence, status))
    found = _after_reached(_after_refusals(_after_wrong_number(found, client, calls, day)))
    spans = complaint_spans(view.book(client.id).complaints, view, day)
    return _messages_sent(_during_complaint(found, spans, day), spans, view, day)


def _after_reached(reasons: list[Reason]) -> list[Reason]:
    """A rule with `stop_if: [reached]` tries an event at several offsets until one call
    reaches her: the later tries are then void."""
    reached: dict[tuple[str, str], date] = {}
    for r in reasons:
        if "reached" in r.occurrence.rule.stop_if and r.status.detail == "reached" and r.status.on:
            key = (r.occurrence.rule.id, r.occurrence.event.key)
            reached[key] = min(reached.get(key, r.status.on), r.status.on)
    return [
        Reason(r.occurrence, Status("suppressed", None, details.REACHED_ON.format(day=reached[key])))
        if (key := (r.occurrence.rule.id, r.occurrence.event.key)) in reached
        and r.status.state != "done" and r.occurrence.planned > reached[key]
        else r
        for r in reasons
    ]


# What a row may still carry while a complaint of hers is open: the complaint, and her
# booking (she still needs to know when to come).
DURING_COMPLAINT = ("complaint", "appointment")
Span = tuple[str, date, date]  # a complaint's id, the day it was made and the day it closed


def complaint_spans(complaints: list[model.Complaint], view: SalonView, day: date) -> list[Span]:
    """Her complaints made by `day`, each open from its day up to the day it was closed."""
    return [(c.id, c.date, view.closed.get(c.id, date.max)) for c in complaints if c.date <= day]


def open_complaint(spans: list[Span], when: date) -> str | None:
    """The complaint of hers open on `when` (the day it is closed included), if any."""
    return next((cid for cid, opened, closed in spans if opened <= when <= closed), None)


def _during_complaint(reasons: list[Reason], spans: list[Span], day: date) -> list[Reason]:
    """While a complaint of hers is open (up to the day it is closed), her row carries only
    the complaint and a booking's reminder: every other call waits, and comes back the day
    after it is closed if its window allows. One whose window closed meanwhile says why."""
    if not spans:
        return reasons
    held = []
    for r in reasons:
        exempt = r.occurrence.rule.anchor in DURING_COMPLAINT
        if not exempt and r.status.state == "due" and (cid := open_complaint(spans, day)):
            r = Reason(r.occurrence, Status("waiting", None,
                                            details.HELD_FOR_COMPLAINT.format(complaint=cid),
                                            r.status.tries, window_end=r.status.window_end))
        elif not exempt and r.status.state == "missed" and r.status.on is not None \
                and r.status.detail == details.WINDOW_CLOSED \
                and (cid := open_complaint(spans, r.status.on)):
            r = Reason(r.occurrence, replace(
                r.status, detail=details.MISSED_FOR_COMPLAINT.format(complaint=cid)))
        held.append(r)
    return held


def _messages_sent(reasons: list[Reason], spans: list[Span], view: SalonView,
                   day: date) -> list[Reason]:
    """A message is never held by the day's limit, so it went out with the sheet of the
    first open day it was due on (a complaint of hers open then held it back): after that
    day it is done, not due again nor missed."""
    found = []
    for r in reasons:
        occurrence, status = r.occurrence, r.status
        if occurrence.rule.message and status.state in ("due", "missed"):
            first = status.on if status.state == "due" and status.on else occurrence.due
            last = min(day - timedelta(days=1), status.window_end or occurrence.latest or day)
            sent = _first_sheet(first, last, spans, view)
            if sent is not None:
                r = Reason(occurrence, Status("done", sent, details.SENT_ON.format(day=sent),
                                              window_end=status.window_end))
        found.append(r)
    return found


def _first_sheet(first: date, last: date, spans: list[Span], view: SalonView) -> date | None:
    """The first open day from `first` to `last` on which no complaint of hers was open."""
    when = first
    while when <= last:
        if view.open_days.is_open(when) and open_complaint(spans, when) is None:
            return when
        when += timedelta(days=1)
    return None


def _after_refusals(reasons: list[Reason]) -> list[Reason]:
    """A refused call ends every call that hangs on the same event."""
    refused = {r.occurrence.event.key: r.status.on for r in reasons
               if r.status.state == "done" and r.status.detail == "refused"}
    return [
        Reason(r.occurrence, Status("suppressed", None, details.DECLINED_ON.format(day=refused[key])))
        if (key := r.occurrence.event.key) in refused and r.status.state != "done"
        else r
        for r in reasons
    ]


def _after_wrong_number(reasons: list[Reason], client: model.Client, calls: list[model.Call],
                        day: date) -> list[Reason]:
    wrong = _wrong_number(client, calls, day)
    if wrong is None:
        return reasons
    detail = details.WRONG_NUMBER.format(day=wrong.date)
    return [r if r.status.state in ("done", "missed") else
            Reason(r.occurrence, Status("suppressed", None, detail)) for r in reasons]


def row_kind(reasons: Iterable[Reason]) -> str:
    """A call if any reason asks for one, else a message (a greeting, season tips)."""
    return "call" if any(not r.occurrence.rule.message for r in reasons) else "message"


def row_channel(client: model.Client, reasons: tuple[Reason, ...]) -> str:
    """A client who takes messages only gets a message; one who takes calls gets a call if
    any reason asks for one, else a text to her phone."""
    if client.channel != "phone":
        return client.channel
    return "phone" if row_kind(reasons) == "call" else "sms"
