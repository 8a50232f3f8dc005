from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import Salon


def test_a_broken_client_file_names_file_line_and_column(salon: Salon) -> None:
    salon.write("clients/0000.yaml", """
        - id: c0001
          name: 王丽
          phone: 0612345670
    """)
    result = salon("client", "list")
    assert result.code == 65
    assert result.out == "no clients yet\n"  # none of the others: she is the only one
    assert result.err == (
        f"{salon.root}/clients/0000.yaml:3:10: phone: must be written in quotes ('...'): "
        "YAML reads it as a number, which loses how the phone number was typed\n"
    )
    assert "Traceback" not in result.err and "0612345670" not in result.err  # no phone in cron mail


def test_check_lists_every_problem_in_one_run_sorted(salon: Salon) -> None:
    salon.write("clients/0000.yaml", """
        - id: c0001
          name: 王丽
          phone: '0612345670'
          birthday: 1990-02-30
          shoe_size: 38
        - id: c0002
          name: Anna
          phone: '0698765432'
          referred_by: c0099
        - id: c0001
          name: 重复
          phone: '0611111111'
    """)
    salon.write("clients/0001.yaml", """
        - id: c0003
          name: Li
          name: Lee
          phone: '0622222222'
    """)
    salon.write("journal/visits/2026-11.yaml", """
        - {id: v-20261102-1, client: c0001, date: 2026-11-02, services: [补水]}
        - {id: v-20261102-1, client: c0404, date: 2026-11-02}
        - {id: v-20261003-1, client: c0001, date: 2026-10-03}
    """)
    salon.write("journal/appointments/2026-12.yaml", """
        - {id: a-20261210-1, client: c0001, date: 2026-12-10, time: 14:00}
    """)
    result = salon("check")
    root = salon.root
    assert result.code == 65
    warning, *lines = result.err.splitlines()  # files written by hand here are 0644
    assert warning.startswith("warning: 4 file(s) and folder(s) of the salon may be read by others")
    assert lines == [
        f"{root}/clients/0000.yaml:4:13: birthday: not a birthday salonctl can read; expected a "
        "real date, YYYY-MM-DD (the value is not repeated here)",
        f"{root}/clients/0000.yaml:5:3: unknown field 'shoe_size'; known fields: id, name, phone, "
        "gender, birthday, birthday_month_day, lunar_birthday, lunar_leap, category, key, "
        "referred_by, source, "
        "consultant, channel, email, do_not_contact, skin_type, allergies, preferences, hobbies, "
        "note, since, salutation, merged_into, imported, conflicts",
        f"{root}/clients/0000.yaml:6:3: referred_by 'c0099' is not a client",
        f"{root}/clients/0000.yaml:10:3: client id 'c0001' is used twice "
        f"(also at {root}/clients/0000.yaml:1)",
        f"{root}/clients/0001.yaml:3:3: duplicate key 'name' (each field may appear once); "
        "fix the file and run again",
        f"{root}/journal/appointments/2026-12.yaml:1:61: time: must be written in quotes ('...'): "
        "YAML reads it as a number, which loses how the time was typed",
        f"{root}/journal/visits/2026-11.yaml:2:3: client 'c0404' is not a client",
        f"{root}/journal/visits/2026-11.yaml:2:3: id 'v-20261102-1' is used twice",
        f"{root}/journal/visits/2026-11.yaml:3:3: entry dated 2026-10-03 belongs in "
        "2026-10.yaml; move the line there",
    ]


def test_check_is_silent_on_a_good_salon(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    salon.ok("visit", "add", "王丽", "--service", "补水")
    result = salon("check")
    assert (result.code, result.out, result.err) == (0, "", "")


@pytest.mark.parametrize(("text", "message"), [
    ("- id: c1\n  name: [\n", "2:1: invalid YAML: did not find expected node content"),
    ("- id: c1\n  name: x\n  phone: '0612'\n  since: 2026-13-01\n",
     "4:10: since: 2026-13-01 is not a real date"),
    ("- id: c1\n  name: x\n  phone: '0612'\n  key: maybe\n", "4:8: key: must be true or false"),
    ("- id: c1\n  name: x\n", "1:3: missing field 'phone'"),
    ("id: c1\n", "1:1: a clients file is a list of records"),
])
def test_bad_data_is_exit_65_with_a_location(salon: Salon, text: str, message: str) -> None:
    (salon.root / "clients" / "0000.yaml").write_text(text, encoding="utf-8")
    result = salon("client", "list")
    assert result.code == 65
    assert result.err.startswith(f"{salon.root}/clients/0000.yaml:{message}")


def test_a_file_too_large_is_refused(salon: Salon, monkeypatch) -> None:
    monkeypatch.setattr("salonctl.files.folder.MAX_FILE_BYTES", 100)
    salon.write("clients/0000.yaml", "# padding\n" * 20)
    result = salon("client", "list")
    assert result.code == 65
    assert result.err == (f"{salon.root}/clients/0000.yaml:1:1: the file is too large "
                          "(200 bytes; at most 100)\n")


def test_a_torn_journal_line_is_ignored_then_set_aside(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    salon.ok("visit", "add", "王丽", "--date", "2026-11-02")
    journal = salon.root / "journal/visits/2026-11.yaml"
    with journal.open("a", encoding="utf-8") as handle:
        handle.write("- {id: v-20261103-1, client: c00")  # a crash mid-write
    listed = salon("visit", "list", "--format", "json")
    assert listed.code == 0 and listed.out.count('"id"') == 1
    assert "its last line is incomplete and is ignored" in listed.err
    added = salon("visit", "add", "王丽", "--date", "2026-11-03")
    assert added.code == 0
    assert "set aside 1 cut-off journal line(s) as <file>.torn" in added.err
    assert len(added.err.splitlines()) == 1
    torn = journal.with_name("2026-11.yaml.torn")
    assert torn.read_text() == "- {id: v-20261103-1, client: c00\n"
    assert journal.read_text().count("\n") == 2
    assert salon("check").code == 0


def test_the_lock_held_by_another_run_is_exit_75_naming_it(salon: Salon, monkeypatch) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time; from pathlib import Path; from salonctl.disk.lock import locked\n"
            "with locked(Path(sys.argv[1]), 'visit add', 1):\n"
            "    print('held', flush=True); time.sleep(30)\n"
        ), str(salon.root)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        monkeypatch.setenv("SALONCTL_LOCK_WAIT", "0.2")
        result = salon("visit", "add", "王丽")
    finally:
        holder.kill()
        holder.wait()
    assert result.code == 75
    assert result.err.startswith(f"salonctl: the salon is busy: 'salonctl visit add' (pid {holder.pid},")
    assert "visit" not in (salon.root / "journal/visits").iterdir().__class__.__name__
    assert list((salon.root / "journal/visits").iterdir()) == []


def test_an_io_failure_is_exit_74_and_changes_nothing(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    (salon.root / "journal" / "calls").rmdir()
    (salon.root / "journal" / "calls").write_text("")  # a file where a folder should be
    result = salon("call", "log", "王丽", "--outcome", "reached")
    assert result.code == 74
    assert result.err.startswith(f"salonctl: {salon.root}/journal/calls/2026-11.yaml: ")


def test_an_internal_error_shows_no_traceback_unless_debug(salon: Salon, monkeypatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom 0612345670")

    monkeypatch.setattr("salonctl.files.store.Salon.clients", broken)
    result = salon("client", "list")
    assert result.code == 1
    assert result.err == ("salonctl: internal error (RuntimeError); this is a bug. "
                          "Run again with --debug to see where it happened.\n")
    debug = salon("--debug", "client", "list")
    assert debug.code == 1 and "Traceback" in debug.err


def test_usage_errors_from_the_parser_exit_2(salon: Salon) -> None:
    result = salon("client", "add", "王丽")
    assert result.code == 2
    assert "Missing option '--phone'" in result.err
    assert salon("visit", "frobnicate").code == 2
