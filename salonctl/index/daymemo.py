"""A client's evaluated day as JSON, for the derived store: her due row, its rank terms and
her circumstances. A later run for the same day, her records unchanged, reads this back
instead of her history and the engine. Pure: values in, text out, and back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from salonctl.engine import model
from salonctl.engine.anchors import Event
from salonctl.engine.rules import DueRow, Occurrence, Reason, Status
from salonctl.engine.ruleset import Rule
from salonctl.engine.standing import Circumstances
from salonctl.engine.worklist import RankTerms


@dataclass(frozen=True)
class DayResult:
    """What one client's evaluation on a day gave the sheet."""

    row: DueRow
    terms: RankTerms
    circumstances: Circumstances


def encode(result: DayResult) -> str:
    row = result.row
    return json.dumps({
        "channel": row.channel,
        "reasons": [_reason(r) for r in row.reasons],
        "terms": [result.terms.must, result.terms.priority, result.terms.lapsed_days,
                  str(result.terms.spent)],
        "circumstances": [_day(result.circumstances.last_visit), result.circumstances.booked,
                          result.circumstances.complaint_open],
    }, ensure_ascii=False, separators=(",", ":"))


def decode(text: str, client: model.Client, day: date, rules: dict[str, Rule]) -> DayResult:
    """Raises KeyError or ValueError when the text is not what `encode` wrote for these
    rules: the caller then evaluates her afresh."""
    data = json.loads(text)
    reasons = tuple(_unreason(r, rules) for r in data["reasons"])
    must, priority, lapsed, spent = data["terms"]
    last_visit, booked, complaint_open = data["circumstances"]
    return DayResult(
        DueRow(client, day, data["channel"], reasons),
        RankTerms(must, priority, lapsed, Decimal(spent)),
        Circumstances(_undate(last_visit), booked, complaint_open),
    )


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _undate(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _reason(reason: Reason) -> dict[str, Any]:
    o, s, e = reason.occurrence, reason.status, reason.occurrence.event
    return {
        "rule": o.rule.id, "offset": o.offset,
        "days": [_day(d) for d in (o.planned, o.due, o.earliest, o.latest)],
        "event": [e.key, _day(e.date), e.fields, e.visit, list(e.products)],
        "status": [s.state, _day(s.on), s.detail, s.tries, s.overdue_days, _day(s.window_end),
                   s.stage, s.last_day],
    }


def _unreason(data: dict[str, Any], rules: dict[str, Rule]) -> Reason:
    planned, due, earliest, latest = (_undate(d) for d in data["days"])
    key, event_day, fields, visit, products = data["event"]
    state, on, detail, tries, overdue, window_end, stage, last_day = data["status"]
    if planned is None or due is None or earliest is None or event_day is None:
        raise ValueError("an occurrence without its days")
    event = Event(key, date.fromisoformat(event_day), fields, visit, tuple(products))
    return Reason(
        Occurrence(rules[data["rule"]], event, data["offset"], planned, due, earliest, latest),
        Status(state, _undate(on), detail, tries, overdue, _undate(window_end), stage, last_day),
    )
