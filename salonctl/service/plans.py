"""The plans: a year's plan built from the salon's own data, the month's action plan, the
month so far against its target, and today's plan for each consultant."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from salonctl import lazy
from salonctl.engine import cards, model
from salonctl.engine.ruleset import Rule
from salonctl.errors import DataError, UsageError
from salonctl.files import rulebook
from salonctl.i18n import N_, _
from salonctl.index import derived
from salonctl.service.context import Run
from salonctl.service.day import day_engine, engine
from salonctl.service.lookup import derived_store, partial_view

if TYPE_CHECKING:
    from salonctl.engine import anchors, calendar, plan, rules, schedule, worklist
    from salonctl.engine.anchors import SalonView
    from salonctl.index.daymemo import DayResult
else:  # loaded by the command that runs them, not by --help
    anchors = lazy.module("salonctl.engine.anchors")
    calendar = lazy.module("salonctl.engine.calendar")
    plan = lazy.module("salonctl.engine.plan")
    rules = lazy.module("salonctl.engine.rules")
    schedule = lazy.module("salonctl.engine.schedule")
    worklist = lazy.module("salonctl.engine.worklist")


def _cycle(run: Run) -> model.Cycle:
    salon = run.reading()
    cycle, problems = rulebook.load_cycle(salon.root, salon.rel(salon.root / rulebook.CYCLE_FILE),
                                          salon.settings().language)
    if cycle is None:
        raise DataError(problems)
    return cycle


def _costs(settings: model.Settings, fixed: Decimal | None, share: Decimal | None,
           profit: Decimal | None) -> plan.Costs:
    if share is not None and share >= 1:
        raise UsageError(_("--variable-share: a share of revenue below 1, e.g. 0.35"))
    return plan.Costs(
        settings.plan.fixed_per_month if fixed is None else fixed,
        settings.plan.variable_share if share is None else share,
        settings.plan.target_profit if profit is None else profit,
    )


def birthdays_by_month(clients: list[model.Client], year: int) -> dict[int, list[tuple[date, model.Client]]]:
    found: dict[int, list[tuple[date, model.Client]]] = {}
    for client in clients:
        day = calendar.birthday_in(client, year)
        if day is not None and not client.do_not_contact:
            found.setdefault(day.month, []).append((day, client))
    return {month: sorted(days, key=lambda item: (item[0], item[1].id))
            for month, days in found.items()}


def build_year(run: Run, year: int, given: Decimal | None = None, fixed: Decimal | None = None,
               share: Decimal | None = None, profit: Decimal | None = None,
               forecast_calls: bool = True) -> plan.YearPlan:
    """The year's plan; `forecast_calls=False` skips the call forecast (a whole engine pass
    over the year) when only the targets are wanted. Through the derived store when it can
    serve: each client's forecast is kept there until her records change or a day they name
    comes."""
    salon = run.reading()
    settings = salon.settings()
    span = (date(year, 1, 1), date(year, 12, 31))
    found = derived_store(salon)
    if found is None:
        view = anchors.SalonView(settings, salon.clients(), salon.history(),
                                 settings.follow_up.max_tries)
        clients, revenue = view.clients, plan.revenue_by_month(cards.takings(salon.history()))
        load = schedule.call_load(view, salon.rules(), run.today(), *span) if forecast_calls else {}
    else:
        store = found[0]
        clients = store.clients(store.all_ids())
        revenue = plan.revenue_by_month(store.takings())
        load = _forecast(store, settings, salon.rules(), run.today(), *span) if forecast_calls \
            else {}
    calls: dict[int, int] = {}
    for day, count in load.items():
        calls[day.month] = calls.get(day.month, 0) + count
    return plan.year_plan(plan.Inputs(
        year=year, today=run.today(), revenue=revenue,
        costs=_costs(settings, fixed, share, profit), past=settings.plan, cycle=_cycle(run),
        language=settings.language, given_target=given,
        birthdays={m: len(b) for m, b in birthdays_by_month(clients, year).items()}, calls=calls,
    ))


def _forecast(store: derived.Derived, settings: model.Settings, rule_set: list[Rule],
              today: date, low: date, high: date) -> dict[date, int]:
    """`schedule.call_load` from each client's kept forecast; the clients without one that
    still holds (new, changed, or past the next day her records name) are evaluated and
    their forecasts kept."""
    span = f"{low}|{high}"
    known = store.forecasts(span, today)
    missing = [client_id for client_id in store.all_ids() if client_id not in known]
    if missing:
        fresh = schedule.client_days(partial_view(store, settings, missing), rule_set, today,
                                  low, high)
        store.remember_forecasts(span, today, fresh)
        known.update((client_id, days) for client_id, (days, _) in fresh.items())
    return schedule.load_of(known.values())


def month_days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1)
    return [first + timedelta(days=n) for n in range((last - first).days)]


def progress(run: Run, year: int, month: int, today: date) -> dict[str, Any]:
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




LAPSED_MEMBER_DAYS = 60


KEY_CLIENT_DAYS = 45


# Why a member is worth approaching: kept in English in the record (JSON), shown translated.
CARD_ENDS = N_("card {card} ends {day}")


MEMBER_UNSEEN = N_("member not seen since {day}")


KEY_UNSEEN = N_("key client not seen since {day}")


def month_record(run: Run, year: int, month: int, today: date) -> dict[str, Any]:
    salon = run.reading()
    settings = salon.settings()
    history = salon.history()
    view = anchors.SalonView(settings, salon.clients(), history, settings.follow_up.max_tries)
    year_plan = build_year(run, year, forecast_calls=False)
    chosen = year_plan.months[month - 1]
    days = month_days(year, month)
    open_days = calendar.OpenDays(settings.opening)
    revenue = plan.revenue_by_month(cards.takings(history))
    load = schedule.call_load(view, salon.rules(), today, days[0], days[-1])
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




# What a due reason offers the member, by the anchor of its rule
_OFFERS = {"card-low": N_("card nearly used up: top it up"),
           "card-expiry": N_("card ending: use it or renew it"),
           "product-use": N_("repurchase: {what}"),
           "course-end": N_("course ending: the next one")}


def day_record(run: Run, day: date) -> dict[str, Any]:
    view, _rules = engine(run.reading(), day)
    work = day_engine(run.reading(), day)
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


def _cash(run: Run, day: date) -> dict[str, Any]:
    """The month's target, taken before `day`, and the day's share of what is left."""
    month = progress(run, day.year, day.month, day)
    taken_before = month["actual"] - _taken_on(run, day)
    left = max(month["target"] - taken_before, 0)
    days = month["open_days_left"]
    return {"month": month["month"], "target": month["target"], "taken": taken_before,
            "left": left, "open_days_left": days,
            "expected": round(left / days) if days else 0}


def _taken_on(run: Run, day: date) -> Decimal:
    return sum((amount for when, amount in cards.takings(run.reading().history()) if when == day),
               Decimal(0))


