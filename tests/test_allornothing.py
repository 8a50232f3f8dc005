"""A command that writes several files changes all of them or none, even when it is killed
(SIGKILL, through the test-only SALONCTL_FAULT hook) between two of its writes: after the
next command, the salon holds the whole change or nothing of it, and running the command
again gives it once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Salon
from test_crash import _run
from test_mail import Inbox, configure
from test_mail import smtp as smtp

from salonctl.files import store


def _members(salon: Salon) -> dict[str, str]:
    return {c["id"]: c["category"] for c in json.loads(salon.ok("client", "list", "--format", "json"))}


def _cards(salon: Salon) -> list[str]:
    return [c["client"] for c in json.loads(salon.ok("card", "list", "--format", "json"))]


@pytest.mark.parametrize("point", ["after-temp-write", "after-fsync", "before-rename"])
def test_a_card_sale_killed_before_the_membership_is_undone_then_sold_once(
        salon: Salon, point: str) -> None:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    sale = ["card", "add", "c0001", "--type", "十次卡", "--sessions", "10", "--price", "1980"]
    killed = _run(salon.root, sale, f"{point}:kill:clients/")
    assert killed.returncode == -9
    assert (salon.root / ".intent").exists()
    listed = salon("client", "list", "--format", "json")  # a reader: it settles first
    assert "undid what an interrupted `salonctl card add` had begun" in listed.err
    assert _cards(salon) == [] and _members(salon) == {"c0001": "new"}
    again = _run(salon.root, sale, None)  # the desk runs it again, as it should
    assert again.returncode == 0, again.stderr
    assert _cards(salon) == ["c0001"] and _members(salon) == {"c0001": "member"}
    assert store.Salon(salon.root).problems() == []


def test_a_merge_across_two_client_files_killed_midway_is_undone(salon: Salon) -> None:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    salon.write("clients/0001.yaml", "- id: c1001\n  name: 王芳\n  phone: '13800000009'\n")
    before = {p: p.read_bytes() for p in (salon.root / "clients").glob("*.yaml")}
    killed = _run(salon.root, ["client", "merge", "c0001", "c1001"], "before-rename:kill:0001")
    assert killed.returncode == -9
    salon.ok("client", "list")
    assert {p: p.read_bytes() for p in (salon.root / "clients").glob("*.yaml")} == before
    salon.ok("client", "merge", "c0001", "c1001")
    assert "merged_into: c0001" in salon.read("clients/0001.yaml")


def test_an_import_killed_midway_leaves_nothing_and_runs_again_once(
        salon: Salon, tmp_path: Path) -> None:
    people = tmp_path / "clients.csv"
    people.write_text("name,phone\n" + "".join(f"客{n},1380000{n:04d}\n" for n in range(40)),
                      encoding="utf-8")
    salon.ok("import", "clients", str(people))
    visits = tmp_path / "visits.csv"
    visits.write_text("phone,date,services,amount\n" + "".join(
        f"1380000{n % 40:04d},2026-{1 + n % 10:02d}-{1 + n % 28:02d},补水,{100 + n}\n"
        for n in range(600)), encoding="utf-8")
    killed = _run(salon.root, ["import", "visits", str(visits)], "mid-append:kill:2026-06")
    assert killed.returncode == -9
    assert json.loads(salon.ok("visit", "list", "--format", "json")) == []  # undone, all of it
    assert "0 already here" in salon("import", "visits", str(visits)).err
    assert len(json.loads(salon.ok("visit", "list", "--format", "json"))) == 600
    rerun = salon("import", "visits", str(visits))  # a second run adds nothing
    assert rerun.code == 0 and "0 to add, 600 already here" in rerun.err
    assert len(json.loads(salon.ok("visit", "list", "--format", "json"))) == 600


def test_an_import_refuses_a_visit_dated_in_the_future(salon: Salon, tmp_path: Path) -> None:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    visits = tmp_path / "visits.csv"
    visits.write_text("phone,date,services\n13800000001,2030-01-01,补水\n", encoding="utf-8")
    refused = salon("import", "visits", str(visits))
    assert refused.code == 65 and "dated 2030-01-01, after today" in refused.err


def test_a_mail_run_killed_after_the_server_took_it_sends_it_again_with_its_id(
        salon: Salon, smtp: Any) -> None:
    inbox = Inbox()
    configure(salon, smtp(inbox))
    salon.ok("client", "add", "王芳", "--phone", "13800000001", "--consultant", "小李")
    salon.ok("visit", "add", "c0001", "--product", "精华=care", "--date", "2026-11-23")
    killed = _run(salon.root, ["mail", "today", "--to", "owner@example.com"], "after-send:kill")
    assert killed.returncode == -9 and len(inbox.messages) == 1
    again = _run(salon.root, ["mail", "today", "--to", "owner@example.com"], None)
    assert again.returncode == 0, again.stderr
    assert "a run was stopped while sending the 2026-11-24 sheet; sending it again with the " \
           "same Message-ID" in again.stderr
    assert [m["Message-ID"] for m in inbox.messages] == [inbox.messages[0]["Message-ID"]] * 2
    third = _run(salon.root, ["mail", "today", "--to", "owner@example.com"], None)
    assert third.returncode == 0 and len(inbox.messages) == 2  # sent: once a day
