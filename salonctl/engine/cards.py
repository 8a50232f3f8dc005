"""Cards as they stand: what is left on each after its uses and top-ups, and the money the
salon took. Pure: history in, states out.

A sessions card (10次卡) loses one session a visit paid with it; a balance card (储值卡)
loses the visit's amount. A card's price is revenue on the day it is sold, a top-up's on
its day; a visit paid with a card is not revenue again (the money came in with the card).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from salonctl.engine import model
from salonctl.errors import CardRefusedError
from salonctl.i18n import N_, _

LOW_SESSIONS = 2  # a sessions card with this many left or fewer is nearly used up
LOW_SHARE = Decimal("0.1")  # a balance card with this share of its money left or less


@dataclass(frozen=True)
class CardState:
    card: model.Card
    sessions: int | None  # left, for a sessions card
    balance: Decimal | None  # left, for a balance card
    loaded: Decimal | None  # all the money ever put on it (sale and top-ups)
    uses: tuple[model.Visit, ...]
    topups: tuple[model.CardTopUp, ...]

    def expired(self, day: date) -> bool:
        return self.card.until is not None and self.card.until < day

    def empty(self) -> bool:
        return (self.sessions is not None and self.sessions <= 0) or \
            (self.balance is not None and self.balance <= 0)

    def low(self, sessions: int = LOW_SESSIONS, share: Decimal = LOW_SHARE) -> bool:
        if self.sessions is not None:
            return self.sessions <= sessions
        if self.balance is not None and self.loaded:
            return self.balance <= self.loaded * share
        return False

    def left_text(self) -> str:
        return left_of(self.sessions, self.balance)


def left_of(sessions: int | None, balance: Decimal | None) -> str:
    """What is left on a card as the desk says it: 7x (sessions) or 300 (money)."""
    if sessions is not None:
        return f"{sessions}x"
    return "" if balance is None else format(balance, "f")


STATUSES = (N_("valid"), N_("low"), N_("used up"), N_("expired"))


def status(held: CardState, day: date) -> str:
    if held.expired(day):
        return "expired"
    if held.empty():
        return "used up"
    return "low" if held.low() else "valid"


def states(history: model.History) -> dict[str, CardState]:
    """Every card by id, with what is left on it."""
    uses: dict[str, list[model.Visit]] = {}
    for visit in history.visits:
        if visit.card:
            uses.setdefault(visit.card, []).append(visit)
    topups: dict[str, list[model.CardTopUp]] = {}
    for topup in history.topups:
        topups.setdefault(topup.tops_up, []).append(topup)
    return {card.id: state_of(card, uses.get(card.id, []), topups.get(card.id, []))
            for card in history.cards}


def state_of(card: model.Card, uses: list[model.Visit],
             topups: list[model.CardTopUp]) -> CardState:
    sessions = balance = loaded = None
    if card.sessions is not None:
        sessions = card.sessions + sum(t.sessions or 0 for t in topups) - len(uses)
    if card.balance is not None:
        loaded = card.balance + sum((t.amount or Decimal(0) for t in topups), Decimal(0))
        balance = loaded - sum((v.amount or Decimal(0) for v in uses), Decimal(0))
    return CardState(card, sessions, balance, loaded, tuple(uses), tuple(topups))


def usable(found: Iterable[CardState], client: str, day: date) -> list[CardState]:
    """Her cards that can pay for a visit on `day`: not expired, not used up."""
    return [s for s in found if s.card.client == client and not s.expired(day) and not s.empty()
            and s.card.date <= day]


def paying_card(held: Iterable[CardState], client: model.Client, day: date,
                amount: Decimal | None, card_id: str | None) -> CardState:
    """The card a visit on `day` is paid with: `card_id`, else her one usable card; refused
    (CardRefusedError, with what is left) when it is not hers, expired, or used up."""
    mine = [s for s in held if s.card.client == client.id]
    if card_id is not None:
        chosen = next((s for s in mine if s.card.id == card_id), None)
        if chosen is None:
            raise CardRefusedError(_("--card: {name} has no card {id}; her cards: {cards}")
                                   .format(name=client.name, id=repr(card_id), cards=_listed(mine)))
    else:
        can = usable(mine, client.id, day)
        if len(can) != 1:
            raise CardRefusedError(_("--use-card: {name} has {count} usable cards; name one "
                                     "with --card ID: {cards}").format(
                name=client.name, count=len(can), cards=_listed(mine)))
        chosen = can[0]
    _require_can_pay(chosen, day, amount)
    return chosen


def _require_can_pay(state: CardState, day: date, amount: Decimal | None) -> None:
    card = state.card
    if state.expired(day):
        raise CardRefusedError(_("--card: {id} ({type}) expired on {day}; left on it: {left}")
                               .format(id=card.id, type=card.type, day=card.until,
                                       left=state.left_text() or _("nothing")))
    if state.sessions is not None and state.sessions <= 0:
        raise CardRefusedError(_("--card: {id} ({type}) is used up (0 sessions left); top it up "
                                 "with salonctl card top-up").format(id=card.id, type=card.type))
    if state.balance is not None:
        if amount is None:
            raise CardRefusedError(_("--amount: {id} holds money ({left} left); give the visit's "
                                     "amount to take off it").format(id=card.id, left=state.balance))
        if amount > state.balance:
            raise CardRefusedError(_("--card: {id} ({type}) has {left} left, less than {amount}; "
                                     "top it up or pay the rest apart").format(
                id=card.id, type=card.type, left=state.balance, amount=amount))


def _listed(held: list[CardState]) -> str:
    return ", ".join(_("{id} {type} ({left} left)").format(
        id=s.card.id, type=s.card.type, left=s.left_text() or "-") for s in held) or _("none")


def takings(history: model.History) -> list[tuple[date, Decimal]]:
    """The money taken, by day: visits not paid with a card, card sales, top-ups."""
    return [(day, amount) for _, day, amount in takings_by_client(history)]


def takings_by_client(history: model.History) -> list[tuple[str, date, Decimal]]:
    """`takings`, with whose money it was."""
    paid = [(v.client, v.date, v.amount) for v in history.visits
            if v.amount is not None and not v.card]
    sold = [(c.client, c.date, c.price) for c in history.cards if c.price is not None]
    added = [(t.client, t.date, t.price if t.price is not None else t.amount)
             for t in history.topups]
    return [(client, day, amount) for client, day, amount in (*paid, *sold, *added)
            if amount is not None]
