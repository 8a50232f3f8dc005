"""The sheet as a day's work: each caller's rows ranked and capped, held rows, windows that
end, callbacks honoured, and `call next` to work through it."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from conftest import Salon
from test_rules import clients, history
from test_sheet import demo  # noqa: F401 - the demo salon fixture


def _days(start: str, count: int) -> list[str]:
    first = date.fromisoformat(start)
    return [(first + timedelta(days=n)).isoformat() for n in range(count)]


def _set(salon: Salon, **settings: object) -> None:
    path = salon.root / "salon.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(settings)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


LAPSED = """
- {id: a, name: 近期未来, phone: '13800000001', gender: female, consultant: 小李}
- {id: b, name: 半年未来, phone: '13800000002', gender: female, consultant: 小李}
"""


def test_the_demo_sheet_gives_each_caller_at_most_the_days_limit(demo: Salon) -> None:  # noqa: F811
    _set(demo, calls_per_day=3)
    rows = [r for r in json.loads(demo.ok("due", "2026-11-24", "--all", "--format", "json"))
            if r["kind"] == "call"]  # messages take no caller's time, and are never held
    shown = [r for r in rows if not r["held"]]
    held = [r for r in rows if r["held"]]
    assert held, "the demo has more calls than 3 a caller"
    for caller, count in Counter(r["caller"] for r in shown).items():
        musts = sum(any(x["must"] for x in r["reasons"]) for r in shown if r["caller"] == caller)
        assert count <= max(3, musts), caller
    # ranks run 1.. within each caller, the held ones after the shown ones
    for caller in {r["caller"] for r in rows}:
        mine = [r for r in rows if r["caller"] == caller]
        assert [r["rank"] for r in mine] == list(range(1, len(mine) + 1))
        assert [r["held"] for r in mine] == sorted(r["held"] for r in mine)
    # without --all only the shown rows, and one line per caller saying how many wait
    plain = json.loads(demo.ok("due", "2026-11-24", "--format", "json"))
    assert [r["client"] for r in plain if r["kind"] == "call"] == [r["client"] for r in shown]
    table = demo.ok("due", "2026-11-24")
    for caller, count in Counter(r["caller"] for r in held).items():
        assert f"{caller}：另有{count}个待回访" in table
    one = json.loads(demo.ok("due", "2026-11-24", "--limit", "1", "--format", "json"))
    assert len([r for r in one if r["kind"] == "call"]) < len(shown)


def test_the_default_limit_is_twenty_a_caller(demo: Salon) -> None:  # noqa: F811
    for day in ("2026-11-18", "2026-11-24"):
        rows = json.loads(demo.ok("due", day, "--format", "json"))
        assert max(Counter(r["caller"] for r in rows).values()) <= 20
        assert {r["caller"] for r in rows} <= {"小李", "小周", "小陈", "前台小王"}


def test_the_most_recently_lapsed_is_called_first_and_the_other_waits(salon: Salon) -> None:
    clients(salon, LAPSED)
    history(salon, "visits", """
        - {id: v-20260821-1, client: a, date: 2026-08-21, services: [补水]}
        - {id: v-20260523-1, client: b, date: 2026-05-23, services: [补水]}
    """)
    salon.only("win-back")
    # on 2026-11-24, a lapsed 95 days, b 185: both due, a first
    rows = json.loads(salon.ok("due", "2026-11-24", "--limit", "1", "--all", "--format", "json"))
    assert [(r["client"], r["rank"], r["held"]) for r in rows] == [("a", 1, False), ("b", 2, True)]
    assert "另有1个待回访" in salon.ok("due", "2026-11-24", "--limit", "1")
    salon.ok("call", "log", "a", "--outcome", "reached")
    rows = json.loads(salon.ok("due", "2026-11-25", "--limit", "1", "--format", "json"))
    assert [(r["client"], r["held"]) for r in rows] == [("b", False)]


def test_a_window_that_closes_on_a_held_row_is_missed_and_says_so(salon: Salon) -> None:
    clients(salon, LAPSED)
    history(salon, "visits", """
        - {id: v-20260821-1, client: a, date: 2026-08-21, services: [补水]}
        - {id: v-20260822-1, client: b, date: 2026-08-22, services: [补水]}
    """)
    salon.only("win-back")
    _set(salon, calls_per_day=1)
    # a's window is 11-19..12-02, b's 11-20..12-03; b lapsed a day later, so a waits
    # behind her every day, and on 12-03 b is called alone
    missed = json.loads(salon.ok("due", "2026-12-05", "--missed", "--format", "json",
                                 today="2026-12-05"))
    by_client = {m["client"]: m for m in missed}
    assert by_client["a"]["held"] is True and "held" in by_client["a"]["why"]
    assert by_client["b"]["held"] is False and by_client["b"]["why"] == "its window closed"


def test_must_calls_are_always_shown_and_alone_when_they_fill_the_day(salon: Salon) -> None:
    clients(salon, LAPSED + """
- {id: c, name: 新客, phone: '13800000003', gender: female, consultant: 小李}
""")
    history(salon, "visits", """
        - {id: v-20260821-1, client: a, date: 2026-08-21, services: [补水]}
        - {id: v-20261123-1, client: b, date: 2026-11-23, products: [{name: 精华, category: care}]}
        - {id: v-20261123-2, client: c, date: 2026-11-23, products: [{name: 面霜, category: care}]}
    """)
    salon.only("win-back", "purchase-1-3-7")
    rows = json.loads(salon.ok("due", "2026-11-24", "--limit", "1", "--all", "--format", "json"))
    assert [(r["client"], r["held"]) for r in rows] == [("b", False), ("c", False), ("a", True)]
    rows = json.loads(salon.ok("due", "2026-11-24", "--limit", "3", "--format", "json"))
    assert [r["client"] for r in rows] == ["b", "c", "a"]


def test_spending_breaks_a_tie_and_why_explains_the_rank(salon: Salon) -> None:
    clients(salon, LAPSED)
    history(salon, "visits", """
        - {id: v1, client: a, date: 2026-11-23, products: [{name: 精华, category: care}], amount: 100}
        - {id: v2, client: b, date: 2026-11-23, products: [{name: 精华, category: care}], amount: 900}
    """)
    salon.only("purchase-1-3-7")
    rows = json.loads(salon.ok("due", "2026-11-24", "--format", "json"))
    assert [r["client"] for r in rows] == ["b", "a"]
    why = salon.ok("why", "a")
    assert "rank 2 of 2 on 小李's sheet of 2026-11-24" in why.replace("\n", " ")
    assert "spent 100 in the last 12 months" in why.replace("\n", " ")


def test_overdue_counts_only_days_past_the_window(demo: Salon) -> None:  # noqa: F811
    rows = json.loads(demo.ok("due", "2026-11-18", "--days", "7", "--all", "--format", "json"))
    assert rows
    for row in rows:
        for reason in row["reasons"]:
            end = reason["window"][1]
            if end is None or end >= row["date"]:
                assert reason["overdue_days"] == 0, (row["date"], reason)
            else:
                days = (date.fromisoformat(row["date"]) - date.fromisoformat(end)).days
                assert reason["overdue_days"] == days
    table = demo.ok("due", "2026-11-24", "--all")
    assert "逾期" not in table and "今天是最后一天" in table


def test_a_callback_keeps_her_off_the_sheet_until_that_day(salon: Salon) -> None:
    clients(salon, LAPSED)
    history(salon, "visits", """
        - {id: v-20261120-1, client: a, date: 2026-11-20, products: [{name: 精华, category: care}]}
    """)
    salon.only("purchase-1-3-7", "care-product")
    assert "a" in salon.sheets("2026-11-23")["2026-11-23"]
    salon.ok("call", "log", "a", "--outcome", "not-convenient", "--callback", "+3d",
             today="2026-11-23")
    due = salon.due_days("a", "2026-11-24", 3)
    assert list(due) == ["2026-11-26"]  # off the next two sheets, on the third
    row = json.loads(salon.ok("due", "2026-11-26", "--format", "json", today="2026-11-26"))[0]
    assert all(r["window"][1] >= "2026-11-26" and r["overdue_days"] == 0 for r in row["reasons"])


def test_call_log_reads_a_callback_as_people_say_it(salon: Salon) -> None:
    clients(salon, LAPSED)
    for said, meant in (("明天", "2026-11-25"), ("tomorrow", "2026-11-25"), ("+3d", "2026-11-27"),
                        ("friday", "2026-11-27"), ("周一", "2026-11-30"), ("2026-12-01", "2026-12-01")):
        salon.ok("call", "log", "a", "--outcome", "not-convenient", "--callback", said)
        assert json.loads(salon.ok("call", "list", "--format", "json"))[-1]["callback"] == meant
    bad = salon("call", "log", "a", "--outcome", "not-convenient", "--callback", "soon")
    assert bad.code == 2 and bad.err.startswith("salonctl: --callback: 'soon' is not a day")


def _calls_today(salon: Salon) -> list[tuple[str, str]]:
    calls = json.loads(salon.ok("call", "list", "--from", salon.today, "--format", "json"))
    return [(c["client"], c["outcome"]) for c in calls]


def test_call_next_logs_each_answer_in_sheet_order(demo: Salon, monkeypatch: pytest.MonkeyPatch  # noqa: F811
                                                   ) -> None:
    before = _calls_today(demo)
    sheet = [r for r in json.loads(demo.ok("due", "--consultant", "小李", "--format", "json"))
             if r["kind"] == "call"]
    called = {client for client, _ in before}
    queue = [r["client"] for r in sheet if r["client"] not in called]
    monkeypatch.setattr(sys, "stdin", io.StringIO("r\nn\nq\n"))
    out = demo.ok("call", "next", "--consultant", "小李")
    assert _calls_today(demo) == [*before, (queue[0], "reached"), (queue[1], "no-answer")]
    assert out.rstrip().endswith(f"打了2个，接通1个，还剩{len(queue) - 2}个")
    assert sheet[0]["script"].splitlines()[0] in out


def test_call_next_asks_the_callback_day_and_skips(salon: Salon, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    clients(salon, LAPSED)
    history(salon, "visits", """
        - {id: v-20261123-1, client: a, date: 2026-11-23, products: [{name: 精华, category: care}]}
        - {id: v-20261123-2, client: b, date: 2026-11-23, products: [{name: 面霜, category: care}]}
    """)
    salon.only("purchase-1-3-7")
    monkeypatch.setattr(sys, "stdin", io.StringIO("s\nz\nc\nsoon\n周五\n"))
    result = salon("call", "next")
    assert result.code == 0
    assert "'z' is not one of" in result.err and "'soon' is not a day" in result.err
    calls = json.loads(salon.ok("call", "list", "--format", "json"))
    assert [(c["client"], c["outcome"], c["callback"]) for c in calls] == [
        ("b", "not-convenient", "2026-11-27")]
    assert result.out.rstrip().endswith("打了1个，接通0个，还剩1个")


def test_call_next_from_a_pipe_through_the_installed_command(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(Path(__file__).parents[1] / "data", root,
                    ignore=shutil.ignore_patterns(".cache", ".lock*"))
    command = shutil.which("salonctl", path=str(Path(sys.executable).parent))
    assert command
    base = [command, "--data", str(root), "--today", "2026-11-24"]
    sheet = json.loads(subprocess.run([*base, "due", "--consultant", "小周", "--format", "json"],
                                      capture_output=True, text=True, check=True).stdout)
    done = subprocess.run([*base, "call", "next", "--consultant", "小周"], input="r\nn\nq\n",
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    calls = json.loads(subprocess.run([*base, "call", "list", "--from", "2026-11-24", "--format",
                                       "json"], capture_output=True, text=True, check=True).stdout)
    assert [(c["client"], c["outcome"]) for c in calls if c["name"] in
            {r["name"] for r in sheet}][-2:] == [(sheet[0]["client"], "reached"),
                                                 (sheet[1]["client"], "no-answer")]


def test_demo_scripts_read_aloud_in_a_minute(demo: Salon) -> None:  # noqa: F811
    rows = json.loads(demo.ok("due", "2026-11-18", "--days", "13", "--all", "--format", "json"))
    assert len(rows) > 100
    for row in rows:
        script = row["script"]
        assert not re.search(r"\d{4}-\d{2}-\d{2}", script), script
        assert len(re.sub(r"\s", "", script)) <= 400, script
        assert script.count("您好") == 1, script
        sentences = re.findall(r"[^。！？\n]+[。！？]", script)
        assert len(sentences) == len(set(sentences)), script
