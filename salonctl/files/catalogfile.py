"""products.yaml and services.yaml <-> the catalogue: read with every problem at its line,
written whole.

```yaml
- name: 玻尿酸精华
  category: care
  price: 680
  days: 60          # one lasts a client about two months
  unit: 瓶
  area: face        # where it acts: face, body, hair, eyes, hands or lips
  low: 3            # three or fewer on the shelf is low
  stock_in:
  - {date: 2026-11-02, qty: 12}
```
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from salonctl.disk import fsutil, yamlio
from salonctl.engine import model
from salonctl.engine.catalogue import AREAS, Item, Service, StockIn
from salonctl.errors import DataError, Problem
from salonctl.files import parsing, schema
from salonctl.files.folder import utf8_text
from salonctl.i18n import _

T = TypeVar("T")
FILE = "products.yaml"
HEADER = ("# The salon's products: price, days one lasts a client, unit, low-stock level, and\n"
          "# the stock taken in. salonctl product / stock commands keep it; edit it freely.\n")


def _stock_in(value: Any) -> StockIn:
    if not isinstance(value, Mapping) or not {"date", "qty"} <= set(value) <= {"date", "qty", "by"}:
        raise parsing.InvalidValue(_("each is {date: YYYY-MM-DD, qty: N}"))
    by = value.get("by")
    return StockIn(parsing.a_date(value["date"]), parsing.integer(1, parsing.MAX_COUNT)(value["qty"]),
                   parsing.text(by) if by is not None else None)


FIELDS = (
    schema.Field("name", parsing.text, required=True),
    schema.Field("category", parsing.choice(model.PRODUCT_CATEGORIES), required=True),
    schema.Field("price", parsing.money),
    schema.Field("days", parsing.integer(1, 3650)),
    schema.Field("unit", parsing.text),
    schema.Field("low", parsing.integer(0, parsing.MAX_COUNT)),
    schema.Field("stock_in", parsing.list_of(_stock_in)),
    schema.Field("area", parsing.choice(AREAS)),
)


def load(root: Path) -> tuple[list[Item], list[Problem]]:
    path = root / FILE
    if not path.exists():
        return [], []
    text, problem = utf8_text(fsutil.read_bytes(path), str(path))
    return ([], [problem]) if problem is not None else _items(text, str(path))


def _items(text: str, shown: str) -> tuple[list[Item], list[Problem]]:
    raw, problems = yamlio.parse(text, shown)
    if problems or raw is None:
        return [], problems
    if not isinstance(raw, list):
        return [], [Problem(shown, 1, 1,
                            _("products.yaml is a list of products, each '- name: ...'"))]
    items, seen = [], set()
    for record in raw:
        at = record.position if isinstance(record, yamlio.LocatedDict) else (1, 1)
        values, found = schema.read_record(record, FIELDS, shown, at)
        problems += found
        if values is None:
            continue
        if values["name"].casefold() in seen:
            problems.append(Problem(shown, *at, _("product {name} is listed twice").format(
                name=repr(values["name"]))))
        seen.add(values["name"].casefold())
        items.append(Item(**{**values, "stock_in": tuple(values.get("stock_in", ()))}))
    return items, problems


def read(root: Path) -> list[Item]:
    return _sound(load(root))


def _sound(loaded: tuple[list[T], list[Problem]]) -> list[T]:
    """What a file holds, or its problems as the command's error."""
    found, problems = loaded
    if problems:
        raise DataError(problems)
    return found


def write(root: Path, items: list[Item]) -> None:
    _write_checked(root, FILE, HEADER, [_record(item) for item in items], _items)


def _write_checked(root: Path, name: str, header: str, records: list[dict[str, Any]],
                   reread: Callable[[str, str], tuple[Any, list[Problem]]]) -> None:
    """The file written whole, once what is written reads back (the rules check holds)."""
    text = header + (yamlio.dump_block(records) if records else "[]\n")
    problems = reread(text, name)[1]
    if problems:
        raise DataError(problems)
    fsutil.write_atomic(root / name, text.encode("utf-8"))


def _record(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"name": item.name, "category": item.category}
    for key in ("price", "days", "unit", "area", "low"):
        value = getattr(item, key)
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else format(value, "f")
        if value is not None:
            data[key] = value
    if item.stock_in:
        data["stock_in"] = [{"date": s.date, "qty": s.qty, **({"by": s.by} if s.by else {})}
                            for s in item.stock_in]
    return data


# --- services.yaml: the salon's service list -----------------------------------------------

SERVICES_FILE = "services.yaml"
SERVICES_HEADER = ("# The salon's services: price, minutes, category. A visit names one by a part\n"
                   "# of its name or its pinyin initials (补水 or bs). salonctl service keeps it.\n")
SERVICE_FIELDS = (
    schema.Field("name", parsing.single_line, required=True),
    schema.Field("price", parsing.money),
    schema.Field("minutes", parsing.integer(1, 24 * 60)),
    schema.Field("category", parsing.single_line),
)


def load_services(root: Path) -> tuple[list[Service], list[Problem]]:
    path = root / SERVICES_FILE
    if not path.exists():
        return [], []
    text, problem = utf8_text(fsutil.read_bytes(path), str(path))
    return ([], [problem]) if problem is not None else _services(text, str(path))


def _services(text: str, shown: str) -> tuple[list[Service], list[Problem]]:
    raw, problems = yamlio.parse(text, shown)
    if problems or raw is None:
        return [], problems
    if not isinstance(raw, list):
        return [], [Problem(shown, 1, 1, _("services.yaml is a list of services, each "
                                           "'- name: ...'"))]
    services: list[Service] = []
    for record in raw:
        at = record.position if isinstance(record, yamlio.LocatedDict) else (1, 1)
        values, found = schema.read_record(record, SERVICE_FIELDS, shown, at)
        problems += found
        if values is None:
            continue
        if any(s.name.casefold() == values["name"].casefold() for s in services):
            problems.append(Problem(shown, *at, _("service {name} is listed twice").format(
                name=repr(values["name"]))))
        services.append(Service(**values))
    return services, problems


def read_services(root: Path) -> list[Service]:
    return _sound(load_services(root))


def write_services(root: Path, services: list[Service]) -> None:
    records = [{key: _plain(value) for key, value in vars(s).items() if value is not None}
               for s in services]
    _write_checked(root, SERVICES_FILE, SERVICES_HEADER, records, _services)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else format(value, "f")
    return value

