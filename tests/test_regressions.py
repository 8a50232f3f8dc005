"""Every hole found under bad input (issue 10), each a case: a bad value is refused where it
is typed or named at its line, one bad record costs its client and not the salon, nothing is
written through a link, and an id is never handed out twice."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from conftest import Salon, run
from test_rules import clients, history

WANG = """
- {id: c0001, name: 王丽, phone: '13800000001', gender: female, consultant: 小李}
- {id: c0002, name: 李娜, phone: '13800000002', gender: female, consultant: 小李}
"""


def test_an_emptied_client_file_never_gives_her_history_to_someone_new(salon: Salon) -> None:
    clients(salon, WANG)
    salon.ok("visit", "add", "c0001", "--service", "补水")
    salon.ok("call", "log", "c0002", "--outcome", "reached")
    salon.write("clients/0000.yaml", "")
    assert salon.ok("client", "add", "Brand New", "--phone", "0699999999") == "c0003\n"
    shown = json.loads(salon.ok("client", "show", "c0003", "--format", "json"))
    assert shown["visits"] == []
    check = salon("check")
    assert check.code == 65 and "client 'c0001' is not a client" in check.err
    assert salon("client", "add", "X", "--phone", "0699999998", "--id", "c0001").code == 2


@pytest.mark.parametrize(("args", "message"), [
    (("visit", "add", "c0001", "--amount", "1e4300"), "--amount: '1e4300' is not an amount"),
    (("visit", "add", "c0001", "--amount", "1e200000000"), "--amount: '1e200000000' is not"),
    (("visit", "add", "c0001", "--amount", "-5"), "--amount: '-5' is not an amount"),
    (("visit", "add", "c0001", "--amount", "10000000.01"), "is more than 10,000,000"),
    (("visit", "add", "c0001", "--amount", "9.999"), "at most 2 decimals"),
    (("course", "add", "c0001", "--name", "x", "--start", "0001-01-01", "--end", "9999-12-31"),
     "--start: 0001-01-01 is outside the days salonctl keeps (1900-01-01 to 2199-12-31)"),
    (("card", "add", "c0001", "--type", "x", "--sessions", "100000000000000000000"),
     "--sessions: must be a whole number from 0 to 10000"),
    (("call", "log", "c0001", "--outcome", "reached", "--note", "x" * 2001),
     "--note: is 2,001 characters long; at most 2,000"),
    (("call", "log", "c0001", "--outcome", "reached", "--by", "a\x1b[2Jb"),
     "--by: contains a control character (U+001B)"),
    (("client", "add", "\udcff\udcfe", "--phone", "0612345679"),
     "NAME: contains bytes that are not UTF-8 text"),
    (("client", "edit", "c0001", "--set", "referred_by=c9999"), "'c9999' is not a client"),
    (("--today", "9999-12-31", "due"), "--today: 9999-12-31 is outside the days"),
    (("--today", "0001-01-01", "due"), "--today: 0001-01-01 is outside the days"),
    (("--today", "", "due"), "--today: '' is not a day"),
    (("due", "--missed", "--since", "0001-01-01"), "--since: 0001-01-01 is outside the days"),
    (("plan", "month", "9999-12"), "9999-12-01 is outside the days"),
    (("plan", "month", "2199-12"), "2199-12 is outside the plans' years"),
    (("plan", "year", "--target", "1e4300"), "--target: '1e4300' is not an amount"),
])
def test_a_value_out_of_bounds_is_refused_where_it_is_typed(salon: Salon, args: tuple[str, ...],
                                                            message: str) -> None:
    clients(salon, WANG)
    before = {p: p.read_bytes() for p in salon.root.rglob("*.yaml")}
    result = salon(*args)
    assert result.code == 2, result.err
    assert message in result.err and "Traceback" not in result.err
    assert {p: p.read_bytes() for p in salon.root.rglob("*.yaml")} == before
    assert salon("check").code == 0  # nothing a command refused was written


@pytest.mark.parametrize(("line", "message"), [
    ("amount: 1.0e4300}", "is not an amount"),
    ("amount: -5}", "'-5' is not an amount"),
    ("amount: 0x10}", "0x10 is not an amount; write it in plain digits"),
    ("by: " + "[" * 24 + "x" + "]" * 24 + "}", "nested more than 20 deep"),
    ("by: " + "[" * 900 + "]" * 900 + "}", "nested more than 20 deep"),
])
def test_a_bad_value_in_a_journal_costs_its_client_only(salon: Salon, line: str, message: str) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20261123-1, client: c0002, date: 2026-11-23, products: [{name: 精华, category: care}]}
    """)
    path = salon.root / "journal/visits/2024-03.yaml"
    path.write_text("- {id: v-20240301-1, client: c0001, date: 2024-03-01, " + line + "\n")
    salon.only("purchase-1-3-7")
    check = salon("check")
    assert check.code == 65 and f"{path}:1:" in check.err and message in check.err
    due = salon("due", "2026-11-24", "--format", "json")
    assert due.code == 65  # cron notices
    assert [row["client"] for row in json.loads(due.out)] == ["c0002"]  # the others still get calls
    assert due.err.count(f"{path}:1:") == 1
    table = salon("due", "2026-11-24")
    assert table.out.startswith(f"无法安排 王丽 (c0001)：请修改 {path}:1")


def test_a_client_with_a_bad_field_is_named_and_the_rest_are_called(salon: Salon) -> None:
    clients(salon, WANG.replace("gender: female, consultant: 小李}\n- {id: c0002",
                                "gender: femal, consultant: 小李}\n- {id: c0002"))
    history(salon, "visits", """
        - {id: v-20261123-1, client: c0002, date: 2026-11-23, products: [{name: 精华, category: care}]}
    """)
    salon.only("purchase-1-3-7")
    due = salon("due", "2026-11-24")
    assert due.code == 65
    assert due.out.splitlines()[0] == (f"无法安排 c0001：请修改 {salon.root}/clients/0000.yaml:1"
                                       "（salonctl check 查看详情）")
    assert "李娜" in due.out
    why = salon("why", "c0001")
    assert why.code == 65 and "gender: 'femal' is not one of" in why.err


def test_a_journal_that_does_not_parse_is_read_line_by_line_and_never_appended_to(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20261123-1, client: c0002, date: 2026-11-23, products: [{name: 精华, category: care}]}
        - {id: v-20261123-2, client: c0001, date: 2026-11-23, products: [{name: 面霜, category: care
    """)
    salon.only("purchase-1-3-7")
    rows = json.loads(salon("due", "2026-11-24", "--format", "json").out)
    assert [r["client"] for r in rows] == ["c0002"]
    path = salon.root / "journal/visits/2026-11.yaml"
    before = path.read_bytes()
    added = salon("visit", "add", "c0002", "--service", "补水")
    assert added.code == 65 and added.err.startswith(f"{path}:")
    assert "nothing was written" in added.err and path.read_bytes() == before


@pytest.mark.parametrize(("file", "text", "message"), [
    ("salon.yaml", None, "public_holidays: 'XX' is not a region"),
    ("rules.yaml", "", "the rules file holds no rules"),
    ("templates/zh-CN/win-back.txt", "\n", "the script is empty"),
    ("journal/calls/2026-11.yaml",
     "- {id: call-20261120-1, client: c0001, date: 2026-11-20, outcome: not-convenient, "
     "callback: 2026-11-19}\n", "callback: 2026-11-19 is not after the call's day 2026-11-20"),
    ("journal/appointments/2026-12.yaml",
     "- {id: a-20261210-1, client: c0001, date: 2026-12-10, time: 1:30}\n",
     "time: must be written in quotes"),
    ("clients/0001.yaml", "- {id: c0001, name: 又一个, phone: '13800000009'}\n",
     "client id 'c0001' is used twice"),
])
def test_check_and_the_commands_agree(salon: Salon, file: str, text: str | None,
                                      message: str) -> None:
    clients(salon, WANG)
    if text is None:
        salon.write(file, salon.read(file).replace("public_holidays: null", "public_holidays: XX"))
    else:
        salon.write(file, text)
    check = salon("check")
    assert check.code == 65 and message in check.err
    due = salon("due", "2026-11-24")
    assert due.code == 65 and message in due.err and "internal error" not in due.err


def test_nothing_is_written_through_a_symbolic_link(salon: Salon, tmp_path: Path) -> None:
    clients(salon, WANG)
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    outside.chmod(0o644)
    journal = salon.root / "journal/visits/2026-11.yaml"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.symlink_to(outside)
    added = salon("visit", "add", "c0001", "--service", "补水")
    assert added.code == 74 and str(journal) in added.err and "symbolic link" in added.err
    lock = salon.root / ".lock"
    lock.unlink(missing_ok=True)
    journal.unlink()
    lock.symlink_to(outside)
    locked = salon("visit", "add", "c0001", "--service", "补水")
    assert locked.code == 74 and "symbolic link" in locked.err
    lock.unlink()
    (salon.root / "clients/0000.yaml").unlink()
    (salon.root / "clients/0000.yaml").symlink_to(outside)
    edited = salon("client", "edit", "c0001", "--set", "note=hi")
    assert edited.code != 0
    assert outside.read_text() == "precious\n" and stat.S_IMODE(outside.stat().st_mode) == 0o644


def test_no_phone_number_in_an_error_and_private_files(salon: Salon) -> None:
    salon.write("clients/0000.yaml", "- {id: c0001, name: 王丽, phone: 0612345670}\n")
    result = salon("check")
    assert result.code == 65 and "0612345670" not in result.err and "103402424" not in result.err
    os.chmod(salon.root / "clients", 0o755)
    warned = salon("check")
    assert "may be read by others" in warned.err
    salon.write("clients/0000.yaml", "- {id: c0001, name: 王丽, phone: '0612345670'}\n")
    assert salon("check", "--fix").code == 0
    assert stat.S_IMODE((salon.root / "clients").stat().st_mode) == 0o700
    assert stat.S_IMODE((salon.root / "clients/0000.yaml").stat().st_mode) == 0o600
    assert salon("check").err == ""


def test_hand_comments_are_kept_aside_with_a_word(salon: Salon) -> None:
    salon.write("clients/0000.yaml", "# 老顾客，注意过敏\n- {id: c0001, name: 王丽, phone: '0612345670'}\n")
    edited = salon("client", "edit", "c0001", "--set", "note=hi")
    assert edited.code == 0 and "comment line(s) were moved to" in edited.err
    assert "老顾客，注意过敏" in salon.read("clients/0000.yaml.comments")
    again = salon("client", "edit", "c0001", "--set", "note=ho")
    assert again.err == ""  # said once: the file has no comments left


def test_a_waiting_writer_says_so_and_gives_up(salon: Salon, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    clients(salon, WANG)
    monkeypatch.setattr("salonctl.disk.lock.NOTICE_SECONDS", 0.1)
    monkeypatch.setenv("SALONCTL_LOCK_WAIT", "0.5")
    fd = os.open(salon.root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    (salon.root / ".lock-holder").write_bytes(b"'salonctl visit add' (pid 1)")
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        busy = salon("visit", "add", "c0001", "--service", "补水")
    finally:
        os.close(fd)
    assert busy.code == 75
    first, second = busy.err.splitlines()
    assert first.startswith("salonctl: waiting for 'salonctl visit add' (pid 1) to finish writing")
    assert "the salon is busy" in second


def test_the_default_wait_is_thirty_seconds_with_a_word_after_two() -> None:
    from salonctl.disk import lock
    from salonctl.files import store

    assert store.LOCK_WAIT_SECONDS == 30 and lock.NOTICE_SECONDS == 2


def test_a_new_salon_made_from_a_copy_keeps_working(tmp_path: Path) -> None:
    root = tmp_path / "s"
    assert run("init", str(root)).code == 0
    assert run("--data", str(root), "check").code == 0


def test_the_cache_an_append_keeps_warm_reads_like_the_files(salon: Salon) -> None:
    import shutil

    clients(salon, WANG)
    salon.ok("visit", "list")  # the caches are written
    for n in range(3):
        salon.ok("visit", "add", "c0001", "--service", f"补水{n}", "--amount", "99.5")
        salon.ok("call", "log", "c0002", "--outcome", "no-answer")
    warm = [salon.ok(kind, "list", "--format", "json") for kind in ("visit", "call")]
    shutil.rmtree(salon.root / ".cache")
    assert [salon.ok(kind, "list", "--format", "json") for kind in ("visit", "call")] == warm
    assert len(json.loads(warm[0])) == 3
