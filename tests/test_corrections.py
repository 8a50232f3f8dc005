"""Mistakes undone by appending a correction: the journal keeps what was written, every
listing and the call sheet read the entry as corrected."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Salon


@pytest.fixture
def first_visit(salon: Salon) -> Salon:
    """王芳's first visit on the 21st: three days later (the 24th) she is due for the calls
    after a first visit and a service."""
    salon.ok("client", "add", "王芳", "--phone", "13800000001", today="2026-11-21")
    salon.ok("visit", "add", "c0001", "--service", "补水", "--amount", "298", today="2026-11-21")
    return salon


DUE_FOR_THE_VISIT = {"2026-11-24": {"c0001": ["first-visit", "new-client-1-3-7", "after-service"]}}


def _visits(salon: Salon) -> list[dict[str, object]]:
    return json.loads(salon.ok("visit", "list", "--format", "json"))  # type: ignore[no-any-return]


def test_void_takes_a_visit_out_of_the_listing_and_the_sheet(first_visit: Salon) -> None:
    assert first_visit.sheets("2026-11-24") == DUE_FOR_THE_VISIT
    journal = first_visit.read("journal/visits/2026-11.yaml")
    fix = first_visit.ok("visit", "void", "v-20261121-1", "--reason", "entered for the wrong day")
    assert fix.strip() == "fix-20261124-1"
    assert _visits(first_visit) == []
    assert first_visit.sheets("2026-11-24") == {}
    assert first_visit.read("journal/visits/2026-11.yaml") == journal  # history kept as written
    line = first_visit.read("journal/corrections/2026-11.yaml")
    assert "corrects: v-20261121-1" in line and "void: true" in line
    assert first_visit("check").code == 0


def test_edit_changes_what_every_listing_reads(first_visit: Salon) -> None:
    first_visit.ok("visit", "edit", "v-20261121-1", "--set", "amount=680",
                   "--set", "services=补水，按摩", "--reason", "录错金额")
    visit = _visits(first_visit)[0]
    assert (visit["amount"], visit["services"]) == (680, ["补水", "按摩"])
    profile = json.loads(first_visit.ok("client", "show", "c0001", "--format", "json"))
    assert [v["amount"] for v in profile["visits"]] == [680]
    first_visit.ok("visit", "edit", "v-20261121-1", "--set", "amount=700")
    assert _visits(first_visit)[0]["amount"] == 700  # the latest correction wins


def test_a_voided_call_opens_its_reasons_again(first_visit: Salon) -> None:
    call = first_visit.ok("call", "log", "c0001", "--outcome", "reached").strip()
    assert first_visit.sheets("2026-11-24") == {}
    first_visit.ok("call", "void", call, "--reason", "meant 李娜")
    assert first_visit.sheets("2026-11-24") == DUE_FOR_THE_VISIT


@pytest.mark.parametrize(("args", "code", "says"), [
    (("visit", "void", "v-20261121-9", "--reason", "x"), 2, "no visit 'v-20261121-9'"),
    (("visit", "void", "call-20261121-1", "--reason", "x"), 2, "is not the id of a visit"),
    (("visit", "edit", "v-20261121-1", "--set", "client=c0002"), 2, "'client' is not a field"),
    (("visit", "edit", "v-20261121-1", "--set", "amount=lots"), 2, "amount: 'lots' is not"),
    (("visit", "edit", "v-20261121-1", "--set", "date="), 2, "date is needed"),
    (("visit", "edit", "v-20261121-1", "--set", "amount"), 2, "is not FIELD=VALUE"),
])
def test_a_correction_that_cannot_be_is_refused_and_nothing_written(
        first_visit: Salon, args: tuple[str, ...], code: int, says: str) -> None:
    refused = first_visit(*args)
    assert refused.code == code and says in refused.err, refused.err
    assert not (first_visit.root / "journal/corrections/2026-11.yaml").exists()


def test_voided_twice_says_when(first_visit: Salon) -> None:
    first_visit.ok("visit", "void", "v-20261121-1", "--reason", "dup")
    again = first_visit("visit", "void", "v-20261121-1", "--reason", "dup")
    assert again.code == 2 and "was voided on 2026-11-24 (fix-20261124-1)" in again.err


def test_every_kind_can_be_voided(first_visit: Salon) -> None:
    made = {
        "appointment": first_visit.ok("appointment", "add", "c0001", "--at", "2026-11-28 10:00"),
        "card": first_visit.ok("card", "add", "c0001", "--type", "10次卡", "--sessions", "10"),
        "course": first_visit.ok("course", "add", "c0001", "--name", "祛斑疗程",
                                 "--start", "2026-11-24", "--end", "2027-01-24"),
        "complaint": first_visit.ok("complaint", "add", "c0001", "--text", "等太久"),
    }
    for noun, printed in made.items():
        first_visit.ok(noun, "void", printed.strip(), "--reason", "test")
        assert json.loads(first_visit.ok(noun, "list", "--format", "json")) == [], noun


def test_a_hand_written_correction_of_nothing_is_named_by_check(first_visit: Salon) -> None:
    first_visit.write("journal/corrections/2026-11.yaml",
                      "- {id: fix-20261124-1, client: c0001, date: 2026-11-24, "
                      "corrects: v-20261121-7, void: true}\n")
    checked = first_visit("check")
    assert checked.code == 65 and "corrects 'v-20261121-7'" in checked.err
    first_visit.write("journal/corrections/2026-11.yaml",
                      "- {id: fix-20261124-1, client: c0001, date: 2026-11-24, "
                      "corrects: v-20261121-1, changes: {amount: lots}}\n")
    checked = first_visit("check")
    assert checked.code == 65 and "corrections/2026-11.yaml:1:" in checked.err


@pytest.mark.parametrize("through", ["store", "files"])
def test_plans_count_a_visit_as_corrected(salon: Salon, through: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    if through == "files":
        monkeypatch.setenv("SALONCTL_NO_DERIVED", "1")
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    kept = salon.ok("visit", "add", "c0001", "--amount", "300", "--date", "2025-11-03").strip()
    gone = salon.ok("visit", "add", "c0001", "--amount", "999", "--date", "2025-11-04").strip()

    def revenue() -> object:
        year = json.loads(salon.ok("plan", "year", "2026", "--format", "json"))
        november = next(m for m in year["months"] if m["month"] == "2026-11")
        return {h["year"]: h["revenue"] for h in november["history"]}[2025]

    assert revenue() == 1299
    salon.ok("visit", "void", gone, "--reason", "entered twice")
    salon.ok("visit", "edit", kept, "--set", "amount=350")
    assert revenue() == 350


# --- a correction passes the checks an addition passes; check holds the files to them ---


def test_corrections_that_would_break_the_history_are_refused(salon: Salon) -> None:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    salon.ok("client", "add", "李娜", "--phone", "13800000002")
    card = salon.ok("card", "add", "c0001", "--type", "十次卡", "--sessions", "2").strip()
    salon.ok("visit", "add", "c0001", "--service", "补水", "--card", card)
    other = salon.ok("visit", "add", "c0002", "--service", "补水").strip()
    call = salon.ok("call", "log", "c0001", "--outcome", "not-convenient", "--callback",
                    "2026-11-26").strip()
    refused = {
        ("card", card, "sessions=0"): "-1x left, below nothing",
        ("visit", other, f"card={card}"): "which is c0001's, not c0002's",
        ("visit", other, "date=2030-01-01"): "a visit dated 2030-01-01, after today",
        ("call", call, "callback=2026-11-20"): "is not after the call's day",
        ("call", call, "rules=no-such-rule"): "'no-such-rule' is not one of the salon's rules",
    }
    before = {p.name: p.read_bytes() for p in (salon.root / "journal").rglob("*.yaml")}
    for (noun, entry, change), said in refused.items():
        result = salon(noun, "edit", entry, "--set", change)
        assert result.code == 2 and said in result.err and "nothing was written" in result.err
    assert {p.name: p.read_bytes() for p in (salon.root / "journal").rglob("*.yaml")} == before
    assert salon("check").code == 0


def test_check_holds_hand_edits_to_the_same_rules(salon: Salon) -> None:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    salon.ok("client", "add", "李娜", "--phone", "13800000002")
    card = salon.ok("card", "add", "c0001", "--type", "十次卡", "--sessions", "1").strip()
    salon.write("journal/visits/2026-11.yaml",
                f"- {{id: v-20261124-1, client: c0002, date: 2026-11-24, card: {card}}}\n"
                f"- {{id: v-20261124-2, client: c0001, date: 2026-11-24, card: {card}}}\n"
                f"- {{id: v-20261124-3, client: c0001, date: 2026-11-24, card: {card}}}\n")
    salon.write("journal/visits/2030-01.yaml",
                "- {id: v-20300101-1, client: c0001, date: 2030-01-01}\n")
    checked = salon("check")
    assert checked.code == 65
    assert "v-20261124-1: paid with card" in checked.err and "not c0002's" in checked.err
    assert f"card {card}: -2x left, below nothing" in checked.err  # one session, three uses
    assert "v-20300101-1: a visit dated 2030-01-01, after today" in checked.err
