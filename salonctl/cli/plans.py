"""`salonctl plan`, `plan year`, `plan month`: business plans from the salon's own data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salonctl import lazy
from salonctl.cli.app import app
from salonctl.cli.common import PlanFormatOption, State, arg, state
from salonctl.cli.month import demand_word, month_record, print_month
from salonctl.cli.planning import build_year, month_days
from salonctl.engine import cards
from salonctl.errors import UsageError
from salonctl.files import schema
from salonctl.i18n import _, ngettext
from salonctl.words import render

if TYPE_CHECKING:
    from salonctl.engine import calendar, plan
else:  # loaded by the command that runs them, not by --help
    calendar = lazy.module("salonctl.engine.calendar")
    plan = lazy.module("salonctl.engine.plan")

plan_app = typer.Typer(help="Yearly and monthly business plans.", invoke_without_command=True)
app.add_typer(plan_app, name="plan")


def _money_option(value: str | None, name: str) -> Decimal | None:
    return None if value is None else arg(schema.parse_money, value, name)


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
    day = schema.parse_date(f"{text}-01") if len(text) == 7 else None
    if day is None:
        raise schema.InvalidValue(_("{text} is not a month; expected YYYY-MM").format(
            text=repr(text)))
    if not calendar.FIRST_YEAR < day.year < calendar.LAST_YEAR:  # the lunar calendar's span
        raise schema.InvalidValue(_("{text} is outside the plans' years, {first}-{last}").format(
            text=text, first=calendar.FIRST_YEAR + 1, last=calendar.LAST_YEAR - 1))
    return day.year, day.month


def progress(run: State, year: int, month: int, today: date) -> dict[str, Any]:
    """Revenue so far against the month's target, and what is left per open day."""
    salon = run.reading()
    result = build_year(run, year, forecast_calls=False)
    target = result.months[month - 1].target
    revenue = plan.revenue_by_month((day, amount) for day, amount
                                    in cards.takings(salon.history()) if day <= today)
    actual = revenue.get((year, month), plan.ZERO)
    open_days = calendar.OpenDays(salon.settings().opening)
    left_days = [d for d in month_days(year, month) if d >= today and open_days.is_open(d)]
    left = max(target - actual, plan.ZERO)
    return {
        "month": f"{year}-{month:02d}", "target": target, "actual": actual, "left": left,
        "open_days_left": len(left_days),
        "per_open_day": plan.whole(left / len(left_days)) if left_days else None,
    }


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
