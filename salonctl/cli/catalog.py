"""`salonctl product add|list|edit` and `salonctl stock in|list`: the product catalogue
(products.yaml) and the stock on the shelf."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import typer

from salonctl.cli.app import app
from salonctl.cli.common import FormatOption, State, arg, arg_date, not_in_future, state
from salonctl.engine import catalogue, model
from salonctl.errors import NotFoundError, UsageError
from salonctl.files import catalogfile, schema
from salonctl.i18n import N_, _
from salonctl.words import render

product_app = typer.Typer(help="The product catalogue: price, days of use, unit.",
                          no_args_is_help=True)
stock_app = typer.Typer(help="Stock taken in and on the shelf.", no_args_is_help=True)
app.add_typer(product_app, name="product")
app.add_typer(stock_app, name="stock")

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
    kind: Any = arg(lambda v: schema.parse_choice(v, model.PRODUCT_CATEGORIES), category,
                    "--category")
    item = catalogue.Item(
        arg(schema.single_line, name, "NAME"), kind,
        arg(schema.parse_money, price, "--price") if price is not None else None,
        days, unit, low,
        area=arg(lambda v: schema.parse_choice(v, catalogue.AREAS), area, "--area") if area else None)
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


def _change(text: str) -> tuple[str, Any]:
    key, equals, value = text.partition("=")
    readers: dict[str, Any] = {
        "category": lambda v: schema.parse_choice(v, model.PRODUCT_CATEGORIES),
        "price": schema.parse_money, "days": lambda v: schema.parse_count(v) or None,
        "unit": schema.single_line, "low": schema.parse_count,
        "area": lambda v: schema.parse_choice(v, catalogue.AREAS) if v.strip() else None,
    }
    if not equals or key.strip() not in readers:
        raise UsageError(_("--set: {text} is not FIELD=VALUE with FIELD one of: {fields}").format(
            text=repr(text), fields=", ".join(readers)))
    key = key.strip()
    if value.strip() == "":
        if key == "category":
            raise UsageError(_("--set: a product keeps its category"))
        return key, None
    return key, arg(readers[key], value.strip(), f"--set {key}")


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
        render.emit(listing, fmt, run.console, run.bom)


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
        render.emit(listing, fmt, run.console, run.bom)

