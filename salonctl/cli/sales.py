"""`salonctl product add|list|edit` and `salonctl stock in|list`: the product catalogue
(products.yaml) and the stock on the shelf."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Annotated, Any

import typer

from salonctl.cli.app import card_app, product_app, service_app, stock_app
from salonctl.cli.common import (
    ByOption,
    DateOption,
    FormatOption,
    FromOption,
    OneClientArg,
    RecordFormatOption,
    State,
    ToOption,
    arg,
    arg_date,
    client_names,
    emit_listing,
    not_in_future,
    record_entry,
    selected,
    state,
)
from salonctl.engine import cards, catalogue, model
from salonctl.errors import NotFoundError, UsageError
from salonctl.files import catalogfile, parsing, schema
from salonctl.i18n import N_, _
from salonctl.words import render

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The product's name.")]
PRODUCT_FIELDS = ("name", "category", "price", "days", "unit", "low", "on_hand")


@product_app.command("add")
def product_add(
    ctx: typer.Context, name: NameArg,
    category: Annotated[str, typer.Option(help="treatment, brand, supplement or care.")],
    price: Annotated[str | None, typer.Option(help="Its price.")] = None,
    days: Annotated[int | None, typer.Option(
        help="Days one lasts a client: a repurchase call comes at 80% of them (R24).",
        min=1, max=3650)] = None,
    unit: Annotated[str | None, typer.Option(help="瓶, 盒, jar...")] = None,
    low: Annotated[int | None, typer.Option(
        help="Stock at or below this is low.", min=0)] = None,
    area: Annotated[str | None, typer.Option(
        help="Where it acts, so scripts ask about the right thing: face, body, hair, eyes, "
             "hands or lips.")] = None,
) -> None:
    """Add a product to the catalogue."""
    kind: Any = arg(lambda v: parsing.parse_spelled(v, model.PRODUCT_CATEGORIES, "product"), category,
                    "--category")
    item = catalogue.Item(
        arg(parsing.single_line, name, "NAME"), kind,
        arg(parsing.parse_money, price, "--price") if price is not None else None,
        days, unit, low,
        area=arg(lambda v: parsing.parse_choice(v, catalogue.AREAS), area, "--area") if area else None)
    salon = state(ctx).salon()
    with salon.lock("product add"):
        items = catalogfile.read(salon.root)
        if catalogue.find(items, item.name):
            raise UsageError(_("NAME: {name} is in the catalogue already; change it with "
                               "salonctl product edit").format(name=repr(item.name)))
        catalogfile.write(salon.root, [*items, item])


@product_app.command("edit")
def product_edit(
    ctx: typer.Context, name: NameArg,
    changes: Annotated[list[str], typer.Option(
        "--set", help="FIELD=VALUE: category, price, days, unit or low (repeatable); an empty "
                      "VALUE clears it.")],
) -> None:
    """Change a product of the catalogue."""
    salon = state(ctx).salon()
    with salon.lock("product edit"):
        items = catalogfile.read(salon.root)
        found = _item(items, name)
        changed = replace(found, **dict(_change(text) for text in changes))
        catalogfile.write(salon.root, [changed if i is found else i for i in items])


_PRODUCT_READERS: dict[str, Any] = {
    "category": lambda v: parsing.parse_spelled(v, model.PRODUCT_CATEGORIES, "product"),
    "price": parsing.parse_money, "days": lambda v: parsing.parse_count(v) or None,
    "unit": parsing.single_line, "low": parsing.parse_count,
    "area": lambda v: parsing.parse_choice(v, catalogue.AREAS) if v.strip() else None,
}


def _change(text: str, readers: dict[str, Any] = _PRODUCT_READERS,
            kept: tuple[str, str] = ("category", N_("--set: a product keeps its category"))
            ) -> tuple[str, Any]:
    """One --set FIELD=VALUE read by its field's reader; an empty VALUE clears the field,
    except the one the record keeps (`kept`: the field and why)."""
    key, equals, value = (part.strip() for part in text.partition("="))
    if not equals or key not in readers:
        raise UsageError(_("--set: {text} is not FIELD=VALUE with FIELD one of: {fields}").format(
            text=repr(text), fields=", ".join(readers)))
    if value == "":
        if key == kept[0]:
            raise UsageError(_(kept[1]))
        return key, None
    return key, arg(readers[key], value, f"--set {key}")


def _item(items: list[catalogue.Item], name: str) -> catalogue.Item:
    found = catalogue.find(items, name)
    if found is None:
        known = ", ".join(i.name for i in items[:20]) or _("none yet")
        raise NotFoundError(_("NAME: no product {name} in the catalogue ({known}); add it "
                              "with salonctl product add").format(name=repr(name), known=known))
    return found


def _stock_records(run: State, low_only: bool = False) -> list[dict[str, Any]]:
    salon = run.salon()
    levels = catalogue.stock(catalogfile.read(salon.root), salon.history().visits)
    return [{"name": s.item.name, "category": s.item.category, "price": s.item.price,
             "days": s.item.days, "unit": s.item.unit, "low": s.item.low,
             "taken_in": s.taken_in, "sold": s.sold, "on_hand": s.on_hand, "is_low": s.is_low()}
            for s in levels if s.is_low() or not low_only]


@product_app.command("list")
def product_list(ctx: typer.Context, fmt: FormatOption = "table") -> None:
    """The catalogue, with what is on the shelf."""
    run = state(ctx)
    records = _stock_records(run)
    columns = (*render.columns("name", "category"),
               render.Column("price", lambda r: r["price"], justify="right"),
               render.Column("days", lambda r: r["days"], justify="right"),
               *render.columns("unit"),
               render.Column("on_hand", lambda r: r["on_hand"], justify="right"))
    listing = render.Listing(records, columns, empty=N_("no products"),
                             fields=(*PRODUCT_FIELDS[:-1], "taken_in", "sold", "on_hand", "is_low"))
    with run.paged(fmt == "table"):
        render.emit(listing, fmt, run.console, run.bom, run.out)


@stock_app.command("in")
def stock_in(
    ctx: typer.Context, name: NameArg,
    qty: Annotated[int, typer.Option("--qty", help="How many came in.", min=1, max=100_000)],
    day: Annotated[str | None, typer.Option("--date", help="The day; default today.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="The staff member.")] = None,
) -> None:
    """Take stock in: the count on the shelf goes up; each sale takes one down."""
    run = state(ctx)
    today = run.today()
    when = not_in_future(arg_date(day, "--date", today), today, "--date", N_("stock"))
    salon = run.salon()
    with salon.lock("stock in"):
        items = catalogfile.read(salon.root)
        found = _item(items, name)
        added = replace(found, stock_in=(*found.stock_in, catalogue.StockIn(when, qty, by)))
        catalogfile.write(salon.root, [added if i is found else i for i in items])


def _field(key: str) -> Any:
    return lambda record: record[key]


@stock_app.command("list")
def stock_list(
    ctx: typer.Context,
    low: Annotated[bool, typer.Option("--low", help="Only products at or below their low level.")
                   ] = False,
    fmt: FormatOption = "table",
) -> None:
    """Stock on the shelf: taken in, sold, on hand."""
    run = state(ctx)
    records = _stock_records(run, low)
    columns = (*render.columns("name", "unit"),
               *(render.Column(key, _field(key), justify="right")
                 for key in ("taken_in", "sold", "on_hand")),
               render.Column("low_at", _field("low"), justify="right"))
    listing = render.Listing(records, columns, empty=N_("no products"),
                             fields=("name", "category", "price", "days", "unit", "low",
                                     "taken_in", "sold", "on_hand", "is_low"))
    with run.paged(fmt == "table"):
        render.emit(listing, fmt, run.console, run.bom, run.out)


# --- cards in use: card list, card show, card top-up ---

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
    money = arg(parsing.parse_money, amount, "--amount") if amount is not None else None
    paid = arg(parsing.parse_money, price, "--price") if price is not None else None
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


# --- the service list ---------------------------------------------------------------------

ServiceNameArg = Annotated[str, typer.Argument(metavar="NAME", help="The service's name.")]


@service_app.command("add")
def service_add(
    ctx: typer.Context, name: ServiceNameArg,
    price: Annotated[str | None, typer.Option(help="Its price: a visit of it costs this "
                                                   "unless --amount says otherwise.")] = None,
    minutes: Annotated[int | None, typer.Option(help="How long it takes.", min=1,
                                                max=24 * 60)] = None,
    category: Annotated[str | None, typer.Option(help="What kind it is: face, body...")] = None,
) -> None:
    """Add a service to the salon's list."""
    service = catalogue.Service(
        arg(parsing.single_line, name, "NAME"),
        arg(parsing.parse_money, price, "--price") if price is not None else None, minutes,
        arg(parsing.single_line, category, "--category") if category is not None else None)
    salon = state(ctx).salon()
    with salon.lock("service add"):
        services = catalogfile.read_services(salon.root)
        if any(s.name.casefold() == service.name.casefold() for s in services):
            raise UsageError(_("NAME: {name} is on the list already; change it with "
                               "salonctl service edit").format(name=repr(service.name)))
        catalogfile.write_services(salon.root, [*services, service])


@service_app.command("edit")
def service_edit(
    ctx: typer.Context, name: ServiceNameArg,
    changes: Annotated[list[str], typer.Option(
        "--set", help="FIELD=VALUE: name, price, minutes or category (repeatable); an empty "
                      "VALUE clears it.")],
) -> None:
    """Change a service of the list."""
    salon = state(ctx).salon()
    with salon.lock("service edit"):
        services = catalogfile.read_services(salon.root)
        found = next((s for s in services if s.name.casefold() == name.strip().casefold()), None)
        if found is None:
            raise NotFoundError(_("NAME: no service {name} on the list; salonctl service list "
                                  "shows it").format(name=repr(name)))
        changed = replace(found, **dict(_change(text, _SERVICE_READERS, _SERVICE_KEEPS)
                                        for text in changes))
        catalogfile.write_services(salon.root, [changed if s is found else s for s in services])


_SERVICE_READERS: dict[str, Any] = {
    "name": parsing.single_line, "price": parsing.parse_money,
    "minutes": parsing.parse_count, "category": parsing.single_line}
_SERVICE_KEEPS = ("name", N_("--set: a service keeps its name"))


@service_app.command("list")
def service_list(ctx: typer.Context, fmt: FormatOption = "table") -> None:
    """The salon's services, with their prices."""
    run = state(ctx)
    records = [{"name": s.name, "price": s.price, "minutes": s.minutes, "category": s.category}
               for s in catalogfile.read_services(run.salon().root)]
    columns = (*render.columns("name"),
               render.Column("price", lambda r: r["price"], justify="right"),
               render.Column("minutes", lambda r: r["minutes"], justify="right"),
               *render.columns("category"))
    render.emit(render.Listing(records, columns, empty=N_("no services yet")), fmt, run.console,
                run.bom, run.out)

