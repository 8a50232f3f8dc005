"""`salonctl plan day [DATE]`: today's plan for each consultant, as the front-desk standard
asks every morning (seed 001, 本日工作計畫): her calls, the members to approach and with
what, and the cash the day should bring in towards the month's target."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salonctl import lazy
from salonctl.cli.common import PlanFormatOption, State, arg, state
from salonctl.cli.due import day_engine, engine, parse_when, require_known_caller
from salonctl.cli.planning import birthdays_by_month
from salonctl.cli.plans import plan_app, progress
from salonctl.engine import cards
from salonctl.i18n import N_, _
from salonctl.words import render

if TYPE_CHECKING:
    from salonctl.engine import worklist
    from salonctl.engine.anchors import SalonView
    from salonctl.index.daymemo import DayResult
else:
    worklist = lazy.module("salonctl.engine.worklist")

# What a due reason offers the member, by the anchor of its rule
_OFFERS = {"card-low": N_("card nearly used up: top it up"),
           "card-expiry": N_("card ending: use it or renew it"),
           "product-use": N_("repurchase: {what}"),
           "course-end": N_("course ending: the next one")}


@plan_app.command("day")
def plan_day(
    ctx: typer.Context,
    when: Annotated[str, typer.Argument(metavar="[DAY]", help="The day (default today).")] = "today",
    consultant: Annotated[str | None, typer.Option(help="Only her plan.")] = None,
    fmt: PlanFormatOption = "table",
) -> None:
    """Today's plan for each consultant: her calls, the members to approach and with what,
    and the cash the day should bring towards the month's target."""
    run = state(ctx)
    day = arg(lambda v: parse_when(v, run.today()), when, "DAY")
    record = day_record(run, day)
    if consultant is not None:
        if consultant not in {p["consultant"] for p in record["consultants"]}:
            require_known_caller(run, consultant)
        record["consultants"] = [p for p in record["consultants"] if p["consultant"] == consultant]
    _print(run, record, fmt)


def day_record(run: State, day: date) -> dict[str, Any]:
    view, _rules = engine(run, day)
    work = day_engine(run, day)
    settings = view.settings
    placed = worklist.place_ranked(((r.row, r.terms) for r in work.results), settings,
                                   settings.daily_limit)
    calls: dict[str, int] = {}
    for row in worklist.calls(placed):
        if not row.held:
            calls[row.caller] = calls.get(row.caller, 0) + 1
    approach = _approach(view, work.results, day)
    callers = sorted(set(calls) | {worklist.caller_of(view.by_id[a["client"]], settings)
                                   for a in approach})
    plans = [{"consultant": caller, "calls": calls.get(caller, 0),
              "approach": [a for a in approach
                           if worklist.caller_of(view.by_id[a["client"]], settings) == caller]}
             for caller in callers]
    return {"date": day, "cash": _cash(run, day), "consultants": plans}


def _approach(view: SalonView, results: list[DayResult], day: date) -> list[dict[str, Any]]:
    """Members worth approaching today, each with what to offer."""
    offers: dict[str, list[str]] = {}
    for result in results:
        for reason in result.row.reasons:
            rule = reason.occurrence.rule
            if rule.anchor in _OFFERS:
                what = reason.occurrence.event.fields.get("products", "")
                offers.setdefault(result.row.client.id, []).append(
                    _(_OFFERS[rule.anchor]).format(what=what))
    for birthday, client in birthdays_by_month(view.clients, day.year).get(day.month, []):
        if client.category == "member":
            offers.setdefault(client.id, []).append(
                _("birthday {day}: this month's birthday offer").format(day=f"{birthday:%m-%d}"))
    booked = [a for client in view.clients for a in view.book(client.id).appointments
              if a.date == day]
    for appointment in sorted(booked, key=lambda a: a.time):
        bought = [p.name for v in view.book(appointment.client).visits for p in v.products][-2:]
        offers.setdefault(appointment.client, []).append(
            _("coming in at {time} for {service}").format(
                time=appointment.time, service=appointment.service or "-")
            + (_("; has bought {products}").format(products=", ".join(bought)) if bought else ""))
    return [{"client": client_id, "name": view.by_id[client_id].name, "offers": found}
            for client_id, found in sorted(offers.items())
            if client_id in view.by_id and not view.by_id[client_id].do_not_contact]


def _cash(run: State, day: date) -> dict[str, Any]:
    """The month's target, taken before `day`, and the day's share of what is left."""
    month = progress(run, day.year, day.month, day)
    taken_before = month["actual"] - _taken_on(run, day)
    left = max(month["target"] - taken_before, 0)
    days = month["open_days_left"]
    return {"month": month["month"], "target": month["target"], "taken": taken_before,
            "left": left, "open_days_left": days,
            "expected": round(left / days) if days else 0}


def _taken_on(run: State, day: date) -> Decimal:
    return sum((amount for when, amount in cards.takings(run.reading().history()) if when == day),
               Decimal(0))


def _print(run: State, record: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        run.out.write(render.to_json(record))
        return
    rows = [{"consultant": p["consultant"], "calls": p["calls"], "name": a["name"],
             "offers": a["offers"]} for p in record["consultants"] for a in p["approach"]]
    if fmt == "csv":
        run.out.write(render.to_csv(rows, ("consultant", "calls", "name", "offers"), run.bom))
        return
    cash = record["cash"]
    header = _("{day}: expected cash today {expected} (month {month}: {taken} of {target} "
               "taken, {left} to go over {days} open days)").format(
        day=record["date"], expected=f"{cash['expected']:,}", month=cash["month"],
        taken=f"{cash['taken']:,}", target=f"{cash['target']:,}", left=f"{cash['left']:,}",
        days=cash["open_days_left"])
    columns = (*render.columns("name"), render.Column("offers", lambda r: r["offers"], wrap=True))
    if fmt == "markdown":
        run.out.write(f"## {header}\n\n")
    else:
        run.line(header, style="bold")
    for plan in record["consultants"]:
        title = _("{consultant} · {calls} calls").format(consultant=plan["consultant"],
                                                         calls=plan["calls"])
        if fmt == "markdown":
            run.out.write(f"### {title}\n\n" + render.to_markdown(plan["approach"], columns) + "\n")
        else:
            run.console.print(render.table(render.Listing(plan["approach"], columns, title=title)))
