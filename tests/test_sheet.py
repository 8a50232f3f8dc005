"""The call sheet as staff and scripts see it: golden sheets of the demo salon and the
JSON shape that scripts and the mail job depend on."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import Salon
from rich.cells import cell_len

DEMO = Path(__file__).parents[1] / "data"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Salon:
    monkeypatch.setenv("COLUMNS", "80")
    root = tmp_path / "demo"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".cache", ".lock*"))
    return Salon(root)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SALONCTL_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; see the diff above"


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_demo_sheet_is_golden(demo: Salon, fmt: str) -> None:
    out = demo.ok("due", "2026-11-24", "--consultant", "小李", "--format", fmt)
    if fmt == "table":  # fits an 80-column terminal, CJK counted as two columns
        assert max(cell_len(line) for line in out.splitlines()) <= 80
    _golden(f"due-2026-11-24-xiaoli.{'txt' if fmt == 'table' else 'md'}", out)


def test_demo_sheet_has_real_scripts(demo: Salon) -> None:
    rows = json.loads(demo.ok("due", "today", "--format", "json"))
    assert len(rows) > 20
    assert all(row["script"].count("\n") >= 2 for row in rows)
    assert not any("{" in row["script"] for row in rows)
    complaint = next(row for row in rows if row["client"] == "c0017")
    assert (complaint["caller"], complaint["rank"]) == ("小李", 1)
    assert complaint["reasons"][0]["ref"] == "R19"


def test_due_json_rows_have_the_documented_shape(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "13800000001", "--gender", "female")
    salon.ok("visit", "add", "王丽", "--date", "2026-11-02", "--product", "玻尿酸精华=care")
    salon.only("purchase-1-3-7")
    rows = json.loads(salon.ok("due", "2026-11-03", "--format", "json"))
    assert rows == [{
        "client": "c0001", "name": "王丽", "phone": "13800000001", "channel": "phone",
        "date": "2026-11-03", "overdue_days": 0,
        "reasons": [{
            "rule": "purchase-1-3-7", "ref": "R1", "title": "售后1-3-7回访",
            "anchor": "purchase", "anchor_date": "2026-11-02",
            "window": ["2026-11-03", "2026-11-04"], "offset": 1, "due": "2026-11-03",
            "overdue_days": 0, "tries": 0, "deadline": None, "last_day": False, "must": True,
            "stage": "",
        }],
        "script": "王女士您好，我是美丽人生美容院的前台。打扰您几分钟，现在说话方便吗？\n"
                  "您昨天带回去的玻尿酸精华开始用了吗？\n用法上有拿不准的地方，我现在就跟您说一下。\n"
                  "有什么问题随时打店里电话找我。祝您生活愉快，再见！",
        "consultant": None, "caller": "前台", "rank": 1, "held": False, "kind": "call",
    }]


def test_due_over_several_days_and_in_csv(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "13800000001")
    salon.ok("visit", "add", "王丽", "--date", "2026-11-02", "--product", "玻尿酸精华=care")
    salon.only("purchase-1-3-7")
    rows = json.loads(salon.ok("due", "2026-11-01", "--days", "10", "--format", "json"))
    assert [r["date"] for r in rows] == ["2026-11-03", "2026-11-04", "2026-11-05",
                                         "2026-11-06", "2026-11-09", "2026-11-10"]
    lines = salon.ok("due", "2026-11-03", "--format", "csv").splitlines()
    assert lines[0] == ("date,client,name,phone,channel,consultant,caller,rank,held,overdue_days,"
                        "rules,refs,titles,script,kind")
    assert lines[1].startswith("2026-11-03,c0001,王丽,13800000001,phone,,前台,1,false,0,purchase-1-3-7,R1,")


def test_due_names_a_bad_day(salon: Salon) -> None:
    result = salon("due", "2026-02-30")
    assert result.err == "salonctl: WHEN: '2026-02-30' is not a real date (that month has fewer days)\n"
    refused = salon("due", "--format", "pdf")
    assert refused.code == 2
    assert "'pdf' is not one of 'table', 'json', 'csv', 'markdown', 'ics'" in refused.err


def test_english_salon_gets_english_scripts(tmp_path: Path) -> None:
    from conftest import run

    root = tmp_path / "belle"
    assert run("init", str(root), "--name", "Belle Salon", "--lang", "en").code == 0
    salon = Salon(root)
    salon.ok("client", "add", "Anna Müller", "--phone", "0698765432", "--gender", "female")
    salon.ok("appointment", "add", "Anna Müller", "--at", "2026-12-10 14:00", "--service", "facial")
    rows = json.loads(salon.ok("due", "2026-12-09", "--format", "json"))
    assert rows[0]["script"] == (
        "Hello Ms. Müller, this is the front desk of Belle Salon. Do you have a few minutes "
        "to talk?\nA quick reminder of your facial tomorrow at 14:00. Does the time still suit "
        "you? Just tell me if you need to change it.\nIf anything comes up, just call the salon "
        "and ask for me. Have a lovely day, goodbye!")
    assert rows[0]["reasons"][0]["title"] == "Appointment tomorrow"
