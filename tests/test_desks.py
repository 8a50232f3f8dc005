"""One salon at two desks, synced by git; and salonctl on a system without `fcntl`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Salon, run

TODAY = "2026-11-24"


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False,
                          env={**os.environ, "GIT_AUTHOR_NAME": "desk", "GIT_AUTHOR_EMAIL": "d@x",
                               "GIT_COMMITTER_NAME": "desk", "GIT_COMMITTER_EMAIL": "d@x"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def _record_a_day(desk: Salon, name: str, phone: str) -> dict[str, str]:
    """What one desk records on the same morning: a new client, her visit, a call to an old
    client; returns the ids it printed."""
    client = desk.ok("client", "add", name, "--phone", phone).strip()
    visit = desk.ok("visit", "add", client, "--service", "补水", "--amount", "298").strip()
    call = desk.ok("call", "log", "c0001", "--outcome", "reached").strip()
    return {"client": client, "visit": visit, "call": call}


@pytest.fixture
def two_desks(tmp_path: Path) -> tuple[Salon, Salon, Path]:
    first = tmp_path / "front"
    first.mkdir()
    _git(first, "init", "-q", "-b", "main")
    assert run("init", str(first), "--name", "Lotus").code == 0  # registers the merge driver
    Salon(first)("client", "add", "王芳", "--phone", "13800000001")
    _git(first, "add", "-A")
    _git(first, "commit", "-qm", "salon")
    second = tmp_path / "back"
    _git(tmp_path, "clone", "-q", str(first), str(second))
    return Salon(first, TODAY), Salon(second, TODAY), tmp_path


def test_two_desks_record_the_same_day_and_git_merges_every_record(
        two_desks: tuple[Salon, Salon, Path]) -> None:
    front, back, _ = two_desks
    tag = back.ok("desk", "add").strip()
    assert re.fullmatch("[a-z]{3}", tag)  # random: two copies do not choose alike
    assert back.ok("desk", "show").strip() == tag and front.ok("desk", "show") == ""
    made_front = _record_a_day(front, "李娜", "13800000002")
    made_back = _record_a_day(back, "赵敏", "13800000003")
    assert made_back["client"].endswith(tag) and made_back["visit"].endswith(tag)
    assert set(made_front.values()).isdisjoint(made_back.values())
    for desk in (front, back):
        _git(desk.root, "add", "-A")
        _git(desk.root, "commit", "-qm", "the day")
    _git(front.root, "pull", "-q", "--no-rebase", "--no-edit", str(back.root), "main")
    assert "<<<<<<<" not in "".join(p.read_text("utf-8") for p in front.root.rglob("*.yaml"))
    checked = front("check")
    assert checked.code == 0 and checked.out == "", checked.err
    clients = {c["id"] for c in json.loads(front.ok("client", "list", "--format", "json"))}
    assert {"c0001", made_front["client"], made_back["client"]} <= clients
    visits = {v["id"] for v in json.loads(front.ok("visit", "list", "--format", "json"))}
    assert {made_front["visit"], made_back["visit"]} <= visits
    calls = {c["id"] for c in json.loads(front.ok("call", "list", "--format", "json"))}
    assert {made_front["call"], made_back["call"]} <= calls


def test_a_tag_another_desk_used_is_refused(two_desks: tuple[Salon, Salon, Path]) -> None:
    front, back, _ = two_desks
    back.ok("desk", "add", "b")
    back.ok("client", "add", "赵敏", "--phone", "13800000003")
    _git(back.root, "add", "-A")
    _git(back.root, "commit", "-qm", "b")
    _git(front.root, "pull", "-q", "--no-rebase", "--no-edit", str(back.root), "main")
    refused = front("desk", "add", "b")
    assert refused.code == 2 and "'b' ends ids another desk made" in refused.err
    assert front.ok("desk", "add").strip() not in ("", "b")
    bad = front("desk", "add", "B2")
    assert bad.code == 2 and "not a desk tag" in bad.err


def test_init_writes_what_git_needs(tmp_path: Path) -> None:
    assert run("init", str(tmp_path / "s"), "--desk", "a").code == 0
    attributes = (tmp_path / "s/.gitattributes").read_text()
    assert "journal/**/*.yaml merge=salonctl" in attributes
    assert "clients/*.yaml merge=salonctl" in attributes
    assert ".desk" in (tmp_path / "s/.gitignore").read_text().split()
    assert Salon(tmp_path / "s", TODAY).ok("desk", "show").strip() == "a"


_WITHOUT_FCNTL = """
import sys
sys.modules["fcntl"] = None  # as on Windows: `import fcntl` fails
from salonctl.cli import main
code = main(sys.argv[1:])
print("portable lock" if "filelock" in sys.modules else "no lock taken", file=sys.stderr)
sys.exit(code)
"""


def test_salonctl_starts_and_records_a_visit_without_fcntl(tmp_path: Path) -> None:
    folder = tmp_path / "s"

    def salonctl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", _WITHOUT_FCNTL, "--data", str(folder),
                               "--today", TODAY, *args], capture_output=True, text=True,
                              check=False, env={**os.environ, "PYTHONPATH": os.getcwd()})

    assert subprocess.run([sys.executable, "-c", _WITHOUT_FCNTL, "init", str(folder)],
                          capture_output=True, check=False).returncode == 0
    assert salonctl("client", "add", "王芳", "--phone", "13800000001").returncode == 0
    added = salonctl("visit", "add", "c0001", "--service", "补水", "--amount", "298")
    assert added.returncode == 0 and added.stderr == "portable lock\n", added.stderr
    listed = json.loads(salonctl("visit", "list", "--format", "json").stdout)
    assert [(v["client"], v["amount"]) for v in listed] == [("c0001", 298)]


def test_without_fcntl_a_second_writer_waits_then_names_the_holder(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "SALONCTL_LOCK_WAIT": "0.3"}
    assert run("init", str(folder)).code == 0
    added = subprocess.run([sys.executable, "-c", _WITHOUT_FCNTL, "--data", str(folder), "client",
                            "add", "王芳", "--phone", "13800000001"], env=env, check=False)
    assert added.returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", 'import sys; sys.modules["fcntl"] = None\n'
         "import time; from pathlib import Path; from salonctl.disk.lock import locked\n"
         "with locked(Path(sys.argv[1]), 'visit add', 1):\n"
         "    print('held', flush=True); time.sleep(30)\n", str(folder)],
        stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        busy = subprocess.run([sys.executable, "-c", _WITHOUT_FCNTL, "--data", str(folder),
                               "--today", TODAY, "--lang", "en", "visit", "add", "c0001"],
                              capture_output=True, text=True, check=False, env=env)
    finally:
        holder.kill()
        holder.wait()
    assert busy.returncode == 75
    assert f"the salon is busy: 'salonctl visit add' (pid {holder.pid}," in busy.stderr
    assert list((folder / "journal/visits").iterdir()) == []


# --- git merges the salon record by record, entry by entry -------------------------------


def _sync(front: Salon, back: Salon) -> str:
    """Both desks commit their day; the front desk pulls the back desk's: git's output."""
    for desk in (front, back):
        _git(desk.root, "add", "-A")
        _git(desk.root, "commit", "-qm", "the day", "--allow-empty")
    done = subprocess.run(["git", "pull", "--no-rebase", "--no-edit", str(back.root), "main"],
                          cwd=front.root, capture_output=True, text=True, check=False,
                          env={**os.environ, "GIT_AUTHOR_NAME": "d", "GIT_AUTHOR_EMAIL": "d@x",
                               "GIT_COMMITTER_NAME": "d", "GIT_COMMITTER_EMAIL": "d@x"})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _clients(desk: Salon) -> dict[str, dict[str, object]]:
    return {c["id"]: c for c in json.loads(desk.ok("client", "list", "--format", "json"))}


def test_both_desks_add_clients_and_no_field_is_lost(two_desks: tuple[Salon, Salon, Path]) -> None:
    front, back, _ = two_desks
    back.ok("desk", "add")
    mine = front.ok("client", "add", "李娜", "--phone", "13800000002", "--consultant", "小李",
                    "--gender", "female").strip()
    theirs = back.ok("client", "add", "赵敏", "--phone", "13800000003", "--consultant", "小周",
                     "--birthday", "1990-05-01").strip()
    _sync(front, back)
    merged = _clients(front)
    assert (merged[mine]["consultant"], merged[mine]["gender"]) == ("小李", "female")
    assert (merged[theirs]["consultant"], merged[theirs]["birthday"]) == ("小周", "1990-05-01")
    assert merged[theirs]["since"] == TODAY
    assert front("check").code == 0


def test_both_desks_edit_one_client_and_check_names_the_clash(
        two_desks: tuple[Salon, Salon, Path]) -> None:
    front, back, _ = two_desks
    back.ok("desk", "add")
    front.ok("client", "edit", "c0001", "--set", "note=喜欢安静", "--set", "skin_type=干性")
    back.ok("client", "edit", "c0001", "--set", "note=怕痒", "--set", "hobbies=瑜伽")
    said = _sync(front, back)
    assert "c0001: both desks changed note" in said
    wang = _clients(front)["c0001"]
    assert (wang["skin_type"], wang["hobbies"], wang["note"]) == ("干性", "瑜伽", "喜欢安静")
    checked = front("check")
    assert checked.code == 65
    assert "王芳 (c0001): the two desks set note differently; this copy kept '喜欢安静', the " \
           "other desk had '怕痒'" in checked.err
    assert json.loads(front.ok("due", "--format", "json")) is not None  # the sheet still reads her
    front.ok("client", "edit", "c0001", "--set", "note=喜欢安静，怕痒")
    assert front("check").code == 0
    assert "conflicts" not in front.read("clients/0000.yaml")


def test_two_copies_with_one_tag_keep_both_records_and_check_says_so(
        two_desks: tuple[Salon, Salon, Path]) -> None:
    front, back, tmp_path = two_desks
    third = tmp_path / "laptop"
    _git(tmp_path, "clone", "-q", str(front.root), str(third))
    laptop = Salon(third, TODAY)
    for desk in (back, laptop):  # both before they ever synced
        desk.ok("desk", "add", "b")
        assert desk.ok("client", "add", f"客人{desk.root.name}", "--phone",
                       "13900000001" if desk is back else "13900000002").strip() == "c0002b"
    _sync(back, laptop)
    kept = back.read("clients/0000.yaml")
    assert "客人back" in kept and "客人laptop" in kept  # neither woman is lost
    listed = back("client", "list")
    assert listed.code == 65 and "'c0002b' is used twice" in listed.err
    checked = back("check")
    assert checked.code == 65 and "client id 'c0002b' is used twice" in checked.err
    assert "two desks made it with one tag" in checked.err


def test_journals_keep_every_entry_once(two_desks: tuple[Salon, Salon, Path]) -> None:
    front, back, _ = two_desks
    back.ok("desk", "add")
    shared = "- {id: v-20261120-9, client: c0001, date: 2026-11-20, services: [补水]}\n"
    for desk in (front, back):
        desk.write("journal/visits/2026-11.yaml", shared)
        desk.ok("visit", "add", "c0001", "--service", "补水", "--amount", "298")
    _sync(front, back)
    lines = front.read("journal/visits/2026-11.yaml").splitlines()
    assert len(lines) == 3 and lines.count(shared.strip()) == 1
    assert front("check").code == 0


def test_a_file_that_is_not_salonctls_is_left_to_git_with_markers(
        two_desks: tuple[Salon, Salon, Path]) -> None:
    front, back, _ = two_desks
    for desk, text in ((front, "clients: [王芳]\n"), (back, "clients: [王芳, 李娜]\n")):
        desk.write("clients/0001.yaml", text)  # not a list of records: edited by hand
        _git(desk.root, "add", "-A")
        _git(desk.root, "commit", "-qm", "by hand")
    done = subprocess.run(["git", "pull", "--no-rebase", "--no-edit", str(back.root), "main"],
                          cwd=front.root, capture_output=True, text=True, check=False)
    assert done.returncode != 0  # a conflict for a person, never a guess
    assert "<<<<<<< this desk" in front.read("clients/0001.yaml")


def test_a_journal_line_that_does_not_read_is_kept_from_both_desks(
        two_desks: tuple[Salon, Salon, Path]) -> None:
    front, back, _ = two_desks
    for desk, text in ((front, "- {id: x, client: c0001, date: 2026-11-20 oops\n"),
                       (back, "- {id: y, client: c0001, date: 2026-11-21 nope\n")):
        desk.write("journal/calls/2026-11.yaml", text)
    _sync(front, back)
    kept = front.read("journal/calls/2026-11.yaml")
    assert "oops" in kept and "nope" in kept  # nothing lost; check names both
    assert front("check").code == 65
