"""The derived store (.cache/derived.sqlite3) never changes a sheet: on generated salons with
history, across days and edits of every kind, the sheet read through the store is the sheet
read from the files alone (`SALONCTL_NO_DERIVED=1`)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Salon

TOOL = Path(__file__).resolve().parents[1] / "tools" / "make_salon.py"


def _maker() -> Any:
    spec = importlib.util.spec_from_file_location("make_salon", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_salon() -> Any:
    return _maker()


def generated(tmp_path: Path, make_salon: Any, seed: int, clients: int = 120) -> Salon:
    root = tmp_path / f"salon-{seed}"
    make_salon.build(root, clients, seed, date(2026, 11, 24), 14)
    return Salon(root)


def sheet(salon: Salon, day: str, monkeypatch: pytest.MonkeyPatch, files_only: bool) -> Any:
    with monkeypatch.context() as patch:
        if files_only:
            patch.setenv("SALONCTL_NO_DERIVED", "1")
        return json.loads(salon.ok("due", day, "--all", "--format", "json", today=day))


def same_sheets(salon: Salon, day: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """The sheet through the store (twice: evaluated, then reused) equals the files' one:
    every due row (--all), and the day's sheet at its limit and at a small one, whose rows
    the store places itself."""
    through_store = sheet(salon, day, monkeypatch, files_only=False)
    again = sheet(salon, day, monkeypatch, files_only=False)
    from_files = sheet(salon, day, monkeypatch, files_only=True)
    assert through_store == from_files, f"the store changed the sheet of {day}"
    assert again == from_files, f"a second run through the store changed the sheet of {day}"
    for limited in (("due", day), ("due", day, "--limit", "3"),
                    ("due", day, "--limit", "2", "--format", "json")):
        same_output(salon, monkeypatch, *limited, today=day)
    return len(from_files)


def days_from(first: str, steps: list[int]) -> list[str]:
    start = date.fromisoformat(first)
    return [(start + timedelta(days=n)).isoformat() for n in steps]


def a_client_due(salon: Salon, day: str) -> str:
    rows = json.loads(salon.ok("due", day, "--all", "--format", "json", today=day))
    assert rows, f"the generated salon has nobody due on {day}"
    return str(rows[0]["client"])


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_days_forwards_and_back(tmp_path: Path, make_salon: Any, seed: int,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    salon = generated(tmp_path, make_salon, seed)
    shown = 0
    # ... and Spring Festival 2027 (74: greetings to everyone, as messages) and the day after
    for day in days_from("2026-11-24", [0, 1, 2, 5, 9, 30, 61, 3, -20, 1, 100, 74, 75]):
        shown += same_sheets(salon, day, monkeypatch)
    assert shown > 0, "no sheet had anyone on it: the comparison proved nothing"


def test_edits_through_the_commands(tmp_path: Path, make_salon: Any,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    salon = generated(tmp_path, make_salon, 11)
    day = "2026-11-24"
    same_sheets(salon, day, monkeypatch)
    first = a_client_due(salon, day)
    salon.ok("call", "log", first, "--outcome", "reached", today=day)
    same_sheets(salon, day, monkeypatch)
    second = a_client_due(salon, day)
    salon.ok("call", "log", second, "--outcome", "not-convenient", "--callback", "2026-11-27",
             today=day)
    for later in days_from(day, [0, 1, 3, 4]):
        same_sheets(salon, later, monkeypatch)
    third = a_client_due(salon, day)
    salon.ok("call", "log", third, "--outcome", "wrong-number", today=day)
    same_sheets(salon, day, monkeypatch)
    salon.ok("client", "edit", third, "--set", "phone=13900001111")
    same_sheets(salon, day, monkeypatch)
    salon.ok("visit", "add", "c0005", "--service", "补水", "--product", "面霜=care",
             "--amount", "680", today=day)
    for later in days_from(day, [0, 1, 3, 7]):
        same_sheets(salon, later, monkeypatch)
    salon.ok("client", "add", "新朋友", "--phone", "13800009999",
                     "--referred-by", "c0007").strip()
    salon.ok("visit", "add", "13800009999", "--service", "补水", today=day)
    same_sheets(salon, day, monkeypatch)
    complaint = salon.ok("complaint", "add", "c0009", "--text", "等太久", today=day).strip()
    same_sheets(salon, day, monkeypatch)
    salon.ok("complaint", "close", complaint.split()[-1], today="2026-11-26")
    for later in days_from(day, [0, 2, 3, 5]):
        same_sheets(salon, later, monkeypatch)
    salon.ok("appointment", "add", "c0010", "--at", "2026-11-28 14:00", today=day)
    same_sheets(salon, "2026-11-27", monkeypatch)
    salon.ok("appointment", "cancel", "c0010", "--at", "2026-11-28 14:00", today=day)
    same_sheets(salon, "2026-11-27", monkeypatch)
    reached = json.loads(salon.ok("call", "list", first, "--format", "json", today=day))[-1]
    salon.ok("call", "void", reached["id"], "--reason", "logged against the wrong client",
             today=day)
    same_sheets(salon, day, monkeypatch)
    visit = json.loads(salon.ok("visit", "list", "c0005", "--format", "json", today=day))[-1]
    salon.ok("visit", "edit", visit["id"], "--set", "date=2026-11-20", today=day)
    for later in days_from(day, [0, 1, 3]):
        same_sheets(salon, later, monkeypatch)
    card = salon.ok("card", "add", "c0006", "--type", "5次卡", "--sessions", "4", "--price", "800",
                    "--until", "2026-12-10", "--date", "2026-11-01", today=day).strip()
    for used in ("2026-11-10", "2026-11-17"):
        salon.ok("visit", "add", "c0006", "--service", "补水", "--card", card, "--date", used,
                 today=day)
    salon.ok("product", "add", "面霜", "--category", "care", "--price", "300", "--days", "20")
    salon.ok("visit", "add", "c0006", "--product", "面霜", "--date", "2026-11-08", today=day)
    for later in days_from(day, [-6, 0, 2, 3]):
        same_sheets(salon, later, monkeypatch)
    salon.ok("card", "top-up", card, "--sessions", "5", today=day)
    same_sheets(salon, "2026-11-26", monkeypatch)
    # Regulars moved in from a spreadsheet, with their old and recent visits.
    people = tmp_path / "people.csv"
    people.write_text("姓名,手机,首次到店\n老客甲,13811110001,\n老客乙,13811110002,2026-11-21\n",
                      encoding="utf-8")
    visits = tmp_path / "visits.csv"
    visits.write_text("手机,日期,项目,产品\n13811110001,2019-03-02,补水,\n"
                      "13811110001,2026-11-21,补水,精华=care\n13811110002,2026-11-21,补水,\n",
                      encoding="utf-8")
    salon.ok("import", "clients", str(people), today=day)
    salon.ok("import", "visits", str(visits), today=day)
    for later in days_from(day, [-3, 0, 1, 74]):
        same_sheets(salon, later, monkeypatch)


def test_edits_by_hand(tmp_path: Path, make_salon: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    salon = generated(tmp_path, make_salon, 5)
    day = "2026-11-24"
    same_sheets(salon, day, monkeypatch)
    # A line edited in the middle of a journal, size and mtime kept: only the digest tells.
    journal = sorted((salon.root / "journal" / "visits").glob("*.yaml"))[-2]
    before = journal.stat()
    text = journal.read_text(encoding="utf-8")
    found = re.search(r"amount: (\d)", text)
    assert found is not None, "the generated visits have no amounts"
    digit = "1" if found[1] != "1" else "2"
    changed = f"{text[:found.start(1)]}{digit}{text[found.end(1):]}"
    assert len(changed.encode()) == len(text.encode()) and changed != text
    journal.write_text(changed, encoding="utf-8")
    os.utime(journal, ns=(before.st_atime_ns, before.st_mtime_ns))
    same_sheets(salon, day, monkeypatch)
    # A line appended by hand to this month's calls.
    calls = salon.root / "journal" / "calls" / "2026-11.yaml"
    who = a_client_due(salon, day)
    with calls.open("a", encoding="utf-8") as out:
        out.write(f"- {{id: k-20261124-900, client: {who}, date: 2026-11-24, outcome: reached}}\n")
    same_sheets(salon, day, monkeypatch)
    # A rule switched off, a closed day added: every client is evaluated again.
    rules = salon.root / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("enabled: true", "enabled: false",
                                                               1), encoding="utf-8")
    same_sheets(salon, day, monkeypatch)
    settings = salon.root / "salon.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "closed_dates: []", "closed_dates: [2026-11-25]"), encoding="utf-8")
    for later in days_from(day, [0, 1, 2]):
        same_sheets(salon, later, monkeypatch)


def test_a_bad_record_is_named_not_served_from_the_store(
        tmp_path: Path, make_salon: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    salon = generated(tmp_path, make_salon, 3)
    day = "2026-11-24"
    same_sheets(salon, day, monkeypatch)
    calls = salon.root / "journal" / "calls" / "2026-11.yaml"
    with calls.open("a", encoding="utf-8") as out:
        out.write("- {id: k-20261124-901, client: c0001, date: 2026-13-40, outcome: reached}\n")
    result = salon("due", day, "--format", "json")
    assert result.code == 65, result.err
    assert "2026-11.yaml" in result.err
    assert not (salon.root / ".cache" / "derived.sqlite3").exists()


def test_a_damaged_store_is_rebuilt(tmp_path: Path, make_salon: Any,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    salon = generated(tmp_path, make_salon, 4)
    day = "2026-11-24"
    same_sheets(salon, day, monkeypatch)
    store = salon.root / ".cache" / "derived.sqlite3"
    with sqlite3.connect(store) as db:  # a result written by someone else's idea of a day
        db.execute("UPDATE clients SET result = '{\"channel\": 1}', quiet_from = NULL")
    same_sheets(salon, day, monkeypatch)
    store.write_bytes(b"not a database at all")
    same_sheets(salon, day, monkeypatch)
    assert store.stat().st_mode & 0o077 == 0, "the store is readable by others"


def same_output(salon: Salon, monkeypatch: pytest.MonkeyPatch, *args: str,
                today: str | None = None, code: int = 0) -> str:
    """A command's output through the store equals its output from the files alone."""
    with monkeypatch.context() as patch:
        patch.setenv("SALONCTL_NO_DERIVED", "1")
        from_files = salon(*args, today=today)
    through_store = salon(*args, today=today)
    assert (through_store.code, through_store.out, through_store.err) == \
        (from_files.code, from_files.out, from_files.err), f"the store changed {args}"
    assert through_store.code == code, through_store.err
    return through_store.out + through_store.err


def test_a_merge_through_the_store(tmp_path: Path, make_salon: Any,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A merge moves a client's history and her guests to another in the store as in the
    files; an entry still naming the second record, and an unmerge, too."""
    salon = generated(tmp_path, make_salon, 12)
    day = "2026-11-24"
    same_sheets(salon, day, monkeypatch)
    same_output(salon, monkeypatch, "plan", "year", "2027", "--format", "json")
    second = a_client_due(salon, day)
    found = re.search(r"referred_by: (c\d+)", salon.read("clients/0000.yaml"))
    assert found is not None, "the generated salon has no guests"
    referrer = found[1]
    kept = next(c for c in ("c0003", "c0004", "c0005") if c not in (second, referrer))
    salon.ok("client", "merge", kept, second, today=day)
    salon.ok("client", "merge", kept, referrer, today=day)  # her guests are the kept one's
    for later in days_from(day, [0, 1, 5]):
        same_sheets(salon, later, monkeypatch)
    for wanted in (second, referrer, kept):
        shown = same_output(salon, monkeypatch, "client", "show", wanted, "--format", "json")
        assert json.loads(shown.partition("\nnote:")[0])["id"] == kept
        same_output(salon, monkeypatch, "why", wanted, today=day)
    same_output(salon, monkeypatch, "plan", "year", "2027", "--format", "json")
    same_output(salon, monkeypatch, "client", "list", "--format", "json")
    # A desk that had not heard of the merge logs a call against the second record.
    with (salon.root / "journal" / "calls" / "2026-11.yaml").open("a", encoding="utf-8") as out:
        out.write(f"- {{id: k-20261124-900, client: {second}, date: 2026-11-24, "
                  "outcome: reached}\n")
    same_sheets(salon, day, monkeypatch)
    salon.ok("client", "unmerge", referrer)
    for later in days_from(day, [0, 1]):
        same_sheets(salon, later, monkeypatch)
    same_output(salon, monkeypatch, "plan", "year", "2027", "--format", "json")


def test_lookups_through_the_store(tmp_path: Path, make_salon: Any,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    salon = generated(tmp_path, make_salon, 8)
    day = "2026-11-24"
    salon.ok("due", day)  # the store is built
    referrer = "c0007"
    salon.ok("client", "add", "Anna Lee", "--phone", "138 0000 7777", "--referred-by", referrer)
    salon.ok("client", "add", "Anna Lee", "--phone", "13800007778")
    salon.ok("visit", "add", "13800007777", "--service", "补水", today=day)
    for wanted in ("c0005", referrer, "13800007778", "138-0000-7777"):
        shown = same_output(salon, monkeypatch, "client", "show", wanted, "--format", "json")
        assert json.loads(shown)["phone"], f"client show {wanted} showed no client"
        same_output(salon, monkeypatch, "why", wanted)
        same_output(salon, monkeypatch, "why", wanted, "--format", "json")
    twice = same_output(salon, monkeypatch, "client", "show", "anna lee", code=2)
    assert "matches 2 clients" in twice
    unknown = same_output(salon, monkeypatch, "client", "show", "Ann", code=2)
    assert "did you mean" in unknown and "Anna Lee" in unknown
    for row in sheet(salon, day, monkeypatch, files_only=True)[:12]:  # on the sheet or held
        same_output(salon, monkeypatch, "why", row["client"], today=day)
    for text in ("anna", "7777", "Lee", "zzz"):
        same_output(salon, monkeypatch, "client", "find", text, "--format", "json")


def test_a_broken_month_elsewhere_does_not_stop_a_visit(
        tmp_path: Path, make_salon: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    salon = generated(tmp_path, make_salon, 12)
    day = "2026-11-24"
    same_sheets(salon, day, monkeypatch)
    old = sorted((salon.root / "journal" / "calls").glob("*.yaml"))[0]
    with old.open("a", encoding="utf-8") as out:
        out.write("- {id: k-broken, client: c0001, date: 2099-99-99, outcome: reached}\n")
    salon.ok("visit", "add", "c0005", "--service", "补水", today=day)
    assert "client: c0005" in salon.read("journal/visits/2026-11.yaml").splitlines()[-1]
    sheet_run = salon("due", day)
    assert sheet_run.code == 65 and old.name in sheet_run.err


def test_plans_through_the_store(tmp_path: Path, make_salon: Any,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    salon = generated(tmp_path, make_salon, 9)
    day = "2026-11-24"
    for _ in range(2):  # forecasts made, then kept
        same_output(salon, monkeypatch, "plan", "year", "2027", "--format", "json", today=day)
    salon.ok("visit", "add", "c0004", "--service", "补水", "--amount", "1280", today=day)
    salon.ok("client", "add", "新客", "--phone", "13800001234", "--birthday", "1990-03-03")
    salon.ok("appointment", "add", "c0006", "--at", "2027-01-05 10:00", today=day)
    plan = same_output(salon, monkeypatch, "plan", "year", "2027", "--format", "json")
    assert json.loads(plan)["months"], "the plan has no months"
    for later in days_from(day, [-60, -31, -7, 0, 1, 5, 30, 45, 3]):  # kept across days
        for year in ("2026", "2027"):
            same_output(salon, monkeypatch, "plan", "year", year, "--format", "json", today=later)
    same_output(salon, monkeypatch, "plan", "year", "2026", "--format", "json")


def test_a_store_that_cannot_be_written_costs_nothing_but_time(
        tmp_path: Path, make_salon: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a run works out is noted in the store; when the store cannot take it (here a
    read-only connection, as with a full disk), the run goes on and nothing is noted."""
    from salonctl.index import derived

    salon = generated(tmp_path, make_salon, 13)
    day = "2026-11-24"
    same_sheets(salon, day, monkeypatch)
    path = salon.root / ".cache" / "derived.sqlite3"
    read_only = derived.Derived(salon.root, sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    someone = read_only.all_ids()[0]
    later = date(2026, 12, 1)
    read_only.remember(later, {someone: date(2026, 12, 9)}, {})
    span = "2027-01-01|2027-12-31"
    read_only.remember_forecasts(span, later, {someone: ({date(2027, 1, 5)}, date(2027, 1, 1))})
    read_only.forget([someone])
    assert read_only.unsettled(later) == derived.Derived(
        salon.root, sqlite3.connect(path)).unsettled(later), "a read-only store was written"
    assert not read_only.forecasts(span, later)


def test_a_store_built_by_a_strict_command_still_names_an_entry_of_nobody(
        tmp_path: Path, make_salon: Any) -> None:
    salon = generated(tmp_path, make_salon, 14)
    day = "2026-11-24"
    salon.ok("visit", "add", "c0003", "--service", "补水", today=day)
    bucket = salon.root / "clients" / "0000.yaml"
    text = bucket.read_text(encoding="utf-8")
    start = text.index("- id: c0003\n")
    end = text.index("- id: c0004\n")
    bucket.write_text(text[:start] + text[end:], encoding="utf-8")  # her record taken out
    shown = salon("client", "show", "c0005")  # a command that reads the files first
    assert "c0005" in shown.out and "referred_by 'c0003' is not a client" in shown.err
    sheet_run = salon("due", day)
    assert sheet_run.code == 65, sheet_run.err
    assert "'c0003' is not a client" in sheet_run.err
    assert salon("client", "add", "X", "--phone", "0699999998", "--id", "c0003").code == 2
