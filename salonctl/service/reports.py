"""The day's, week's and month's report as the commands and the evening e-mail give it:
calls made, reached and turned into bookings; visits and money; new clients and members;
complaints; the month so far against its target; the day's notes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from salonctl import lazy
from salonctl.engine import model, reports
from salonctl.files import daynotes
from salonctl.i18n import N_, _
from salonctl.service.context import Run
from salonctl.service.plans import progress
from salonctl.words import render

if TYPE_CHECKING:
    from salonctl.engine import worklist
else:
    worklist = lazy.module("salonctl.engine.worklist")


FIGURES = ("calls", "reached", "no_answer", "bookings_after_calls", "visits", "revenue",
           "visits_paid", "card_sales", "card_use", "card_sessions_used", "new_clients",
           "new_members", "complaints_opened", "complaints_closed")


LABELS = {
    "calls": N_("calls made"), "reached": N_("reached"), "no_answer": N_("no answer"),
    "bookings_after_calls": N_("booked within 7 days of a reached call"),
    "visits": N_("visits"), "revenue": N_("revenue (paid at visits, card sales)"),
    "visits_paid": N_("paid at visits"), "card_sales": N_("card sales and top-ups"),
    "card_use": N_("paid with cards (not revenue again)"),
    "card_sessions_used": N_("card sessions used"), "new_clients": N_("new clients"),
    "new_members": N_("new members"), "complaints_opened": N_("complaints opened"),
    "complaints_closed": N_("complaints closed"),
}


def report_record(run: Run, span: str, day: date, by: str | None = None) -> dict[str, Any]:
    """The report of the span holding `day`, as `report --format json` prints it."""
    span_of = reports.period(span, day)
    salon = run.reading()
    history, clients = salon.history(), salon.clients()
    record: dict[str, Any] = {
        "span": span, "from": span_of.first, "to": span_of.last,
        **reports.figures(history, clients, span_of),
        "month_to_date": progress(run, day.year, day.month, min(day, span_of.last)),
        "notes": [{"date": n.date, "note": n.note, "by": n.by}
                  for n in daynotes.load(salon.root)[0] if span_of.holds(n.date)],
    }
    if by is not None:
        record["by"] = by
        record["rows"] = _rows(history, clients, span_of, by, salon.settings())
    return record


def report_lines(record: dict[str, Any]) -> tuple[str, list[tuple[str, str]], list[str]]:
    """The report's title, its figures as (label, value) in the salon's language, and the
    day's notes (for the evening e-mail, as text and as HTML)."""
    figures = [(_(LABELS[f]), render.cell_text(record[f])) for f in FIGURES]
    return report_title(record), figures, [f"{n['date']} {n['note']}" for n in record["notes"]]


def report_text(record: dict[str, Any]) -> tuple[str, str]:
    """The report's title and its figures as plain lines."""
    title, figures, notes = report_lines(record)
    width = max(len(label) for label, _value in figures)
    lines = [f"{label:<{width}}  {value}" for label, value in figures] + notes
    return title, "\n".join([title, "", *lines]) + "\n"


def report_title(record: dict[str, Any]) -> str:
    month = record["month_to_date"]
    return _("{span} {first} to {last}; month to date {actual} of {target}").format(
        span=_(record["span"]), first=record["from"], last=record["to"],
        actual=f"{month['actual']:,}", target=f"{month['target']:,}")


def _rows(history: model.History, clients: list[model.Client], span: reports.Period, by: str,
          settings: model.Settings) -> list[dict[str, Any]]:
    if by == "consultant":
        owner = {c.id: worklist.caller_of(c, settings) for c in clients}
        names = sorted({owner.get(c.client, "") for c in history.calls if span.holds(c.date)}
                       | {v.by for v in history.visits if span.holds(v.date) and v.by})
        return [{"consultant": name, **reports.figures(
            history, clients, span, calls_of=_called_by(name, owner), visits_of=_served_by(name),
            whole=False)}
            for name in names if name]
    if by == "service":
        names = sorted({s for v in history.visits if span.holds(v.date) for s in v.services})
        return [{"service": name, **reports.figures(
            history, clients, span, calls_of=_no_call, visits_of=_with_service(name),
            whole=False)}
            for name in names]
    names = sorted({p.name for v in history.visits if span.holds(v.date) for p in v.products})
    return [{"product": name, **reports.figures(
        history, clients, span, calls_of=_no_call, visits_of=_with_product(name),
        whole=False)}
        for name in names]


def _called_by(name: str, owner: dict[str, str]) -> Callable[[model.Call], bool]:
    """Her calls: the ones she logged, or (unsigned) those to clients she calls."""
    return lambda call: (call.by or owner.get(call.client)) == name


def _served_by(name: str) -> Callable[[model.Visit], bool]:
    return lambda visit: visit.by == name


def _with_service(name: str) -> Callable[[model.Visit], bool]:
    return lambda visit: name in visit.services


def _with_product(name: str) -> Callable[[model.Visit], bool]:
    return lambda visit: any(product.name == name for product in visit.products)


def _no_call(call: model.Call) -> bool:
    return False

