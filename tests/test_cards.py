"""Cards that are used: sessions and money taken off by visits, topped up, refused when
expired or empty, counted once as revenue, and a call when one runs low or nears its end."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Salon


@pytest.fixture
def member(salon: Salon) -> Salon:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    salon.ok("card", "add", "c0001", "--type", "10次卡", "--sessions", "10", "--price", "1980",
             "--until", "2027-10-31", "--date", "2025-11-01")
    return salon


def _card(salon: Salon, card_id: str) -> dict[str, object]:
    return json.loads(salon.ok("card", "show", card_id, "--format", "json"))  # type: ignore[no-any-return]


def test_three_visits_leave_seven_sessions_and_are_its_uses(member: Salon) -> None:
    visits = [member.ok("visit", "add", "c0001", "--service", "补水", "--use-card",
                        "--amount", "298", "--date", day).strip()
              for day in ("2025-11-05", "2025-11-12", "2025-11-19")]
    card = _card(member, "card-20251101-1")
    assert card["sessions_left"] == 7 and card["status"] == "valid"
    assert [use["id"] for use in card["uses"]] == visits  # type: ignore[union-attr]
    listed = json.loads(member.ok("card", "list", "--format", "json"))
    assert [(c["id"], c["sessions_left"]) for c in listed] == [("card-20251101-1", 7)]
    profile = json.loads(member.ok("client", "show", "c0001", "--format", "json"))
    assert profile["cards"][0]["sessions_left"] == 7


def test_an_expired_or_empty_card_is_refused_with_what_is_left(member: Salon) -> None:
    late = member("visit", "add", "c0001", "--service", "补水", "--card", "card-20251101-1",
                  "--date", "2027-11-01", today="2027-11-02")
    assert late.code == 65 and "expired on 2027-10-31" in late.err and "10x" in late.err
    member.ok("card", "add", "c0001", "--type", "储值卡", "--balance", "500", "--date", "2026-11-01")
    short = member("visit", "add", "c0001", "--service", "补水", "--card", "card-20261101-1",
                   "--amount", "680")
    assert short.code == 65 and "has 500 left, less than 680" in short.err
    assert json.loads(member.ok("visit", "list", "--format", "json")) == []  # nothing written
    which = member("visit", "add", "c0001", "--service", "补水", "--use-card", "--amount", "100")
    assert which.code == 65 and "2 usable cards" in which.err


def test_a_top_up_adds(member: Salon) -> None:
    member.ok("card", "add", "c0001", "--type", "储值卡", "--balance", "500", "--price", "500",
              "--date", "2026-11-01")
    member.ok("visit", "add", "c0001", "--service", "补水", "--card", "card-20261101-1",
              "--amount", "450", "--date", "2026-11-02")
    assert _card(member, "card-20261101-1")["balance_left"] == 50
    member.ok("card", "top-up", "card-20261101-1", "--amount", "1000")
    assert _card(member, "card-20261101-1")["balance_left"] == 1050
    member.ok("card", "top-up", "card-20251101-1", "--sessions", "5", "--price", "900")
    assert _card(member, "card-20251101-1")["sessions_left"] == 15
    wrong = member("card", "top-up", "card-20251101-1", "--amount", "100")
    assert wrong.code == 2 and "holds sessions, not money" in wrong.err


@pytest.mark.parametrize("through", ["store", "files"])
def test_a_card_sale_is_revenue_once_and_its_uses_are_not(
        member: Salon, through: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if through == "files":
        monkeypatch.setenv("SALONCTL_NO_DERIVED", "1")
    for day in ("2025-11-05", "2025-11-12"):
        member.ok("visit", "add", "c0001", "--service", "补水", "--use-card", "--amount", "298",
                  "--date", day)
    member.ok("visit", "add", "c0001", "--service", "清洁", "--amount", "100", "--date",
              "2025-11-20")
    year = json.loads(member.ok("plan", "year", "2026", "--format", "json"))
    november = next(m for m in year["months"] if m["month"] == "2026-11")
    assert {h["year"]: h["revenue"] for h in november["history"]}[2025] == 1980 + 100


def test_a_card_running_low_and_one_nearing_its_end_are_calls(member: Salon) -> None:
    for day in range(2, 10):  # 8 visits: 2 sessions left after the one on the 9th
        member.ok("visit", "add", "c0001", "--service", "补水", "--use-card",
                  "--date", f"2025-11-{day:02d}")
    assert "card-running-low" in member.sheets("2025-11-10").get("2025-11-10", {}).get("c0001", [])
    assert "card-running-low" not in member.sheets("2025-11-09").get("2025-11-09", {}).get(
        "c0001", [])
    expiring = member.sheets("2027-10-17").get("2027-10-17", {}).get("c0001", [])
    assert "card-expiring" in expiring  # two weeks before 2027-10-31


def test_a_visit_paid_with_her_card_says_what_is_left(member: Salon) -> None:
    paid = member("visit", "add", "c0001", "-s", "补水", "--use-card", "--date", "2025-11-05")
    assert paid.code == 0 and paid.out.strip().startswith("v-")  # stdout: the id alone
    assert "card-20251101-1 10次卡: 9x left" in paid.err
    again = member("visit", "add", "c0001", "-s", "补水", "-c", "card-20251101-1",
                   "--date", "2025-11-12")
    assert "8x left" in again.err and _card(member, "card-20251101-1")["sessions_left"] == 8
