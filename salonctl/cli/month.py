"""The month's action plan (seed 001: written on the 25th for the next month)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from salonctl import i18n, lazy
from salonctl.cli.common import State
from salonctl.cli.planning import birthdays_by_month, build_year, month_days
from salonctl.engine import cards
from salonctl.i18n import N_, _
from salonctl.words import render

if TYPE_CHECKING:
    from salonctl.engine import anchors, calendar, plan, rules
    from salonctl.engine.anchors import SalonView
else:  # loaded by the command that runs them, not by --help
    anchors = lazy.module("salonctl.engine.anchors")
    calendar = lazy.module("salonctl.engine.calendar")
    plan = lazy.module("salonctl.engine.plan")
    rules = lazy.module("salonctl.engine.rules")

LAPSED_MEMBER_DAYS = 60
KEY_CLIENT_DAYS = 45
# Why a member is worth approaching: kept in English in the record (JSON), shown translated.
CARD_ENDS = N_("card {card} ends {day}")
MEMBER_UNSEEN = N_("member not seen since {day}")
KEY_UNSEEN = N_("key client not seen since {day}")
DEMAND = {"low": N_("demand low"), "medium": N_("demand medium"), "high": N_("demand high"),
          "peak": N_("demand peak")}


def month_record(run: State, year: int, month: int, today: date) -> dict[str, Any]:
    salon = run.reading()
    settings = salon.settings()
    history = salon.history()
    view = anchors.SalonView(settings, salon.clients(), history, settings.follow_up.max_tries)
    year_plan = build_year(run, year, forecast_calls=False)
    chosen = year_plan.months[month - 1]
    days = month_days(year, month)
    open_days = calendar.OpenDays(settings.opening)
    revenue = plan.revenue_by_month(cards.takings(history))
    load = rules.call_load(view, salon.rules(), today, days[0], days[-1])
    return {
        "month": f"{year}-{month:02d}", "target": chosen.target,
        "last_year": revenue.get((year - 1, month)),
        "season": chosen.cycle.season, "demand": chosen.cycle.demand,
        "wants": chosen.cycle.wants, "focus": list(chosen.cycle.focus),
        "weeks": [{"from": start, "to": end, "target": target} for start, end, target in
                  plan.week_split(days[0], chosen.target, {d: open_days.is_open(d) for d in days})],
        "holidays": [{"name": name, "date": day} for name, day in chosen.holidays],
        "birthdays": [{"date": day, "client": c.id, "name": c.name,
                       "lunar": c.lunar_birthday is not None}
                      for day, c in birthdays_by_month(view.clients, year).get(month, [])],
        "appointments": [{"date": a.date, "time": a.time, "client": a.client,
                          "name": view.by_id[a.client].name if a.client in view.by_id else None,
                          "service": a.service}
                         for a in sorted(history.live_appointments(), key=lambda a: (a.date, a.time))
                         if (a.date.year, a.date.month) == (year, month)],
        "calls": [{"date": d, "open": open_days.is_open(d), "calls": load.get(d, 0)} for d in days],
        "approach": _worth_approaching(view, days[0], days[-1], today),
    }


def _worth_approaching(view: SalonView, first: date, last: date, today: date) -> list[dict[str, Any]]:
    """Members worth a call this month: cards ending, regulars lapsing, key clients unseen."""
    found = []
    for client in view.clients:
        if client.do_not_contact:
            continue
        book = view.book(client.id)
        seen = max((v.date for v in book.visits if v.date <= today), default=None)
        for card in book.cards:
            if card.until is not None and first <= card.until <= last:
                found.append((client, CARD_ENDS.format(card=card.type, day=card.until)))
        if client.category == "member" and seen and (first - seen).days >= LAPSED_MEMBER_DAYS:
            found.append((client, MEMBER_UNSEEN.format(day=seen)))
        elif client.key and seen and (first - seen).days >= KEY_CLIENT_DAYS:
            found.append((client, KEY_UNSEEN.format(day=seen)))
    return [{"client": c.id, "name": c.name, "phone": c.phone, "consultant": c.consultant,
             "why": why} for c, why in sorted(found, key=lambda item: (item[1], item[0].id))]


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
