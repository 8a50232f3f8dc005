"""A client entered twice, made one with `client merge KEEP SECOND`: the second record's
history is read as the kept client's everywhere (listings, the sheet, `why`, plans), the
journals stay as written, and `client unmerge` gives the second record back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Salon


@pytest.fixture
def twice(salon: Salon) -> Salon:
    """王芳 (c0001), last seen in August, so due for a win-back call on the 24th; and the
    same woman entered again on the 21st with a new phone (c0002): her "first visit"
    makes the calls after a first visit due on the 24th too."""
    salon.ok("client", "add", "王芳", "--phone", "13800000001", "--category", "member",
             today="2026-05-02")
    salon.ok("visit", "add", "c0001", "--service", "补水", "--amount", "298", today="2026-08-20")
    salon.ok("client", "add", "王芳", "--phone", "13900000002", "--birthday", "1990-05-01",
             "--email", "fang@example.com", "--note", "只要微信",
             today="2026-11-21")
    salon.ok("visit", "add", "c0002", "--service", "补水", "--amount", "398", today="2026-11-21")
    return salon


def _visit_ids(salon: Salon, *client: str) -> list[str]:
    return [v["id"] for v in json.loads(salon.ok("visit", "list", *client, "--format", "json"))]


def test_the_second_records_history_is_the_kept_clients(twice: Salon) -> None:
    before = twice.sheets("2026-11-24")["2026-11-24"]
    assert before["c0001"] == ["win-back"] and "first-visit" in before["c0002"]
    journals = {path: twice.read(path) for path in ("journal/visits/2026-08.yaml",
                                                    "journal/visits/2026-11.yaml")}

    said = twice.ok("client", "merge", "c0001", "c0002")

    assert "c0002 王芳 merged into c0001 王芳" in said
    assert "1 journal entry of c0002 is read as c0001's" in said
    assert "undo: salonctl client unmerge c0002" in said
    assert {path: twice.read(path) for path in journals} == journals  # history as written
    assert _visit_ids(twice, "c0001") == ["v-20260820-1", "v-20261121-1"]
    assert [c["id"] for c in json.loads(twice.ok("client", "list", "--format", "json"))] == \
        ["c0001"]
    # She was seen on the 21st: no win-back, and it was not her first visit.
    assert "c0002" not in twice.sheets("2026-11-24").get("2026-11-24", {})
    after = twice.sheets("2026-11-24", 1, "--all").get("2026-11-24", {})
    assert "win-back" not in after.get("c0001", []) and "first-visit" not in after.get("c0001", [])
    assert twice("check").code == 0


def test_the_kept_record_takes_what_only_the_second_says(twice: Salon) -> None:
    said = twice.ok("client", "merge", "c0001", "c0002")
    kept = json.loads(twice.ok("client", "show", "c0001", "--format", "json"))
    assert kept["birthday"] == "1990-05-01" and kept["email"] == "fang@example.com"
    assert kept["phone"] == "13800000001"  # hers stands; the other is kept in her note
    assert kept["note"] == "只要微信 / c0002: 13900000002"
    assert kept["since"] == "2026-05-02" and kept["merged"] == ["c0002"]
    assert "phone: c0001's …0001 stands (c0002 said …0002)" in said


def test_a_wish_not_to_be_called_is_never_lost(twice: Salon) -> None:
    twice.ok("client", "edit", "c0002", "--set", "do_not_contact=true")
    twice.ok("client", "merge", "c0001", "c0002")
    assert json.loads(twice.ok("client", "show", "c0001", "--format", "json"))["do_not_contact"]
    assert twice.sheets("2026-11-24", 7) == {}


def test_the_second_id_and_phone_still_find_her(twice: Salon) -> None:
    twice.ok("client", "merge", "c0001", "c0002")
    for wanted in ("c0002", "13900000002", "王芳"):
        found = twice("client", "show", wanted, "--format", "json")
        assert found.code == 0, found.err
        assert json.loads(found.out)["id"] == "c0001"
    assert "note: c0002 was merged into c0001 (王芳)" in twice("client", "show", "c0002").err
    assert twice.ok("visit", "add", "13900000002", "--service", "补水").strip() == "v-20261124-1"
    assert "v-20261124-1" in _visit_ids(twice, "c0001")
    assert [c["id"] for c in json.loads(twice.ok("client", "find", "0002", "--format", "json"))] \
        == ["c0001"]
    assert "王芳 (c0001)" in twice.ok("why", "c0002")


def test_an_import_naming_the_second_record_lands_on_the_kept_client(
        twice: Salon, tmp_path: Path) -> None:
    twice.ok("client", "merge", "c0001", "c0002")
    rows = tmp_path / "visits.csv"
    rows.write_text("日期,手机,项目,金额\n2026-11-23,13900000002,补水,198\n", encoding="utf-8")
    twice.ok("import", "visits", str(rows))
    assert [v["amount"] for v in json.loads(
        twice.ok("visit", "list", "c0001", "--format", "json"))] == [298, 398, 198]
    people = tmp_path / "clients.csv"
    people.write_text("姓名,手机\n王芳,13900000002\n", encoding="utf-8")
    assert "王芳 is c0001 (same phone)" in twice("import", "clients", str(people)).err


def test_a_dry_run_writes_nothing(twice: Salon) -> None:
    clients = twice.read("clients/0000.yaml")
    result = twice("client", "merge", "c0001", "c0002", "--dry-run")
    assert result.code == 0 and "dry run: nothing was written" in result.err
    assert "c0002 王芳 merged into c0001 王芳" in result.out and "undo" not in result.out
    assert twice.read("clients/0000.yaml") == clients


def test_unmerge_gives_the_second_record_back(twice: Salon) -> None:
    before = twice.sheets("2026-11-24")
    twice.ok("client", "merge", "c0001", "c0002")
    said = twice.ok("client", "unmerge", "c0002")
    assert "c0002 王芳 is a client of her own again" in said
    assert twice.sheets("2026-11-24")["2026-11-24"]["c0002"] == before["2026-11-24"]["c0002"]
    assert _visit_ids(twice, "c0002") == ["v-20261121-1"]
    assert twice("check").code == 0


def test_a_correction_of_the_second_records_visit(twice: Salon) -> None:
    twice.ok("client", "merge", "c0001", "c0002")
    twice.ok("visit", "edit", "v-20261121-1", "--set", "amount=498")
    assert [v["amount"] for v in json.loads(
        twice.ok("visit", "list", "c0001", "--format", "json"))] == [298, 498]
    twice.ok("visit", "void", "v-20261121-1", "--reason", "entered twice")
    assert _visit_ids(twice, "c0001") == ["v-20260820-1"]
    assert twice("check").code == 0


def test_merging_the_kept_client_on_never_chains(twice: Salon) -> None:
    twice.ok("client", "add", "王芳芳", "--phone", "13700000003")
    twice.ok("client", "merge", "c0001", "c0002")
    twice.ok("client", "merge", "c0003", "c0001")
    assert "merged_into: c0003" in twice.read("clients/0000.yaml")
    assert "merged_into: c0001" not in twice.read("clients/0000.yaml")
    assert _visit_ids(twice, "c0003") == ["v-20260820-1", "v-20261121-1"]
    assert twice("check").code == 0


@pytest.mark.parametrize(("args", "says"), [
    (("merge", "c0001", "c0001"), "KEEP and SECOND are the same client (c0001)"),
    (("merge", "c0001", "c0009"), "SECOND: no client 'c0009'"),
    (("unmerge", "c0001"), "SECOND: 'c0001' is not a record merged into another"),
    (("edit", "c0002", "--set", "merged_into=c0001"), "set by `salonctl client merge`"),
])
def test_what_a_merge_refuses(twice: Salon, args: tuple[str, ...], says: str) -> None:
    clients = twice.read("clients/0000.yaml")
    result = twice("client", *args)
    assert result.code == 2 and says in result.err, result.err
    assert twice.read("clients/0000.yaml") == clients


def test_a_record_merged_already_is_not_merged_again(twice: Salon) -> None:
    twice.ok("client", "merge", "c0001", "c0002")
    result = twice("client", "merge", "c0001", "c0002")
    assert result.code == 2 and "SECOND: c0002 was merged into c0001 already" in result.err


@pytest.mark.parametrize(("written", "says"), [
    ("c0009", "merged_into 'c0009' is not a client"),
    ("c0002", "merged_into names the client herself"),
])
def test_check_names_a_merge_that_does_not_hold(twice: Salon, written: str, says: str) -> None:
    path = twice.root / "clients" / "0000.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  note: 只要微信\n", f"  note: 只要微信\n  merged_into: {written}\n"),
                    encoding="utf-8")
    result = twice("check")
    assert result.code == 65 and "clients/0000.yaml:" in result.err and says in result.err
    # The sheet reads her as a client of her own and names the problem.
    sheet = twice("due", "2026-11-24", "--format", "json")
    assert "c0002" in {row["client"] for row in json.loads(sheet.out)}
    assert says in sheet.err


def test_in_the_salons_language(twice: Salon) -> None:
    twice.lang = None  # the salon's own: zh-CN
    said = twice.ok("client", "merge", "c0001", "c0002")
    assert "c0002 王芳 已并入 c0001 王芳" in said
