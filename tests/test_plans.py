"""Business plans on small salons written in the test, and the demo's plan as a golden file."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import Salon
from test_rules import WANG, clients, history
from test_sheet import _golden, demo  # noqa: F401 - the demo fixture


def _plan(salon: Salon, *args: str) -> dict:
    return json.loads(salon.ok("plan", "year", *args, "--format", "json"))


def _weights(plan: dict) -> dict[str, float]:
    return {m["month"][5:]: m["weight"] for m in plan["months"]}


def test_break_even_and_required_revenue(salon: Salon) -> None:
    plan = _plan(salon, "2027", "--fixed-costs", "30000", "--variable-share", "0.4",
                 "--profit", "120000")
    assert (plan["break_even"], plan["required"]) == (600000, 800000)
    assert (plan["target"], plan["target_source"], plan["trend_estimate"]) == (
        800000, "required", None)
    assert sum(m["target"] for m in plan["months"]) == 800000
    assert "no history and no past revenue" in plan["notes"][0]


def test_costs_come_from_salon_yaml_and_flags_override_them(salon: Salon) -> None:
    salon.write("salon.yaml", salon.read("salon.yaml").replace(
        "    rent: 0", "    rent: 20000").replace("  variable_share: 0", "  variable_share: 0.5"))
    assert _plan(salon, "2027")["break_even"] == 480000
    assert _plan(salon, "2027", "--fixed-costs", "25000")["break_even"] == 600000
    bad = salon("plan", "year", "2027", "--variable-share", "1.2")
    assert (bad.code, bad.err) == (2, "salonctl: --variable-share: a share of revenue below 1, "
                                      "e.g. 0.35\n")


def test_no_history_spreads_a_given_target_by_the_cycle_with_the_rush_in_january_2028(
        salon: Salon) -> None:
    plan = _plan(salon, "2028", "--target", "600000")
    assert (plan["target"], plan["target_source"], plan["weights_source"]) == (
        600000, "given", "cycle")
    assert sum(m["target"] for m in plan["months"]) == 600000
    weights = _weights(plan)
    assert weights["01"] > weights["02"]
    assert {"name": "春节", "date": "2028-01-26"} in plan["months"][0]["holidays"]


@pytest.mark.parametrize(("year", "festival"), [("2026", "2026-02-17"), ("2027", "2027-02-06")])
def test_a_february_festival_moves_the_weight_to_february(salon: Salon, year: str,
                                                          festival: str) -> None:
    plan = _plan(salon, year, "--target", "500000")
    january, february = plan["months"][0], plan["months"][1]
    assert {"name": "春节", "date": festival} in february["holidays"]
    assert february["weight"] > january["weight"]
    assert _weights(_plan(salon, "2028", "--target", "500000"))["02"] < february["weight"]


def _year_of_visits(salon: Salon, year: int, amounts: dict[int, int]) -> None:
    lines = [f"- {{id: v-{year}{m:02d}01-1, client: wang, date: {year}-{m:02d}-01, amount: {a}}}"
             for m, a in amounts.items()]
    history(salon, "visits", "\n".join(lines))


def test_weights_come_from_a_full_year_of_history(salon: Salon) -> None:
    clients(salon, WANG)
    amounts = dict.fromkeys(range(1, 13), 10000)
    amounts[6] = 30000  # June is three times an ordinary month in this salon
    _year_of_visits(salon, 2025, amounts)
    plan = _plan(salon, "2026", "--target", "140000")
    weights = _weights(plan)
    assert plan["weights_source"] == "history" and plan["weights_years"] == [2025]
    assert weights["06"] == pytest.approx(3 * weights["05"], rel=1e-3)
    assert [m["target"] for m in plan["months"]][2:6] == [10000, 10000, 10000, 30000]
    assert sum(m["target"] for m in plan["months"]) == 140000
    assert plan["months"][5]["history"][-1] == {"year": 2025, "revenue": 30000}


def test_less_than_a_year_of_history_uses_the_cycle(salon: Salon) -> None:
    clients(salon, WANG)
    _year_of_visits(salon, 2025, dict.fromkeys(range(3, 13), 10000))
    assert _plan(salon, "2026", "--target", "1")["weights_source"] == "cycle"


def test_trend_from_history_and_typed_in_revenue(salon: Salon) -> None:
    clients(salon, WANG)
    _year_of_visits(salon, 2025, dict.fromkeys(range(1, 13), 50000))  # 600,000
    salon.write("salon.yaml", salon.read("salon.yaml").replace(
        "  past_revenue: {}", "  past_revenue:\n    2024: 500000"))
    plan = _plan(salon, "2026")
    assert [(y["year"], y["revenue"], y["source"]) for y in plan["years"]] == [
        (2024, 500000, "typed"), (2025, 600000, "journal")]
    assert plan["trend_estimate"] == 720000  # grown 20% again
    assert (plan["target"], plan["target_source"]) == (720000, "trend")


def test_default_year_is_next_year_in_the_last_quarter(salon: Salon) -> None:
    assert _plan(salon, "--target", "1")["year"] == 2027  # today is 2026-11-24
    assert json.loads(salon.ok("plan", "year", "--target", "1", "--format", "json",
                               today="2026-06-01"))["year"] == 2026


def test_plan_year_other_formats(salon: Salon) -> None:
    csv_lines = salon.ok("plan", "year", "2027", "--target", "120000", "--format",
                         "csv").splitlines()
    assert csv_lines[0].startswith("month,season,demand,wants,focus,holidays,birthdays,calls,")
    assert len(csv_lines) == 13
    markdown = salon.ok("plan", "year", "2027", "--target", "120000", "--format", "markdown")
    assert "| month | demand | target | last year | birthdays | calls | holidays |" in markdown
    table = salon.ok("plan", "year", "2027", "--target", "120000")
    assert table.startswith("Plan for 2027: target 120,000 (given with --target)")


def test_demo_plan_year_2027(demo: Salon) -> None:  # noqa: F811
    plan = _plan(demo, "2027")
    assert len(plan["months"]) == 12
    assert sum(m["target"] for m in plan["months"]) == plan["target"]
    assert {"name": "春节", "date": "2027-02-06"} in plan["months"][1]["holidays"]
    plan_2028 = _plan(demo, "2028")
    assert {"name": "春节", "date": "2028-01-26"} in plan_2028["months"][0]["holidays"]
    assert plan_2028["months"][0]["weight"] > plan_2028["months"][1]["weight"]
    _golden("plan-year-2027.json", demo.ok("plan", "year", "2027", "--format", "json"))


def test_demo_plan_month_on_the_25th_is_for_next_month(demo: Salon) -> None:  # noqa: F811
    month = json.loads(demo.ok("plan", "month", "--format", "json", today="2026-11-25"))
    assert month["month"] == "2026-12"
    assert sum(Decimal(str(w["target"])) for w in month["weeks"]) == month["target"]
    assert [w["from"] for w in month["weeks"]][:2] == ["2026-12-01", "2026-12-07"]
    assert all(a["date"].startswith("2026-12") for a in month["appointments"])
    assert all(b["date"].startswith("2026-12") for b in month["birthdays"])
    assert len(month["calls"]) == 31
    assert "progress" not in month
    assert json.loads(demo.ok("plan", "month", "--format", "json",
                              today="2026-11-24"))["month"] == "2026-11"


def test_progress_this_month(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20261103-1, client: wang, date: 2026-11-03, amount: 3000}
        - {id: v-20261120-1, client: wang, date: 2026-11-20, amount: 1000}
    """)
    salon.write("salon.yaml", salon.read("salon.yaml").replace(
        "closed_weekdays: []", "closed_weekdays: [monday]").replace("    rent: 0", "    rent: 10000"))
    month = json.loads(salon.ok("plan", "month", "--format", "json"))
    progress = month["progress"]
    # open days left from 2026-11-24 (Tuesday) to the 30th (a Monday, closed): 24-29
    assert (progress["actual"], progress["open_days_left"]) == (4000, 6)
    assert progress["target"] == month["target"] > 4000
    assert progress["left"] == progress["target"] - 4000
    assert progress["per_open_day"] == round((progress["target"] - 4000) / 6)
    summary = salon.ok("plan")
    assert summary.startswith(f"2026-11: 4,000 of {progress['target']:,}")
    assert "6 open days left" in summary
    bad = salon("plan", "month", "2026-13")
    assert bad.code == 2 and "YYYY-MM: '2026-13-01' is not a real date" in bad.err


def test_check_reports_a_bad_cycle_file(salon: Salon) -> None:
    text = salon.read("cycle.yaml")
    salon.write("cycle.yaml", text.replace("  demand: peak\n", "  demand: busy\n", 1)
                .replace("- month: 12", "- month: 11", 1))
    line = text.splitlines().index("  demand: peak") + 1
    result = salon("check")
    assert result.code == 65
    assert result.err == (f"{salon.root}/cycle.yaml:{line}:11: demand: 'busy' is not one of: "
                          "low, medium, high, peak\n")
    assert salon("plan", "year", "2027").code == 65
