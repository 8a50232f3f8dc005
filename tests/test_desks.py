"""One salon at two desks, synced by git; and salonctl on a system without `fcntl`."""

from __future__ import annotations

import json
import os
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
    assert run("init", str(first), "--name", "Lotus").code == 0
    Salon(first)("client", "add", "王芳", "--phone", "13800000001")
    _git(first, "init", "-q", "-b", "main")
    _git(first, "add", "-A")
    _git(first, "commit", "-qm", "salon")
    second = tmp_path / "back"
    _git(tmp_path, "clone", "-q", str(first), str(second))
    return Salon(first, TODAY), Salon(second, TODAY), tmp_path


def test_two_desks_record_the_same_day_and_git_merges_every_record(
        two_desks: tuple[Salon, Salon, Path]) -> None:
    front, back, _ = two_desks
    assert back.ok("desk", "add").strip() == "b"
    assert back.ok("desk", "show").strip() == "b" and front.ok("desk", "show") == ""
    made_front = _record_a_day(front, "李娜", "13800000002")
    made_back = _record_a_day(back, "赵敏", "13800000003")
    assert made_back["client"].endswith("b") and made_back["visit"].endswith("b")
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
    assert front.ok("desk", "add").strip() == "c"
    bad = front("desk", "add", "B2")
    assert bad.code == 2 and "not a desk tag" in bad.err


def test_init_writes_what_git_needs(tmp_path: Path) -> None:
    assert run("init", str(tmp_path / "s"), "--desk", "a").code == 0
    attributes = (tmp_path / "s/.gitattributes").read_text()
    assert "journal/**/*.yaml merge=union" in attributes
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
         "import time; from pathlib import Path; from salonctl.lock import locked\n"
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
