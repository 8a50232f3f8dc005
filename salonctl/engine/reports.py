"""The day's, week's and month's report: what the calls did, what came in, who joined.
Pure: history in, figures out.

A booking counts for a call when the client booked an appointment within 7 days after a
call that reached her: the conversion a call list exists for. Money is shown so nothing is
counted twice: visits paid in cash, card sales and top-ups are revenue; visits paid with a
card are card use, shown apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from salonctl.engine import model

BOOKING_DAYS = 7
ZERO = Decimal(0)


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last


def period(kind: str, day: date) -> Period:
    if kind == "day":
        return Period(day, day)
    if kind == "week":  # Monday to Sunday
        first = day - timedelta(days=day.weekday())
        return Period(first, first + timedelta(days=6))
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def converted_calls(calls: Iterable[model.Call], appointments: Iterable[model.Appointment]
                    ) -> set[str]:
    """The reached calls a booking followed within 7 days (by the call's id)."""
    booked = [(a.client, a.booked or a.date) for a in appointments]
    return {call.id for call in calls if call.outcome == "reached"
            and any(client == call.client and call.date <= on <= call.date
                    + timedelta(days=BOOKING_DAYS) for client, on in booked)}


def figures(history: model.History, clients: list[model.Client], span: Period,
            calls_of: Callable[[model.Call], bool] = lambda call: True,
            visits_of: Callable[[model.Visit], bool] = lambda visit: True,
            whole: bool = True) -> dict[str, object]:
    """The report's figures for `span`; for one consultant, service or product (`whole`
    False) the calls and visits the filters choose, and none of the salon-wide figures."""
    calls = [c for c in history.calls if span.holds(c.date) and calls_of(c)]
    converted = converted_calls(calls, history.appointments)
    visits = [v for v in history.visits if span.holds(v.date) and visits_of(v)]
    cash = sum((v.amount for v in visits if v.amount is not None and not v.card), ZERO)
    card_use = sum((v.amount for v in visits if v.amount is not None and v.card), ZERO)
    sold = [c for c in history.cards if span.holds(c.date) and whole]
    card_sales = ZERO if not whole else sum((c.price for c in sold if c.price is not None), ZERO) + sum(
        (t.price if t.price is not None else t.amount or ZERO
         for t in history.topups if span.holds(t.date)), ZERO)
    closed = [c for c in history.closures if span.holds(c.date)]
    salon_wide = {
        "new_clients": sum(1 for c in clients if c.since and span.holds(c.since)),
        "new_members": _new_members(history.cards, span),
        "complaints_opened": sum(1 for c in history.complaints if span.holds(c.date)),
        "complaints_closed": len(closed),
    }
    return {
        "calls": len(calls), "reached": sum(c.outcome == "reached" for c in calls),
        "no_answer": sum(c.outcome == "no-answer" for c in calls),
        "bookings_after_calls": len(converted),
        "visits": len(visits), "revenue": cash + card_sales, "visits_paid": cash,
        "card_sales": card_sales, "card_use": card_use,
        "card_sessions_used": sum(1 for v in visits if v.card),
        **(salon_wide if whole else dict.fromkeys(salon_wide)),
    }


def _new_members(sold: Iterable[model.Card], span: Period) -> int:
    """Clients whose first real (not trial) card was sold in the span: a card makes a member."""
    first: dict[str, date] = {}
    for card in sorted(sold, key=lambda c: c.date):
        if not card.trial:
            first.setdefault(card.client, card.date)
    return sum(1 for day in first.values() if span.holds(day))

