"""The salon's service list (services.yaml): a visit names a service by a part of its name or
its pinyin initials, and the list's price is what she paid when no amount is given."""

from __future__ import annotations

import json

import pytest

from salonctl.engine import catalogue
from tests.conftest import Salon


@pytest.fixture
def listed(salon: Salon) -> Salon:
    salon.ok("service", "add", "面部补水护理", "--price", "298", "--minutes", "60",
             "--category", "face")
    salon.ok("service", "add", "肩颈舒缓护理", "--price", "198")
    salon.ok("service", "add", "眼部护理", "--price", "168")
    salon.ok("client", "add", "王丽", "--phone", "138 0013 5678")
    return salon


def test_visit_add_by_her_phones_last_digits_and_a_part_of_the_service(listed: Salon) -> None:
    listed.ok("visit", "add", "5678", "-s", "补水")
    visit = json.loads(listed.ok("visit", "list", "--format", "json"))[0]
    assert (visit["client"], visit["services"], visit["amount"]) == ("c0001", ["面部补水护理"], 298)


@pytest.mark.parametrize(("typed", "meant"), [
    ("bs", "面部补水护理"), ("mbbshl", "面部补水护理"), ("JJ", "肩颈舒缓护理"), ("眼部", "眼部护理"),
    ("面部补水护理", "面部补水护理"),
])
def test_a_service_by_a_part_of_its_name_or_its_initials(listed: Salon, typed: str,
                                                         meant: str) -> None:
    listed.ok("visit", "add", "王丽", "-s", typed, "--again")
    assert json.loads(listed.ok("visit", "list", "--format", "json"))[-1]["services"] == [meant]


def test_two_services_add_up_and_an_amount_given_wins(listed: Salon) -> None:
    listed.ok("visit", "add", "王丽", "-s", "补水", "-s", "眼部")
    listed.ok("visit", "add", "王丽", "-s", "补水", "-a", "250", "--date", "yesterday")
    amounts = sorted(v["amount"] for v in json.loads(listed.ok("visit", "list", "--format", "json")))
    assert amounts == [250, 466]


def test_an_ambiguous_part_lists_the_services_it_could_be(listed: Salon) -> None:
    said = listed("visit", "add", "王丽", "-s", "护理")
    assert said.code == 2 and "面部补水护理" in said.err and "眼部护理" in said.err


def test_a_service_not_on_the_list_is_kept_as_typed_with_no_price(listed: Salon) -> None:
    listed.ok("visit", "add", "王丽", "-s", "头疗")
    visit = json.loads(listed.ok("visit", "list", "--format", "json"))[0]
    assert (visit["services"], visit["amount"]) == (["头疗"], None)


def test_the_list_is_kept_in_services_yaml_and_listed(listed: Salon) -> None:
    listed.ok("service", "edit", "眼部护理", "--set", "price=188")
    rows = json.loads(listed.ok("service", "list", "--format", "json"))
    assert [(r["name"], r["price"]) for r in rows] == [
        ("面部补水护理", 298), ("肩颈舒缓护理", 198), ("眼部护理", 188)]
    assert "面部补水护理" in listed.read("services.yaml")
    assert listed("service", "add", "眼部护理").code == 2  # listed twice: refused
    listed.write("services.yaml", "- name: x\n  price: lots\n")
    checked = listed("check")
    assert checked.code == 65 and "services.yaml:2" in checked.err


def test_initials() -> None:
    assert catalogue.initials("面部补水护理") == "mbbshl"
    assert catalogue.initials("Spa 护理") == "spahl"  # a Latin word as it is
