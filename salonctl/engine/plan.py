"""Yearly and monthly business plans from the salon's own history (seed 000 and 001).

The year: estimate the trend from the last three years, compute break-even and the revenue
that leaves the target profit, take the larger as the target (unless one is given), and
spread it over the months by the salon's demand cycle. Pure: revenue, costs, the cycle and
counts come in; the plan goes out. Money is Decimal, targets are whole currency units.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from salonctl.engine import calendar, model
from salonctl.i18n import N_

ZERO = Decimal(0)
MonthKey = tuple[int, int]  # (year, month)
MAX_GROWTH, MIN_GROWTH = Decimal("1.0"), Decimal("-0.5")
MIN_MONTHS_TO_EXTRAPOLATE = 3  # fewer known months say too little about a whole year


def revenue_by_month(amounts: Iterable[tuple[date, Decimal]]) -> dict[MonthKey, Decimal]:
    """Amounts paid, summed by month."""
    revenue: dict[MonthKey, Decimal] = defaultdict(lambda: ZERO)
    for day, amount in amounts:
        revenue[(day.year, day.month)] += amount
    return dict(revenue)


def whole(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


# --- weights -------------------------------------------------------------------------


def rush_split(year: int, cycle: model.Cycle) -> dict[int, Decimal]:
    """How the Spring Festival rush falls on months: the `rush_days` days before lunar 1/1
    of `year`, which lie in January, February, or both."""
    festival = calendar.HOLIDAYS["spring-festival"].on(year)
    days = [festival - timedelta(days=n) for n in range(1, cycle.rush_days + 1)]
    split: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for day in days:
        if day.year == year:
            split[day.month] += cycle.rush_weight / len(days)
    return dict(split)


def cycle_weights(year: int, cycle: model.Cycle) -> list[Decimal]:
    """Each month's share of the year by the demand cycle, the rush placed for `year`."""
    rush = rush_split(year, cycle)
    raw = [m.weight + rush.get(m.month, ZERO) for m in cycle.months]
    return _normalised(raw)


def _normalised(raw: list[Decimal]) -> list[Decimal]:
    total = sum(raw, ZERO)
    return [w / total for w in raw] if total else [Decimal(1) / 12] * 12


def history_weights(revenue: Mapping[MonthKey, Decimal], year: int,
                    cycle: model.Cycle) -> tuple[list[Decimal], list[int]] | None:
    """Month shares from complete years of the salon's own history (up to three before
    `year`), or None with less than a full year. January and February are taken together
    and split again as the cycle does for `year`, so the rush follows this year's festival."""
    years = [y for y in range(year - 3, year)
             if all((y, m) in revenue for m in range(1, 13)) and _total(revenue, y) > 0]
    if not years:
        return None
    shares = [sum((revenue[(y, m)] / _total(revenue, y) for y in years), ZERO) / len(years)
              for m in range(1, 13)]
    model_weights = cycle_weights(year, cycle)
    early = shares[0] + shares[1]
    model_early = model_weights[0] + model_weights[1]
    shares[0], shares[1] = (early * model_weights[0] / model_early,
                            early * model_weights[1] / model_early)
    return _normalised(shares), years


def _total(revenue: Mapping[MonthKey, Decimal], year: int) -> Decimal:
    return sum((revenue.get((year, m), ZERO) for m in range(1, 13)), ZERO)


# --- the trend -------------------------------------------------------------------------


@dataclass(frozen=True)
class YearResult:
    year: int
    revenue: Decimal  # the year's total, estimated from the months known when partial
    months_known: int
    source: str  # "journal" or "typed"

    @property
    def estimated(self) -> bool:
        return self.months_known < 12


def year_results(revenue: Mapping[MonthKey, Decimal], past: model.PlanSettings,
                 years: Iterable[int], today: date, cycle: model.Cycle) -> list[YearResult]:
    """Each year's revenue: from the journal, else as typed into salon.yaml. A year under
    way, or one the salon began part-way, is extrapolated by the cycle's weights."""
    typed = dict(past.past_revenue)
    results = []
    for year in years:
        known = [m for m in range(1, 13) if (year, m) in revenue and (year, m) < (today.year,
                                                                                  today.month)]
        if len(known) >= MIN_MONTHS_TO_EXTRAPOLATE:
            weights = cycle_weights(year, cycle)
            covered = sum((weights[m - 1] for m in range(min(known), max(known) + 1)), ZERO)
            actual = sum((revenue.get((year, m), ZERO) for m in range(min(known), 13)
                          if (year, m) < (today.year, today.month)), ZERO)
            results.append(YearResult(year, actual / covered if covered else actual,
                                      max(known) - min(known) + 1, "journal"))
        elif year in typed:
            results.append(YearResult(year, sum(typed[year], ZERO), 12, "typed"))
    return results


def trend_estimate(results: list[YearResult], year: int) -> Decimal | None:
    """Next year from the last ones: the last year grown by the average yearly growth."""
    if not results:
        return None
    last = results[-1]
    growths = [(b.revenue / a.revenue) ** (Decimal(1) / (b.year - a.year)) - 1
               for a, b in itertools.pairwise(results) if a.revenue > 0]
    growth = max(MIN_GROWTH, min(MAX_GROWTH, sum(growths, ZERO) / len(growths))) \
        if growths else ZERO
    return last.revenue * (1 + growth) ** (year - last.year)


# --- the plan --------------------------------------------------------------------------


@dataclass(frozen=True)
class Costs:
    fixed_per_month: Decimal
    variable_share: Decimal
    target_profit: Decimal

    @property
    def break_even(self) -> Decimal:
        return self.fixed_per_month * 12 / (1 - self.variable_share)

    @property
    def required(self) -> Decimal:
        return (self.fixed_per_month * 12 + self.target_profit) / (1 - self.variable_share)


@dataclass(frozen=True)
class MonthPlan:
    month: int
    cycle: model.CycleMonth
    weight: Decimal
    target: Decimal
    holidays: tuple[tuple[str, date], ...] = ()
    birthdays: int = 0
    calls: int = 0
    history: tuple[tuple[int, Decimal | None], ...] = ()


@dataclass(frozen=True)
class YearPlan:
    year: int
    target: Decimal
    break_even: Decimal
    required: Decimal
    trend: Decimal | None
    target_source: str  # required | trend | given
    weights_source: str  # history | cycle
    weights_years: tuple[int, ...]
    years: tuple[YearResult, ...]
    months: tuple[MonthPlan, ...]
    notes: tuple[str, ...] = field(default=())


def choose_target(costs: Costs, trend: Decimal | None,
                  given: Decimal | None) -> tuple[Decimal, str]:
    if given is not None:
        return whole(given), "given"
    if trend is not None and trend > costs.required:
        return whole(trend), "trend"
    return whole(costs.required), "required"


def spread(target: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Whole-unit month targets that add up to the target exactly (the rest goes to the
    last month)."""
    months = [whole(target * w) for w in weights[:-1]]
    return [*months, target - sum(months, ZERO)]


@dataclass(frozen=True)
class Inputs:
    """What the year's plan is made from; the CLI gathers it, this module decides."""

    year: int
    today: date
    revenue: Mapping[MonthKey, Decimal]
    costs: Costs
    past: model.PlanSettings
    cycle: model.Cycle
    language: str
    given_target: Decimal | None = None
    birthdays: Mapping[int, int] = field(default_factory=dict)
    calls: Mapping[int, int] = field(default_factory=dict)


def year_plan(inputs: Inputs) -> YearPlan:
    year, cycle = inputs.year, inputs.cycle
    results = year_results(inputs.revenue, inputs.past, range(year - 3, year), inputs.today,
                           cycle)
    trend = trend_estimate(results, year)
    target, source = choose_target(inputs.costs, trend, inputs.given_target)
    from_history = history_weights(inputs.revenue, year, cycle)
    weights, weights_years = from_history or (cycle_weights(year, cycle), [])
    months = tuple(
        MonthPlan(
            month=m.month, cycle=m, weight=weight, target=month_target,
            holidays=holidays_in(year, m.month, inputs.language),
            birthdays=inputs.birthdays.get(m.month, 0), calls=inputs.calls.get(m.month, 0),
            history=tuple((y, inputs.revenue.get((y, m.month))) for y in range(year - 3, year)),
        )
        for m, weight, month_target in zip(cycle.months, weights, spread(target, weights),
                                           strict=True)
    )
    return YearPlan(
        year, target, whole(inputs.costs.break_even), whole(inputs.costs.required),
        None if trend is None else whole(trend), source,
        "history" if from_history else "cycle", tuple(weights_years), tuple(results), months,
        tuple(_notes(inputs, results, trend, from_history is not None)),
    )


def holidays_in(year: int, month: int, language: str) -> tuple[tuple[str, date], ...]:
    found = [(h.name(language), h.on(year)) for h in calendar.HOLIDAYS.values()]
    return tuple(sorted(((n, d) for n, d in found if d.month == month), key=lambda x: x[1]))


def _notes(inputs: Inputs, results: list[YearResult], trend: Decimal | None,
           from_history: bool) -> list[str]:
    notes = []
    if not results:
        notes.append(N_("no history and no past revenue in salon.yaml: the target comes from "
                        "the costs alone"))
    elif any(r.estimated for r in results):
        notes.append(N_("years with fewer than twelve months of history are extrapolated by "
                        "the demand cycle"))
    if inputs.costs.fixed_per_month == 0:
        notes.append(N_("no fixed costs in salon.yaml (plan.fixed_costs): break-even is 0"))
    if not from_history:
        notes.append(N_("month weights follow the default demand cycle (less than a full year "
                        "of history); the Spring Festival rush is placed by this year's lunar "
                        "date"))
    return notes


def week_split(month_start: date, target: Decimal,
               is_open: Mapping[date, bool]) -> list[tuple[date, date, Decimal]]:
    """The month's target over its weeks (Monday to Sunday), by open days in each."""
    last = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    weeks: list[tuple[date, date, int]] = []
    day = month_start
    while day <= last:
        end = min(day + timedelta(days=6 - day.weekday()), last)
        open_days = sum(1 for n in range((end - day).days + 1)
                        if is_open[day + timedelta(days=n)])
        weeks.append((day, end, open_days))
        day = end + timedelta(days=1)
    parts = spread(target, _normalised([Decimal(w[2]) for w in weeks]))
    return [(start, end, part) for (start, end, _), part in zip(weeks, parts, strict=True)]
