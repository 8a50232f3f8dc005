"""The salon's catalogue: its products (products.yaml: what each costs, how many days one
lasts a client, the stock taken in) and its services (services.yaml: the list a visit's
services are named from, with their prices). Pure: records in, values out.

Stock on hand is what was taken in less what was sold (one unit a product line of a visit,
read from the visits journal), so a sale needs no second write to keep the count.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from salonctl.engine import model

REPURCHASE_SHARE = Decimal("0.8")  # a repurchase call when this share of its days is gone
# Where a product acts, so a script asks about the right thing: a face serum is never asked
# about "your body". A product the catalogue gives no area takes its category's, if any.
AREAS = ("face", "body", "hair", "eyes", "hands", "lips")
CATEGORY_AREAS: dict[str, str] = {"care": "face", "supplement": "body"}


@dataclass(frozen=True)
class StockIn:
    date: date
    qty: int
    by: str | None = None


@dataclass(frozen=True)
class Item:
    name: str
    category: model.ProductCategory
    price: Decimal | None = None
    days: int | None = None  # how long one lasts a client
    unit: str | None = None
    low: int | None = None  # stock at or below this is low
    stock_in: tuple[StockIn, ...] = ()
    area: str | None = None  # where it acts: one of AREAS


@dataclass(frozen=True)
class Stock:
    item: Item
    taken_in: int
    sold: int

    @property
    def on_hand(self) -> int:
        return self.taken_in - self.sold

    def is_low(self) -> bool:
        return self.item.low is not None and self.on_hand <= self.item.low


def area_of(name: str, category: str, areas: Mapping[str, str]) -> str | None:
    """Where a product acts: the catalogue's word for it, else its category's, else None."""
    return areas.get(name.casefold()) or CATEGORY_AREAS.get(category)


def areas(items: Iterable[Item]) -> dict[str, str]:
    """Each catalogue product's area, by its folded name."""
    return {item.name.casefold(): item.area for item in items if item.area}


def find(items: Iterable[Item], name: str) -> Item | None:
    folded = name.strip().casefold()
    return next((item for item in items if item.name.casefold() == folded), None)


def stock(items: Iterable[Item], visits: Iterable[model.Visit]) -> list[Stock]:
    """Each product's stock: taken in, less what was sold since the first stock came in
    (sales from before the salon counted its stock do not count against it)."""
    sales = [(p.name.casefold(), v.date) for v in visits for p in v.products]
    found = []
    for item in items:
        counted_from = min((s.date for s in item.stock_in), default=None)
        sold = Counter(name for name, day in sales
                       if counted_from is not None and day >= counted_from)
        found.append(Stock(item, sum(s.qty for s in item.stock_in), sold[item.name.casefold()]))
    return found


def sold_as(item: Item) -> model.Product:
    """The product line a sale of `item` writes: its days of use go with it, so the
    repurchase call needs nothing but the visit."""
    return model.Product(item.name, item.category, item.days)


def repurchase_day(sold_on: date, days: int, share: Decimal = REPURCHASE_SHARE) -> date:
    """The day `share` of a product's days of use are gone: time to offer the next one."""
    return sold_on + timedelta(days=max(1, math.floor(days * share)))


def price_of(items: Iterable[Item], products: Iterable[model.Product]) -> Decimal | None:
    """What the catalogue says these products cost together; None if one has no price."""
    prices = [found.price if (found := find(items, p.name)) else None for p in products]
    if not prices or any(price is None for price in prices):
        return None
    return sum((p for p in prices if p is not None), Decimal(0))


@dataclass(frozen=True)
class Service:
    """A service on the salon's list: its price, how long it takes, what kind it is."""

    name: str
    price: Decimal | None = None
    minutes: int | None = None
    category: str | None = None


def initials(name: str) -> str:
    """What staff type for a name with a pinyin keyboard: 面部补水护理 -> mbbshl (a Latin word
    is kept whole, spaces dropped)."""
    from pypinyin import Style, lazy_pinyin  # loaded only when a part of a name did not do

    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).casefold().replace(" ", "")


def services_named(services: Iterable[Service], typed: str) -> list[Service]:
    """The services `typed` may name: the one of that name; else those whose name holds it
    (补水 -> 面部补水护理); else those whose pinyin initials hold it (bs, mbbshl)."""
    listed = list(services)
    word = typed.strip().casefold()
    exact = [s for s in listed if s.name.casefold() == word]
    if exact:
        return exact
    holding = [s for s in listed if word and word in s.name.casefold()]
    if holding or not (word.isascii() and word.isalpha()):
        return holding
    return [s for s in listed if word in initials(s.name)]


def visit_price(services: Iterable[Service | None], items: Iterable[Item],
                products: Iterable[model.Product]) -> Decimal | None:
    """What a visit costs by the lists: its services' prices and its products' (None when
    one of them has no price, or a service is not on the list)."""
    chosen = list(services)
    sold = list(products)
    if not chosen:
        return price_of(items, sold) if sold else None
    if any(s is None or s.price is None for s in chosen):
        return None
    goods = price_of(items, sold) if sold else Decimal(0)
    if goods is None:
        return None
    return sum((s.price for s in chosen if s is not None and s.price is not None), goods)

