"""A product catalogue with stock: a sale fills category and price, takes stock down, and
brings a repurchase call when most of the product's days of use are gone."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Salon


@pytest.fixture
def shop(salon: Salon) -> Salon:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    salon.ok("product", "add", "玻尿酸精华", "--category", "care", "--price", "680",
             "--days", "50", "--unit", "瓶", "--low", "9")
    salon.ok("stock", "in", "玻尿酸精华", "--qty", "10", "--date", "2026-10-01")
    return salon


def _stock(salon: Salon) -> dict[str, dict[str, object]]:
    return {r["name"]: r for r in json.loads(salon.ok("stock", "list", "--format", "json"))}


def test_a_catalogue_sale_fills_the_visit_and_takes_stock_down(shop: Salon) -> None:
    shop.ok("visit", "add", "c0001", "--product", "玻尿酸精华", "--date", "2026-10-10")
    visit = json.loads(shop.ok("visit", "list", "--format", "json"))[0]
    assert visit["products"] == [{"name": "玻尿酸精华", "category": "care", "days": 50}]
    assert visit["amount"] == 680
    stock = _stock(shop)["玻尿酸精华"]
    assert (stock["taken_in"], stock["sold"], stock["on_hand"], stock["is_low"]) == (10, 1, 9, True)
    assert [r["name"] for r in json.loads(shop.ok("stock", "list", "--low", "--format", "json"))] \
        == ["玻尿酸精华"]
    assert "days: 50" in shop.read("journal/visits/2026-10.yaml")


def test_a_repurchase_call_at_eighty_percent_of_its_days(shop: Salon) -> None:
    shop.only("repurchase")
    shop.ok("visit", "add", "c0001", "--product", "玻尿酸精华", "--date", "2026-10-10")
    # sold on 10 October, 50 days of use: 40 days on, on 19 November, it is nearly gone
    assert shop.due_days("c0001", "2026-11-17", 4) == {"2026-11-19": ["repurchase"],
                                                       "2026-11-20": ["repurchase"]}
    sheet = shop.ok("due", "2026-11-19", "--format", "json")
    assert "玻尿酸精华" in json.loads(sheet)[0]["script"]


def test_a_product_outside_the_catalogue_still_sells(shop: Salon) -> None:
    shop.ok("visit", "add", "c0001", "--product", "面霜=care", "--amount", "120")
    unknown = shop("visit", "add", "c0001", "--product", "面霜")
    assert unknown.code == 2 and "'面霜' is not in the catalogue" in unknown.err


def test_catalogue_edits_and_check(shop: Salon) -> None:
    shop.ok("product", "edit", "玻尿酸精华", "--set", "price=720", "--set", "unit=")
    listed = json.loads(shop.ok("product", "list", "--format", "json"))[0]
    assert (listed["price"], listed["unit"], listed["on_hand"]) == (720, None, 10)
    again = shop("product", "add", "玻尿酸精华", "--category", "care")
    assert again.code == 2 and "in the catalogue already" in again.err
    shop.write("products.yaml", "- name: 面膜\n  category: care\n  price: lots\n")
    checked = shop("check")
    assert checked.code == 65 and "products.yaml:3:" in checked.err
