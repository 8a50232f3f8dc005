"""Cards in use: `card list` with what is left, `card show`, `card top-up`. (`card add` and
paying a visit with a card, `visit add --card`, are with the other records.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import typer

from salonctl.cli.common import (
    FormatOption,
    RecordFormatOption,
    State,
    arg,
    arg_date,
    not_in_future,
    state,
)
from salonctl.cli.records import (
    ByOption,
    DateOption,
    FromOption,
    OneClientArg,
    ToOption,
    card_app,
    client_names,
    emit_listing,
    record_entry,
    selected,
)
from salonctl.engine import cards, model
from salonctl.errors import NotFoundError, UsageError
from salonctl.files import schema
from salonctl.i18n import N_, _
from salonctl.words import render

CARD_FIELDS = ("id", "client", "name", "date", "type", "until", "sessions", "balance", "trial",
               "price", "sessions_left", "balance_left", "status")


def card_record(held: cards.CardState, name: str | None, today: Any) -> dict[str, Any]:
    card = held.card
    return {**{k: v for k, v in schema.plain(card).items()}, "name": name,
            "sessions_left": held.sessions, "balance_left": held.balance,
            "status": _status(held, today)}


def _status(held: cards.CardState, today: Any) -> str:
    return cards.status(held, today)


@card_app.command("list")
def card_list(
    ctx: typer.Context, client: OneClientArg = None,
    by_client: Annotated[str | None, typer.Option(
        "--client", help="Only this client's cards (the same as giving CLIENT).")] = None,
    start: FromOption = None, end: ToOption = None,
    low: Annotated[bool, typer.Option(
        "--low", help="Only cards nearly used up (2 sessions or 10% of the money left, or "
                      "less) that have not expired.")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Cards sold or given, in date order, with what is left and whether each is valid."""
    run = state(ctx)
    names, today = client_names(run), run.today()
    history, follow_up = run.salon().history(), run.salon().settings().follow_up
    held = cards.states(history)
    chosen = selected(run, history.cards, client or by_client, start, end)
    records = [card_record(held[c.id], names.get(c.client), today) for c in chosen
               if not low or (held[c.id].low(follow_up.card_low_sessions, follow_up.card_low_share)
                              and not held[c.id].expired(today))]
    records = [{key: record[key] for key in CARD_FIELDS} for record in records]
    columns = (*render.columns("id", "name", "type", "until"),
               render.Column("left", _left, justify="right"),
               render.Column("status", _status_shown))
    emit_listing(run, fmt, records, columns, N_("no cards"), CARD_FIELDS)


def _left(record: dict[str, Any]) -> str:
    return cards.left_of(record["sessions_left"], record["balance_left"])


def _status_shown(record: dict[str, Any]) -> str:
    shown = _(record["status"])
    return _("{status} (trial)").format(status=shown) if record["trial"] else shown


@card_app.command("show")
def card_show(
    ctx: typer.Context,
    card_id: Annotated[str, typer.Argument(metavar="ID", help="The card's id.")],
    fmt: RecordFormatOption = "table",
) -> None:
    """One card: what was put on it, every use and top-up, and what is left."""
    run = state(ctx)
    held = _held(run, card_id)
    names = client_names(run)
    record = card_record(held, names.get(held.card.client), run.today())
    record["uses"] = [{"id": v.id, "date": v.date, "services": list(v.services),
                       "amount": v.amount} for v in held.uses]
    record["topups"] = [{"id": t.id, "date": t.date, "amount": t.amount,
                         "sessions": t.sessions, "price": t.price} for t in held.topups]
    if fmt == "json":
        run.out.write(render.to_json(record))
        return
    for key in ("id", "name", "type", "date", "until", "price"):
        if record[key] not in (None, ""):
            run.line(_label(key) + render.cell_text(record[key]))
    run.line(_label("status") + _status_shown(record))
    run.line(_label("left") + _left(record))
    for title, rows, columns in (
            ("uses", record["uses"], render.columns("id", "date", "services", "amount")),
            ("topups", record["topups"], render.columns("id", "date", "amount", "sessions", "price"))):
        if rows:
            run.console.print(render.table(render.Listing(rows, columns, title=title)))


def _label(key: str) -> str:
    """A field's label in the interface's language, padded to line up the values."""
    from rich.cells import cell_len

    label = _(key)
    return label + " " * max(1, 10 - cell_len(label))


def _held(run: State, card_id: str) -> cards.CardState:
    held = cards.states(run.salon().history())
    if card_id not in held:
        raise NotFoundError(_("ID: no card {id}; salonctl card list shows them").format(
            id=repr(card_id)))
    return held[card_id]


@card_app.command("top-up")
def card_top_up(
    ctx: typer.Context,
    card_id: Annotated[str, typer.Argument(metavar="ID", help="The card's id.")],
    amount: Annotated[str | None, typer.Option(help="Money added to its balance.")] = None,
    sessions: Annotated[int | None, typer.Option(
        help="Sessions added.", min=1, max=10_000)] = None,
    price: Annotated[str | None, typer.Option(
        help="What she paid (default: the amount added).")] = None,
    day: DateOption = None, by: ByOption = None,
) -> None:
    """Add money or sessions to a card; prints the top-up's id."""
    run = state(ctx)
    today = run.today()
    when = not_in_future(arg_date(day, "--date", today), today, "--date", N_("card"))
    money = arg(schema.parse_money, amount, "--amount") if amount is not None else None
    paid = arg(schema.parse_money, price, "--price") if price is not None else None
    held = _held(run, card_id)
    _require_fits(held.card, money, sessions)

    def make(found: model.Client, entry_id: str) -> model.CardTopUp:
        return model.CardTopUp(entry_id, found.id, when, card_id, money, sessions, paid, by)

    record_entry(run, "card top-up", held.card.client, make)


def _require_fits(card: model.Card, money: Decimal | None, sessions: int | None) -> None:
    if (money is None) == (sessions is None):
        raise UsageError(_("--amount, --sessions: give one: money for a balance card, "
                           "sessions for a sessions card"))
    if money is not None and card.balance is None:
        raise UsageError(_("--amount: {id} ({type}) holds sessions, not money; give --sessions")
                         .format(id=card.id, type=card.type))
    if sessions is not None and card.sessions is None:
        raise UsageError(_("--sessions: {id} ({type}) holds money, not sessions; give --amount")
                         .format(id=card.id, type=card.type))
