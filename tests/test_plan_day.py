"""`plan day`: each consultant's calls, the members to approach with what to offer, and the
cash the day should bring in towards the month's target."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import Salon

DEMO = Path(__file__).resolve().parent.parent / "data"


def test_the_demo_day_plan_names_members_and_cash_that_adds_up(tmp_path: Path) -> None:
    shutil.copytree(DEMO, tmp_path / "demo", ignore=shutil.ignore_patterns(".cache", ".lock*"))
    demo = Salon(tmp_path / "demo", "2026-11-24")
    record = json.loads(demo.ok("plan", "day", "--format", "json"))
    cash = record["cash"]
    # the month's takings so far and the day's share over every open day left make the target
    assert abs(cash["taken"] + cash["expected"] * cash["open_days_left"] - cash["target"]) \
        <= cash["open_days_left"]
    sheet = [r for r in json.loads(demo.ok("due", "--format", "json")) if r["kind"] == "call"]
    calls = {p["consultant"]: p["calls"] for p in record["consultants"]}
    for caller in {row["caller"] for row in sheet}:
        assert calls[caller] == sum(row["caller"] == caller for row in sheet)
    offers = [offer for p in record["consultants"] for a in p["approach"] for offer in a["offers"]]
    assert any("birthday" in offer for offer in offers)
    assert any("card ending" in offer for offer in offers)
    table = demo.ok("plan", "day")
    assert "expected cash today" in table


def test_a_booked_client_and_a_repurchase_are_on_her_consultants_plan(salon: Salon) -> None:
    salon.ok("client", "add", "王芳", "--phone", "13800000001", "--consultant", "小李")
    salon.ok("product", "add", "面霜", "--category", "care", "--price", "300", "--days", "10")
    salon.ok("visit", "add", "c0001", "--product", "面霜", "--date", "2026-11-16")
    salon.ok("appointment", "add", "c0001", "--at", "2026-11-24 14:00", "--service", "补水")
    record = json.loads(salon.ok("plan", "day", "--consultant", "小李", "--format", "json"))
    [plan] = record["consultants"]
    assert plan["consultant"] == "小李"
    [member] = plan["approach"]
    assert "repurchase: 面霜" in member["offers"]
    assert "coming in at 14:00 for 补水; has bought 面霜" in member["offers"]
    refused = salon("plan", "day", "--consultant", "小王")
    assert refused.code == 2 and "小李" in refused.err
