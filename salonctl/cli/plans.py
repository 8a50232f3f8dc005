"""`salonctl plan`, `plan year`, `plan month`, `plan day`: business plans from the salon's own
data, and today's plan for each consultant."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salonctl import i18n, lazy
from salonctl.cli.app import plan_app
from salonctl.cli.common import PlanFormatOption, State, arg, parse_when, state
from salonctl.errors import UsageError
from salonctl.files import parsing
from salonctl.i18n import N_, _, ngettext
from salonctl.service.day import require_known_caller
from salonctl.service.plans import (
    CARD_ENDS,
    KEY_UNSEEN,
    MEMBER_UNSEEN,
    build_year,
    day_record,
    month_record,
    progress,
)
from salonctl.words import render

if TYPE_CHECKING:
    from salonctl.engine import calendar, plan
else:  # loaded by the command that runs them, not by --help
    calendar = lazy.module("salonctl.engine.calendar")
    plan = lazy.module("salonctl.engine.plan")


def _money_option(value: str | None, name: str) -> Decimal | None:
    return None if value is None else arg(parsing.parse_money, value, name)


def year_record(result: plan.YearPlan) -> dict[str, Any]:
    """The stable JSON of `plan year`."""
    return {
        "year": result.year, "target": result.target, "break_even": result.break_even,
        "required": result.required, "trend_estimate": result.trend,
        "target_source": result.target_source, "weights_source": result.weights_source,
        "weights_years": list(result.weights_years),
        "years": [{"year": r.year, "revenue": plan.whole(r.revenue), "source": r.source,
                   "estimated": r.estimated} for r in result.years],
        "notes": list(result.notes),
        "months": [_month_record(result.year, m) for m in result.months],
    }


def _month_record(year: int, month: plan.MonthPlan) -> dict[str, Any]:
    return {
        "month": f"{year}-{month.month:02d}", "season": month.cycle.season,
        "demand": month.cycle.demand, "wants": month.cycle.wants, "focus": list(month.cycle.focus),
        "holidays": [{"name": name, "date": day} for name, day in month.holidays],
        "birthdays": month.birthdays, "calls": month.calls,
        "weight": float(round(month.weight, 4)), "target": month.target,
        "history": [{"year": y, "revenue": r} for y, r in month.history],
    }


def _default_year(today: date) -> int:
    return today.year + 1 if today.month >= 10 else today.year


@plan_app.callback()
def plan_progress(ctx: typer.Context) -> None:
    """Without a subcommand: this month's revenue so far against its target."""
    if ctx.invoked_subcommand is not None:
        return
    run = state(ctx)
    today = run.today()
    record = progress(run, today.year, today.month, today)
    for line in _progress_lines(record):
        run.line(line)


@plan_app.command("year")
def plan_year(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Argument(
        metavar="[YEAR]", help="Default: next year from October on, else this year.")] = None,
    target: Annotated[str | None, typer.Option(help="Use this target instead.")] = None,
    fixed_costs: Annotated[str | None, typer.Option(
        "--fixed-costs", help="Fixed costs per month (what if the rent goes up?).")] = None,
    variable_share: Annotated[str | None, typer.Option(
        "--variable-share", help="Variable costs as a share of revenue, e.g. 0.35.")] = None,
    profit: Annotated[str | None, typer.Option(help="Target profit for the year.")] = None,
    fmt: PlanFormatOption = "table",
) -> None:
    """The year's plan: target, break-even, and the target spread over the months."""
    run = state(ctx)
    chosen = year if year is not None else _default_year(run.today())
    if not calendar.FIRST_YEAR < chosen < calendar.LAST_YEAR:
        raise UsageError(_("YEAR: {year} is outside {first}-{last}").format(
            year=chosen, first=calendar.FIRST_YEAR + 1, last=calendar.LAST_YEAR - 1))
    result = build_year(
        run, chosen, _money_option(target, "--target"), _money_option(fixed_costs, "--fixed-costs"),
        _money_option(variable_share, "--variable-share"), _money_option(profit, "--profit"))
    _print_year(run, year_record(result), fmt)


def _print_year(run: State, record: dict[str, Any], fmt: str) -> None:
    out = run.out
    if fmt == "json":
        out.write(render.to_json(record))
        return
    rows = [{**m, "last_year": m["history"][-1]["revenue"],
             "holidays": [f"{h['name']} {h['date']:%m-%d}" for h in m["holidays"]]}
            for m in record["months"]]
    if fmt == "csv":
        out.write(render.to_csv([{k: v for k, v in r.items() if k != "history"} for r in rows],
                                bom=run.bom))
        return
    columns = (
        *render.columns("month"),
        render.Column("demand", lambda r: demand_word(r["demand"])),
        render.Column("target", lambda r: r["target"], justify="right"),
        render.Column("last year", lambda r: r["last_year"], justify="right"),
        render.Column("birthdays", lambda r: r["birthdays"], justify="right"),
        render.Column("calls", lambda r: r["calls"], justify="right"),
        render.Column("holidays", lambda r: r["holidays"], wrap=True),
    )
    header = _year_header(record)
    if fmt == "markdown":
        out.write(render.to_markdown(rows, columns, header))
        return
    for line in header:
        run.line(line)
    run.console.print(render.table(render.Listing(rows, columns)))


def _year_header(record: dict[str, Any]) -> list[str]:
    why = {"given": _("given with --target"), "trend": _("the trend is above the required revenue"),
           "required": _("the revenue that leaves the target profit")}[record["target_source"]]
    trend = _("none (no history)") if record["trend_estimate"] is None \
        else f"{record['trend_estimate']:,}"
    weights = _("the salon's own history ({years})").format(
        years=", ".join(map(str, record["weights_years"]))) \
        if record["weights_source"] == "history" else _("the default demand cycle")
    lines = [
        _("Plan for {year}: target {target} ({why})").format(
            year=record["year"], target=f"{record['target']:,}", why=why),
        _("break-even {even} · required {required} · trend {trend}").format(
            even=f"{record['break_even']:,}", required=f"{record['required']:,}", trend=trend),
        _("weights: {weights}").format(weights=weights),
    ]
    lines += [_("past: {year} {revenue}").format(year=y["year"], revenue=f"{y['revenue']:,}")
              + (_(" (estimated)") if y["estimated"] else "")
              + (_(" (typed in)") if y["source"] == "typed" else "") for y in record["years"]]
    return lines + [_("note: {note}").format(note=_(n)) for n in record["notes"]]


# --- the month ---------------------------------------------------------------------------


def _month_of(text: str | None, today: date) -> tuple[int, int]:
    if text is None:
        if today.day >= 25:  # the plan for next month is written on the 25th (seed 001)
            following = (today.replace(day=1) + timedelta(days=32))
            return following.year, following.month
        return today.year, today.month
    day = parsing.parse_date(f"{text}-01") if len(text) == 7 else None
    if day is None:
        raise parsing.InvalidValue(_("{text} is not a month; expected YYYY-MM").format(
            text=repr(text)))
    if not calendar.FIRST_YEAR < day.year < calendar.LAST_YEAR:  # the lunar calendar's span
        raise parsing.InvalidValue(_("{text} is outside the plans' years, {first}-{last}").format(
            text=text, first=calendar.FIRST_YEAR + 1, last=calendar.LAST_YEAR - 1))
    return day.year, day.month


def _progress_lines(record: dict[str, Any]) -> list[str]:
    per_day = record["per_open_day"]
    return [
        _("{month}: {actual} of {target} ({left} to go)").format(
            month=record["month"], actual=f"{record['actual']:,}",
            target=f"{record['target']:,}", left=f"{record['left']:,}"),
        ngettext("{days} open day left", "{days} open days left",
                 record["open_days_left"]).format(days=record["open_days_left"])
        + (_(": {amount} a day").format(amount=f"{per_day:,}") if per_day is not None else ""),
    ]


@plan_app.command("month")
def plan_month(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Argument(
        metavar="[YYYY-MM]", help="Default: next month from the 25th on, else this month.")] = None,
    fmt: PlanFormatOption = "table",
) -> None:
    """The month's action plan: target by week, birthdays, bookings, call load, who to approach."""
    run = state(ctx)
    today = run.today()
    year, number = arg(lambda v: _month_of(v, today), month or "", "YYYY-MM") if month \
        else _month_of(None, today)
    record = month_record(run, year, number, today)
    if (year, number) == (today.year, today.month):
        record["progress"] = progress(run, year, number, today)
    print_month(run, record, fmt)


# --- the month's action plan (seed 001: written on the 25th for the next month) ---

DEMAND = {"low": N_("demand low"), "medium": N_("demand medium"), "high": N_("demand high"),
          "peak": N_("demand peak")}


def _sections(record: dict[str, Any]) -> list[tuple[str, render.Listing]]:
    why = render.Column("why", lambda r: _spoken_reason(r["why"]), wrap=True)
    return [
        (N_("weeks"), render.Listing(record["weeks"], render.columns("from", "to", "target"))),
        (N_("holidays"), render.Listing(record["holidays"], render.columns("date", "name"))),
        (N_("birthdays"), render.Listing(record["birthdays"],
                                         render.columns("date", "name", "lunar"))),
        (N_("appointments booked"), render.Listing(
            record["appointments"], render.columns("date", "time", "name", "service"))),
        (N_("calls per day"), _call_grid(record["calls"])),
        (N_("worth approaching"), render.Listing(
            record["approach"], (*render.columns("name", "consultant"), why))),
    ]


def demand_word(level: str) -> str:
    """A month's demand in a column headed "demand": low, medium, high, peak in English,
    the season's word (淡季, 旺季) in Chinese."""
    return _(DEMAND[level]) if level in DEMAND and i18n.active() != "en" else level


def _spoken_reason(reason: str) -> str:
    found = i18n.instance_of(reason, (CARD_ENDS, MEMBER_UNSEEN, KEY_UNSEEN))
    return reason if found is None else _(found[0]).format(**found[1])


WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def _call_grid(days: list[dict[str, Any]]) -> render.Listing:
    """The month's call load as weeks: each cell is 'day: calls' (a dash when closed)."""
    weeks: list[dict[str, Any]] = []
    for entry in days:
        day: date = entry["date"]
        if not weeks or day.weekday() == 0:
            weeks.append(dict.fromkeys(WEEKDAYS, ""))
        count = entry["calls"] if entry["open"] else "-"
        weeks[-1][WEEKDAYS[day.weekday()]] = f"{day.day:02d}: {count}"
    return render.Listing(weeks, render.columns(*WEEKDAYS))


def _header(record: dict[str, Any]) -> list[str]:
    lines = [
        _("Plan for {month}: target {target}").format(
            month=record["month"], target=f"{record['target']:,}")
        + (_(" (same month last year: {figure})").format(figure=f"{record['last_year']:,}")
           if record["last_year"] else ""),
        f"{record['season']} · {_(DEMAND.get(record['demand'], record['demand']))} · "
        f"{record['wants']}",
        _("focus: {focus}").format(focus=_("; ").join(record["focus"])),
    ]
    progress = record.get("progress")
    if progress:
        per_day = progress["per_open_day"]
        lines.append(_("so far: {actual} of {target}; {left} to go over {days} open days").format(
            actual=f"{progress['actual']:,}", target=f"{progress['target']:,}",
            left=f"{progress['left']:,}", days=progress["open_days_left"])
            + (_(" ({figure} a day)").format(figure=f"{per_day:,}") if per_day is not None
               else ""))
    return lines


def print_month(run: State, record: dict[str, Any], fmt: str) -> None:
    out = run.out
    if fmt == "json":
        out.write(render.to_json(record))
    elif fmt == "csv":
        out.write(render.to_csv(record["calls"], ("date", "open", "calls"), bom=run.bom))
    elif fmt == "markdown":
        parts = [f"## {_header(record)[0]}", *_header(record)[1:]]
        for title, listing in _sections(record):
            if listing.records:
                parts.append(f"\n### {_(title)}\n")
                parts.append(render.to_markdown(listing.records, listing.columns))
        out.write("\n".join(parts) + "\n")
    else:
        for line in _header(record):
            run.line(line)
        for title, listing in _sections(record):
            if listing.records:
                run.console.print()
                run.console.print(render.table(render.Listing(
                    listing.records, listing.columns, title=title)))


# --- today's plan for each consultant (seed 001, 本日工作計畫) ---

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
            require_known_caller(run.salon(), consultant)
        record["consultants"] = [p for p in record["consultants"] if p["consultant"] == consultant]
    _print_day(run, record, fmt)


def _print_day(run: State, record: dict[str, Any], fmt: str) -> None:
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
