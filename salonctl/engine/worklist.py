"""A day's work per caller: the due rows ranked in the order to call, and capped.

Each client is called by her consultant; a client without one falls to the front desk. A
caller is given `calls_per_day` calls a day; messages (greetings, season tips: rows whose
every reason is a message) take no caller's time and are never held. A held call that
carries a message gives the message up, to go out that day as a message of its own.
Must-calls (rules with `must: true`) are always on her sheet and count toward the limit;
when they alone exceed it they are all shown and nothing else. The rest wait, *held*: they
stay due on the next open days while their windows last, so tomorrow's sheet starts with
them if they still rank high enough.

The order to call, like Taskwarrior's urgency but a plain sort key whose terms can each be
explained (`why` shows them):
1. must-calls first;
2. then the rule's priority (1 first);
3. among win-backs, the most recently lapsed first: she is the likeliest to come back;
4. then what she spent in the last twelve months, highest first;
5. then the client id, so the order is total and stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from salonctl.engine import model
from salonctl.engine.anchors import SalonView
from salonctl.engine.rules import DueRow

FRONT_DESK = {"zh-CN": "前台", "en": "the front desk"}
SPEND_DAYS = 365


@dataclass(frozen=True)
class RankTerms:
    """The terms of a row's place, in the order they count."""

    must: bool
    priority: int
    lapsed_days: int | None  # days since her last visit, for a win-back row
    spent: Decimal  # in the twelve months before the day

    def key(self, client_id: str) -> tuple[object, ...]:
        lapse = self.lapsed_days if self.lapsed_days is not None else -1
        return (not self.must, self.priority, lapse, -self.spent, client_id)


@dataclass(frozen=True)
class Placed:
    """A due row with its place in its caller's day."""

    row: DueRow
    caller: str
    rank: int  # 1-based within the caller's calls (or her messages), in the order to call
    held: bool  # beyond the day's limit: due, but not on today's sheet
    terms: RankTerms
    kind: str = "call"  # call | message (a message is never held)


def caller_of(client: model.Client, settings: model.Settings) -> str:
    """Her consultant, else the front desk (its name in salon.yaml's contact.caller)."""
    return client.consultant or front_desk(settings)


def front_desk(settings: model.Settings) -> str:
    """Who calls the clients no consultant has: salon.yaml's contact.caller, else 前台."""
    return settings.contact.caller or FRONT_DESK[settings.language]


def rank_terms(row: DueRow, view: SalonView) -> RankTerms:
    """What places her row: the terms of its calls (a message in it ranks nothing)."""
    visits = [v for v in view.book(row.client.id).visits if v.date <= row.date]
    row = row.part(row.kind) or row
    win_back = any(r.occurrence.rule.anchor == "last-visit" for r in row.reasons)
    lapsed = (row.date - visits[-1].date).days if win_back and visits else None
    since = row.date - timedelta(days=SPEND_DAYS)
    spent = sum((v.amount or Decimal(0) for v in visits if v.date > since), Decimal(0))
    return RankTerms(
        must=any(r.occurrence.rule.must for r in row.reasons),
        priority=min(r.occurrence.rule.priority for r in row.reasons),
        lapsed_days=lapsed, spent=spent,
    )


def place(rows: Iterable[DueRow], view: SalonView, limit: int) -> list[Placed]:
    """Every row ranked within its caller's sheet and marked held beyond `limit`; callers in
    name order, each caller's rows in the order to call."""
    return place_ranked(((row, rank_terms(row, view)) for row in rows), view.settings, limit)


def place_ranked(rows: Iterable[tuple[DueRow, RankTerms]], settings: model.Settings,
                 limit: int) -> list[Placed]:
    """`place`, for rows whose rank terms are known: per caller (in name order) her calls
    in the order to call, the ones beyond `limit` held (must-calls never), then her
    messages."""
    by_caller: dict[str, list[tuple[DueRow, RankTerms]]] = {}
    for row, terms in rows:
        by_caller.setdefault(caller_of(row.client, settings), []).append((row, terms))
    placed: list[Placed] = []
    for caller in sorted(by_caller):
        ranked = sorted(by_caller[caller], key=lambda item: item[1].key(item[0].client.id))
        calls = [(row, terms) for row, terms in ranked if row.kind == "call"]
        shown = max(limit, sum(terms.must for _, terms in calls))
        messages = [(row, terms) for row, terms in ranked if row.kind == "message"]
        for number, (row, terms) in enumerate(calls, 1):
            held = number > shown
            call, message = (row.part("call"), row.part("message")) if held else (row, None)
            placed.append(Placed(call or row, caller, number, held, terms))
            if message is not None:  # a greeting goes out today, whatever the limit
                messages.append((message, terms))
        messages.sort(key=lambda item: item[1].key(item[0].client.id))
        placed += [Placed(row, caller, number, False, terms, "message")
                   for number, (row, terms) in enumerate(messages, 1)]
    return placed


def waiting(placed: list[Placed]) -> dict[str, int]:
    """How many rows each caller has held back, for the sheet's last lines."""
    counts: dict[str, int] = {}
    for item in placed:
        if item.held:
            counts[item.caller] = counts.get(item.caller, 0) + 1
    return counts


def held_on(view: SalonView, rows: list[DueRow], limit: int) -> set[str]:
    """The clients whose row was held on the day of `rows`."""
    return {p.row.client.id for p in place(rows, view, limit) if p.held}


def calls(placed: list[Placed]) -> list[Placed]:
    return [p for p in placed if p.kind == "call"]


def messages(placed: list[Placed]) -> list[Placed]:
    return [p for p in placed if p.kind == "message"]

