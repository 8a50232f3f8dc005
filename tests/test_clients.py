from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import Salon

CLIENT_KEYS = [
    "id", "name", "phone", "gender", "birthday", "birthday_month_day", "lunar_birthday", "lunar_leap",
    "category",
    "key", "referred_by", "source", "consultant", "channel", "email", "do_not_contact",
    "skin_type", "allergies", "preferences", "hobbies", "note", "since", "salutation",
]
HISTORY_KEYS = ["visits", "sales", "appointments", "cards", "courses", "calls", "complaints"]


def test_add_prints_only_the_id_and_keeps_the_phone_as_typed(salon: Salon) -> None:
    result = salon("client", "add", "王丽", "--phone", "0612345670")
    assert (result.code, result.out, result.err) == (0, "c0001\n", "")
    shown = json.loads(salon.ok("client", "show", "c0001", "--format", "json"))
    assert shown["phone"] == "0612345670"
    assert "name: 王丽\n" in salon.read("clients/0000.yaml")  # readable, not \u escapes


def test_show_json_is_the_profile_plus_named_history(salon: Salon) -> None:
    salon.ok("client", "add", "Li Na", "--phone", "+86 138 0013 8000", "--id", "lina",
             "--gender", "female", "--lunar-birthday", "04-30", "--lunar-leap", "--key",
             "--consultant", "小周", "--channel", "wechat", "--note", "likes: jasmine tea")
    salon.ok("visit", "add", "lina", "--date", "2026-11-02", "--service", "补水",
             "--product", "玻尿酸精华=care", "--amount", "380.5", "--by", "小周")
    shown = json.loads(salon.ok("client", "show", "lina", "--format", "json"))
    assert list(shown) == [*CLIENT_KEYS, "spend_12m", "visits_12m", "tier", *HISTORY_KEYS]
    assert {k: shown[k] for k in ("id", "phone", "gender", "lunar_birthday", "lunar_leap",
                                  "key", "channel", "note", "since")} == {
        "id": "lina", "phone": "+86 138 0013 8000", "gender": "female",
        "lunar_birthday": "04-30", "lunar_leap": True, "key": True, "channel": "wechat",
        "note": "likes: jasmine tea", "since": "2026-11-24",
    }
    assert shown["visits"] == [{
        "id": "v-20261102-1", "date": "2026-11-02", "services": ["补水"],
        "products": [{"name": "玻尿酸精华", "category": "care"}], "amount": 380.5, "by": "小周",
        "card": None,
    }]
    assert shown["sales"] == [
        {"date": "2026-11-02", "visit": "v-20261102-1", "product": "玻尿酸精华", "category": "care"}
    ]


def test_list_json_is_a_list_of_client_objects(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    salon.ok("client", "add", "Anna", "--phone", "0698765432", "--referred-by", "王丽",
             "--category", "guest")
    listed = json.loads(salon.ok("client", "list", "--format", "json"))
    assert [list(c) for c in listed] == [CLIENT_KEYS, CLIENT_KEYS]
    assert [(c["id"], c["referred_by"], c["category"]) for c in listed] == [
        ("c0001", None, "new"), ("c0002", "c0001", "guest"),
    ]


def test_list_csv_keeps_phones_as_typed(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "+8613800138000")
    lines = salon.ok("client", "list", "--format", "csv").splitlines()
    assert lines[0].split(",")[:3] == ["id", "name", "phone"]
    assert lines[1].startswith("c0001,王丽,+8613800138000,")


@pytest.mark.parametrize("bad_id", ["../x", "a b", "x/y", "", "é"])
def test_a_bad_id_touches_no_file(salon: Salon, bad_id: str) -> None:
    before = sorted(p.name for p in salon.root.rglob("*"))
    result = salon("client", "add", "王丽", "--phone", "0612345670", "--id", bad_id)
    assert result.code == 2
    assert result.err == (
        f"salonctl: --id: {bad_id!r} is not a valid id; use 1-64 letters, digits, '-' or '_'\n"
    )
    assert sorted(p.name for p in salon.root.rglob("*")) == before


def test_add_rejects_bad_values_naming_the_argument(salon: Salon) -> None:
    cases = {
        # a phone shows at most its last 4 characters, a birthday or an address not at all
        ("--phone", "13800 call me"): "--phone: '…l me' is not a phone number",
        ("--birthday", "1990-02-30"): "--birthday: not a birthday salonctl can read",
        ("--lunar-birthday", "13-01"): "--lunar-birthday: a lunar month is 1-12",
        ("--category", "vip"): "--category: 'vip' is not one of: new, member, guest",
        ("--email", "nobody@home"): "--email: '…@home' is not an e-mail address",
        ("--referred-by", "nobody"): "--referred-by: no client 'nobody'",
    }
    for (flag, value), message in cases.items():
        args = ["client", "add", "王丽", "--phone", "0612345670", flag, value]
        if flag == "--phone":
            args = ["client", "add", "王丽", "--phone", value]
        result = salon(*args)
        assert result.code == 2, flag
        assert result.err.startswith(f"salonctl: {message}"), result.err
        assert value not in result.err or flag not in ("--phone", "--birthday", "--email")
    assert salon.read("clients/0000.yaml") if (salon.root / "clients/0000.yaml").exists() else True
    assert json.loads(salon.ok("client", "list", "--format", "json")) == []


def test_a_given_id_must_be_free(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670", "--id", "wang")
    result = salon("client", "add", "王芳", "--phone", "0612345671", "--id", "wang")
    assert result.code == 2
    assert result.err == "salonctl: --id: 'wang' is or was a client's id; choose another\n"


def test_client_is_found_by_id_phone_or_unique_name(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "138 0013 8000")
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    salon.ok("client", "add", "Anna", "--phone", "0698765432")
    assert json.loads(salon.ok("client", "show", "13800138000", "--format", "json"))["id"] == "c0001"
    assert json.loads(salon.ok("client", "show", "anna", "--format", "json"))["id"] == "c0003"
    ambiguous = salon("client", "show", "王丽")
    assert ambiguous.code == 2
    assert ambiguous.err == (
        "salonctl: CLIENT: '王丽' matches 2 clients; give the id instead:\n"
        "  c0001  王丽  phone …8000\n"
        "  c0002  王丽  phone …5670\n"
    )


def test_find_searches_name_phone_and_note(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670", "--note", "对芒果过敏")
    salon.ok("client", "add", "Anna", "--phone", "0698765432")
    found = lambda text: [c["id"] for c in json.loads(  # noqa: E731
        salon.ok("client", "find", text, "--format", "json"))]
    assert found("芒果") == ["c0001"]
    assert found("98765") == ["c0002"]
    assert found("ANN") == ["c0002"]
    assert found("zzz") == []


def test_edit_set_changes_fields_and_validates(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670", "--note", "old")
    salon.ok("client", "edit", "c0001", "--set", "key=yes", "--set", "note=",
             "--set", "birthday=1990-03-02")
    shown = json.loads(salon.ok("client", "show", "c0001", "--format", "json"))
    assert (shown["key"], shown["note"], shown["birthday"]) == (True, None, "1990-03-02")
    bad = salon("client", "edit", "c0001", "--set", "birthday=1990-02-30")
    assert bad.code == 2
    assert bad.err.startswith("salonctl: --set birthday: not a birthday salonctl can read")
    assert "1990" not in bad.err  # a birthday is never repeated on stderr
    unknown = salon("client", "edit", "c0001", "--set", "shoe=38")
    assert unknown.code == 2 and "'shoe=38' is not FIELD=VALUE with a known field" in unknown.err
    assert salon("client", "edit", "c0001", "--set", "id=x").code == 2


def _editor(tmp_path: Path, replacement: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\n"
        f"pathlib.Path(sys.argv[1]).write_text({replacement!r}, encoding='utf-8')\n"
    )
    return f"{sys.executable} {script}"


def test_edit_in_editor_keeps_a_valid_edit(salon: Salon, tmp_path: Path, monkeypatch) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "id: c0001\nname: 王丽\nphone: '0612345679'\n"))
    salon.ok("client", "edit", "c0001")
    assert json.loads(salon.ok("client", "show", "c0001", "--format", "json"))["phone"] == "0612345679"


def test_edit_in_editor_never_keeps_an_invalid_edit(salon: Salon, tmp_path: Path,
                                                    monkeypatch) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    before = salon.read("clients/0000.yaml")
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "id: c0001\nname: 王丽\nphone: 0612345671\n"))
    result = salon("client", "edit", "c0001")
    assert result.code == 65
    assert result.err == (
        "c0001 (your edit):3:8: phone: must be written in quotes ('...'): YAML reads it "
        "as a number, which loses how the phone number was typed\n"
        "the edit was not kept; the client is unchanged\n"
    )
    assert salon.read("clients/0000.yaml") == before
