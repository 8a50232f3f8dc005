"""One bad thing costs only itself: a record that does not read costs its client, a file in
another encoding its own records, named once; the rest of the salon works as before, and
`check` says the same of the same files whatever .cache/ holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import Salon

from salonctl.files import store

BROKEN = {  # ways a hand edit breaks one line, each a different YAML failure
    "tab": lambda line: line.replace("  ", "\t", 1),
    "duplicate key": lambda line: line + "\n" + line if ":" in line else line + ": x",
    "unclosed quote": lambda line: line.replace(": ", ": '", 1),
    "stray colon": lambda line: line + " :: x",
    "bad date": lambda line: line.replace("2026-", "2026-13-", 1) if "2026-" in line else line + " [",
}


@pytest.fixture
def three(salon: Salon) -> Salon:
    for n in (1, 2, 3):
        salon.ok("client", "add", f"客{n}", "--phone", f"1380000000{n}", "--gender", "female")
        salon.ok("visit", "add", f"c000{n}", "--product", "精华=care", "--date", "2026-11-23")
    return salon


def _break_record(salon: Salon, client: str) -> str:
    """A duplicate key in one client's record; the record's text as it now stands."""
    text = salon.read("clients/0000.yaml")
    start = text.index(f"- id: {client}\n")
    end = text.index("- id:", start + 1)
    bad = text[start:end].replace("  phone:", "  name: 又一个名字\n  phone:")
    salon.write("clients/0000.yaml", text[:start] + bad + text[end:])
    return bad


def test_a_bad_client_record_costs_her_and_no_neighbour(three: Salon) -> None:
    bad = _break_record(three, "c0002")
    listed = three("client", "list", "--format", "json")
    assert listed.code == 65 and "clients/0000.yaml:" in listed.err
    assert [c["id"] for c in json.loads(listed.out)] == ["c0001", "c0003"]
    assert three("client", "show", "c0003").code == 65  # shown, and the bad record named
    shown = three("client", "show", "c0002")
    assert shown.code == 65 and "c0002's record must be mended first" in shown.err
    for args in (("visit", "add", "c0001", "--service", "补水"),
                 ("call", "log", "c0003", "--outcome", "reached"),
                 ("client", "edit", "c0003", "--set", "note=好"),
                 ("client", "add", "客4", "--phone", "13800000004")):
        assert three(*args).code == 65, args  # done, and the bad record named
    assert bad in three.read("clients/0000.yaml")  # kept byte for byte
    assert "note: 好" in three.read("clients/0000.yaml")
    sheet = three("due", "--format", "json")
    on_it = {r["client"] for r in json.loads(sheet.out)}
    assert sheet.code == 65 and "c0001" in on_it and "c0002" not in on_it  # c0003 was reached
    assert three("check").code == 65


def test_a_journal_month_in_another_encoding_costs_its_own_entries(three: Salon) -> None:
    path = three.root / "journal/calls/2026-10.yaml"
    path.write_bytes("- {id: k-20261001-1, client: c0001, date: 2026-10-01, outcome: reached, "
                     "note: 好}\n".encode("gbk"))
    sheet = three("due", "--format", "json")
    assert sheet.code == 65 and sheet.err.count("2026-10.yaml:1:1: not UTF-8 text") == 1
    assert {r["client"] for r in json.loads(sheet.out)} == {"c0001", "c0002", "c0003"}
    assert three("why", "c0002").code == 65
    assert "2026-10.yaml" in three("check").err


def test_a_last_line_typed_without_its_line_end_is_a_record(three: Salon) -> None:
    path = three.root / "journal/calls/2026-11.yaml"
    path.write_text("- {id: k-20261123-9, client: c0001, date: 2026-11-23, outcome: reached}",
                    encoding="utf-8")
    calls = json.loads(three.ok("call", "list", "--format", "json"))
    assert [c["id"] for c in calls] == ["k-20261123-9"]
    logged = three("call", "log", "c0002", "--outcome", "no-answer")
    assert logged.code == 0 and "tidied" not in logged.err and not path.with_suffix(".yaml.torn").exists()
    assert len(json.loads(three.ok("call", "list", "--format", "json"))) == 2


def test_a_journal_saved_with_old_mac_line_ends_keeps_its_month(three: Salon) -> None:
    path = three.root / "journal/calls/2026-10.yaml"
    path.write_bytes(b"- {id: k-20261001-1, client: c0001, date: 2026-10-01, outcome: reached}\r"
                     b"- {id: k-20261002-1, client: c0002, date: 2026-10-02, outcome: reached}\r")
    assert len(json.loads(three.ok("call", "list", "--format", "json"))) == 2
    three.ok("call", "log", "c0003", "--outcome", "reached", "--date", "2026-10-05")
    assert len(json.loads(three.ok("call", "list", "--format", "json"))) == 3
    assert three("check").code == 0


def test_check_says_the_same_with_or_without_the_cache(three: Salon) -> None:
    _break_record(three, "c0002")
    three.write("journal/visits/2026-10.yaml",
                "- {id: v-20261001-1, client: c0099, date: 2026-10-01}\n"
                "- {id: v-20261001-2, client: c0099, date: 2026-10-01}\n"
                "- {id: v-20261001-3, client: c0099, date: 2026-10-01}\n")
    first = three("check")
    three("due")  # fills .cache/ with what reads
    second = three("check")
    shutil.rmtree(three.root / ".cache", ignore_errors=True)
    third = three("check")
    assert first.code == second.code == third.code == 65
    assert first.err == second.err == third.err
    # one cause, one line: the entries of someone who is no client are counted, not listed
    assert first.err.count("c0099") == 1 and "(and 2 more entries of theirs)" in first.err


@pytest.mark.parametrize("how", sorted(BROKEN))
@pytest.mark.parametrize("where", ["clients/0000.yaml", "journal/visits/2026-11.yaml"])
def test_a_broken_line_names_its_own_client_never_a_neighbour(three: Salon, how: str,
                                                              where: str) -> None:
    lines = three.read(where).splitlines()
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        broken = [*lines[:number], BROKEN[how](line), *lines[number + 1:]]
        (three.root / where).write_text("\n".join(broken) + "\n", encoding="utf-8")
        owner = _owner(lines, number, where)
        reading = store.Salon(three.root, lenient=True)
        reading.history()
        reading.clients()
        named = set(reading.affected)
        assert named <= {owner}, (how, where, number, named)
    (three.root / where).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _owner(lines: list[str], number: int, where: str) -> str:
    """The client the line belongs to: her record's id, or the entry's client."""
    if where.startswith("journal"):
        return lines[number].split("client: ")[1].split(",")[0]
    start = max(n for n in range(number + 1) if lines[n].startswith("- id:"))
    return lines[start].removeprefix("- id: ").strip()


def test_a_copy_shows_the_same_salon_after_the_breakage_is_mended(three: Salon,
                                                                   tmp_path: Path) -> None:
    before = three.read("clients/0000.yaml")
    _break_record(three, "c0002")
    three.write("clients/0000.yaml", before)
    assert three("check").code == 0
    assert [c["id"] for c in json.loads(three.ok("client", "list", "--format", "json"))] == [
        "c0001", "c0002", "c0003"]
