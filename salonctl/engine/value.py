"""What a client is worth to the salon: her spend and visits over the last 12 months, and
the tier they put her in (key / regular / occasional / lapsed; new before her first
visit). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from salonctl.engine import cards, model
from salonctl.i18n import N_

YEAR_DAYS = 365
TIERS = (N_("key"), N_("regular"), N_("occasional"), N_("lapsed"), N_("new"))


@dataclass(frozen=True)
class ClientValue:
    spend: Decimal
    visits: int
    tier: str


def values_of(clients: list[model.Client], history: model.History, today: date,
              follow_up: model.FollowUp) -> dict[str, ClientValue]:
    """Each client's last 12 months up to `today`: money she brought (visits paid, cards
    and top-ups bought), visits made, and her tier: key (marked so, or spending
    `tier_key_spend`), regular (`tier_regular_visits` visits), occasional (a visit),
    lapsed (none before, none this year), new (no visit yet). One pass over the history,
    whatever the number of clients."""
    since = today - timedelta(days=YEAR_DAYS)
    spend: dict[str, Decimal] = {}
    visits: dict[str, int] = {}
    recent = model.History(
        visits=tuple(v for v in history.visits if since < v.date <= today),
        cards=tuple(c for c in history.cards if since < c.date <= today),
        topups=tuple(t for t in history.topups if since < t.date <= today))
    for visit in recent.visits:
        visits[visit.client] = visits.get(visit.client, 0) + 1
    came = {visit.client for visit in history.visits if visit.date <= today}
    for client, _day, amount in cards.takings_by_client(recent):
        spend[client] = spend.get(client, Decimal(0)) + amount
    return {c.id: _valued(c, spend.get(c.id, Decimal(0)), visits.get(c.id, 0), follow_up,
                          c.id in came) for c in clients}


def _valued(client: model.Client, spend: Decimal, visits: int,
            follow_up: model.FollowUp, came: bool) -> ClientValue:
    if client.key or spend >= follow_up.tier_key_spend:
        tier = "key"
    elif visits >= follow_up.tier_regular_visits:
        tier = "regular"
    elif visits:
        tier = "occasional"
    else:
        tier = "lapsed" if came else "new"
    return ClientValue(spend, visits, tier)
