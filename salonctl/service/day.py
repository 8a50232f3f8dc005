"""The day's work the commands share (`due`, `call next`, `mail`, `why`, `plan day`): the
rows due on a day with what ranks them, through the derived index when it can serve (only
the clients who may be due are read, and only those not yet evaluated that day are
evaluated), else from the files; and the day's sheet, each row with its script."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from salonctl import lazy
from salonctl.engine import catalogue, model, scripts
from salonctl.engine.ruleset import Rule
from salonctl.errors import UsageError
from salonctl.files import catalogfile, rulebook, store
from salonctl.i18n import _
from salonctl.index import derived
from salonctl.service.lookup import derived_store, partial_view
from salonctl.words.phrases import say

if TYPE_CHECKING:
    from salonctl.engine import anchors, rules, schedule, standing, worklist
    from salonctl.engine.anchors import SalonView
    from salonctl.index import daymemo
    from salonctl.index.daymemo import DayResult
    from salonctl.words import compose, sheet
else:  # the engine is loaded by the commands that run it, not by --help
    anchors = lazy.module("salonctl.engine.anchors")
    compose = lazy.module("salonctl.words.compose")
    daymemo = lazy.module("salonctl.index.daymemo")
    rules = lazy.module("salonctl.engine.rules")
    schedule = lazy.module("salonctl.engine.schedule")
    standing = lazy.module("salonctl.engine.standing")
    sheet = lazy.module("salonctl.words.sheet")
    worklist = lazy.module("salonctl.engine.worklist")


def engine(salon: store.Salon, as_of: date | None = None) -> tuple[SalonView, list[Rule]]:
    """The whole salon as the engine sees it (as it stood on `as_of`, when given)."""
    settings = salon.settings()
    view = anchors.SalonView(settings, salon.clients(), salon.history(), settings.follow_up.max_tries,
                             as_of=as_of)
    return view, salon.rules()


@dataclass
class DayWork:
    """One day's due rows with their rank terms and circumstances, and the view they were
    found in. Read from the derived store for a sheet at a limit, only the rows that make the
    sheet are read back (`held` then counts, per caller, the rows beyond it)."""

    view: SalonView
    rules: list[Rule]
    results: list[DayResult]
    held: dict[str, int] | None = None  # None: `results` holds every due row


def day_engine(salon: store.Salon, day: date, limit: int | None = None) -> DayWork:
    """The day's work: through the derived store when it can serve (only the clients who
    may be due are read, and only those not evaluated on that day yet are evaluated), else
    from the files. With `limit`, only the rows on the sheet at that limit need be read back.
    `SALONCTL_NO_DERIVED=1` reads the files, as a check on the store."""
    settings, rule_set = salon.settings(), salon.rules()
    found = derived_store(salon)
    if found is None:
        view, _ = engine(salon, day)
        return DayWork(view, rule_set, day_results(view, schedule.due_on(view, rule_set, day), day))
    store, rebuilt = found
    unsettled = [] if rebuilt else store.unsettled(day)
    evaluated = store.evaluated(day, unsettled)
    view = engine(salon, day)[0] if rebuilt else partial_view(
        store, settings, [i for i in unsettled if i not in evaluated], day)
    due_rows, quiet = schedule.due_and_quiet(view, rule_set, day)
    fresh = {r.row.client.id: r for r in day_results(view, due_rows, day)}
    store.remember(day, quiet, {i: _kept(r, settings) for i, r in fresh.items()})
    placed = store.placed(day, limit) if limit is not None else None
    wanted = [i for i in (placed[0] if placed else evaluated) if i not in fresh]
    known = known_results(store, day, wanted, rule_set)
    if len(known) < len(wanted):  # kept results that no longer read: evaluate them again
        store.forget(set(wanted) - set(known))
        return day_engine(salon, day, limit)
    return DayWork(view, rule_set, [*known.values(), *fresh.values()] if placed is None else
                   [known[i] if i in known else fresh[i] for i in placed[0]],
                   None if placed is None else placed[1])


def _kept(result: DayResult, settings: model.Settings) -> derived.Result:
    """A result as the store keeps it: its text and the terms that place it."""
    terms = result.terms
    cents = terms.spent * 100
    row = result.row
    return (daymemo.encode(result), worklist.caller_of(row.client, settings),
            int(terms.must), terms.priority, -1 if terms.lapsed_days is None else terms.lapsed_days,
            int(cents) if cents == cents.to_integral_value() else None,
            int(row.kind == "call"), int(row.part("message") is not None))


def known_results(store: derived.Derived, day: date, ids: list[str],
                   rule_set: list[Rule]) -> dict[str, DayResult]:
    """The results of clients already evaluated on `day` whose records have not changed
    (one that does not read back is left out)."""
    texts = store.results(day, ids)
    by_rule = {rule.id: rule for rule in rule_set}
    known = {}
    for client in store.clients(texts):
        with contextlib.suppress(KeyError, ValueError, TypeError):
            known[client.id] = daymemo.decode(texts[client.id], client, day, by_rule)
    return known


def day_results(view: SalonView, due_rows: list[rules.DueRow], day: date) -> list[DayResult]:
    """Each due row with what ranks it and what its script must not contradict."""
    return [daymemo.DayResult(row, worklist.rank_terms(row, view),
                      standing.circumstances_of(view, row.client.id, day)) for row in due_rows]


@dataclass
class DaySheet:
    """One day's sheet: its records (held ones too when asked for) and, per caller, how many
    rows the day's limit held back."""

    day: date
    records: list[dict[str, Any]]
    waiting: dict[str, int]
    unreadable: list[str] = field(default_factory=list)  # clients a bad record left out


def unreadable(salon: store.Salon, view: SalonView) -> list[str]:
    """One line per client a bad record touches: who, and the file and line to fix."""
    names = {c.id: c.name for c in view.clients}
    return [say(view.language, "unreadable", who=f"{names[cid]} ({cid})" if cid in names else cid,
                where=f"{problem.path}:{problem.line}")
            for cid, problem in sorted(salon.affected.items())]


def checked_scripts(salon: store.Salon, rule_set: list[Rule]) -> dict[str, scripts.Template]:
    """The salon's scripts, once every one a rule needs is known to exist and fill."""
    library = salon.scripts()
    shown = salon.rel(salon.root / rulebook.RULES_FILE)
    rulebook.require(rulebook.script_problems(rule_set, library, shown))
    return library


def day_sheet(view: SalonView, rule_set: list[Rule], library: dict[str, scripts.Template],
              day: date, consultant: str | None = None, limit: int | None = None,
              include_held: bool = False, work: DayWork | None = None,
              areas: dict[str, str] | None = None) -> DaySheet:
    """The sheet of `day`: each caller's calls at the day's limit (the held ones too with
    `include_held`), then the messages she sends, each with its script."""
    if work is None:
        view = view.on(day)
        work = DayWork(view, rule_set, day_results(view, schedule.due_on(view, rule_set, day), day))
    placed = worklist.place_ranked(((r.row, r.terms) for r in work.results), view.settings,
                                   limit or view.settings.daily_limit)
    held = worklist.waiting(placed) if work.held is None else work.held
    if consultant is not None:
        placed = [p for p in placed if consultant in (p.caller, p.row.client.consultant)]
        held = {caller: n for caller, n in held.items() if caller == consultant}
    circumstances = {r.row.client.id: r.circumstances for r in work.results}
    language = view.language
    records = [
        sheet.row_record(p, compose.compose(p.row, view.settings, library,
                                            circumstances[p.row.client.id], areas),
                         scripts.salutation(p.row.client, language))
        for p in placed if include_held or not p.held
    ]
    return DaySheet(day, records, {} if include_held else held)


def product_areas(salon: store.Salon) -> dict[str, str]:
    """Where each catalogue product acts, for the scripts (a catalogue with a problem gives
    what reads of it: `check` names the problem)."""
    return catalogue.areas(catalogfile.load(salon.root)[0])


def require_known_caller(salon: store.Salon, name: str) -> None:
    """A name no client's file gives (nor the front desk) is a typo, not a quiet day:
    refused with the names there are."""
    settings = salon.settings()
    indexed = derived_store(store.Salon(salon.root, lenient=True))
    known = indexed[0].consultants() if indexed else \
        {c.consultant for c in salon.clients() if c.consultant}
    known |= {worklist.front_desk(settings)}
    if name not in known:
        raise UsageError(_("--consultant: no client has {name} as her consultant; the salon's "
                           "are: {known}").format(name=repr(name), known=", ".join(sorted(known))))


def known_rule_ids(salon: store.Salon, given: tuple[str, ...]) -> tuple[str, ...]:
    """`call log --rule` ids must name rules of the salon."""
    ids = {r.id for r in salon.rules()}
    unknown = [g for g in given if g not in ids]
    if unknown:
        raise UsageError(_("--rule: no rule {id}; `salonctl rules list` shows them").format(
            id=repr(unknown[0])))
    return given


