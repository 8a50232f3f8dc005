"""What the plan commands share: a year's plan built from the salon's own data, and the
days and birthdays of a month. `plans` and `month` both build on it (neither on the other)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from salonctl import lazy
from salonctl.cli.common import State, derived_store, partial_view
from salonctl.engine import cards, model
from salonctl.engine.ruleset import Rule
from salonctl.errors import DataError, UsageError
from salonctl.files import rulebook
from salonctl.i18n import _
from salonctl.index import derived

if TYPE_CHECKING:
    from salonctl.engine import anchors, calendar, plan, rules
else:  # loaded by the command that runs them, not by --help
    anchors = lazy.module("salonctl.engine.anchors")
    calendar = lazy.module("salonctl.engine.calendar")
    plan = lazy.module("salonctl.engine.plan")
    rules = lazy.module("salonctl.engine.rules")


def _cycle(run: State) -> model.Cycle:
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


def build_year(run: State, year: int, given: Decimal | None = None, fixed: Decimal | None = None,
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
        load = rules.call_load(view, salon.rules(), run.today(), *span) if forecast_calls else {}
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
    """`rules.call_load` from each client's kept forecast; the clients without one that
    still holds (new, changed, or past the next day her records name) are evaluated and
    their forecasts kept."""
    span = f"{low}|{high}"
    known = store.forecasts(span, today)
    missing = [client_id for client_id in store.all_ids() if client_id not in known]
    if missing:
        fresh = rules.client_days(partial_view(store, settings, missing), rule_set, today,
                                  low, high)
        store.remember_forecasts(span, today, fresh)
        known.update((client_id, days) for client_id, (days, _) in fresh.items())
    return rules.load_of(known.values())


def month_days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1)
    return [first + timedelta(days=n) for n in range((last - first).days)]
