"""Crash consistency: each mutating command is killed (SIGKILL) at a named point inside its
write phase, through the test-only SALONCTL_FAULT hook, over and over on the same salon.

After every trial: every file parses, no change a command reported as done is lost, and the
next writer tidies temp files and cut-off lines, saying so in one line. The PR tier runs 50
trials per command; the long tier (`python -m pytest -m long`) 500. Each run prints how many
kills landed in each phase."""

from __future__ import annotations

import os
import random
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import Salon

from salonctl.cli import main
from salonctl.files import store

TODAY = "2026-11-24"
REPLACE_POINTS = ("after-temp-write", "after-fsync", "before-rename")


@dataclass
class Command:
    name: str
    args: list[str]
    points: tuple[str, ...]
    file: str  # the piece of the written file's path the fault waits for


COMMANDS = [
    Command("visit add", ["visit", "add", "c0001", "--service", "补水", "--again"], ("mid-append",),
            "journal/visits"),
    Command("call log", ["call", "log", "c0002", "--outcome", "no-answer"], ("mid-append",),
            "journal/calls"),
    Command("complaint add", ["complaint", "add", "c0003", "--text", "等太久"], ("mid-append",),
            "journal/complaints"),
    Command("client add", ["client", "add", "新客", "--phone", "0690000000"], REPLACE_POINTS,
            "clients/"),
    Command("client edit", ["client", "edit", "c0001", "--set", "note=NOTE"], REPLACE_POINTS,
            "clients/"),
]


@dataclass
class Trials:
    kills: Counter[str] = field(default_factory=Counter)
    acknowledged: list[str] = field(default_factory=list)  # ids or notes reported as done
    unacknowledged: list[str] = field(default_factory=list)
    tidied: int = 0


@dataclass
class Done:
    returncode: int  # -9: killed
    stdout: str
    stderr: str


def _run(root: Path, args: list[str], fault: str | None) -> Done:
    """Run salonctl in a child process (forked: the code is already loaded, so a trial costs
    milliseconds, not an interpreter start), with the fault hook set in that child only."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 - both processes
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        try:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            # line-buffered, as Python's own stderr: a line said before the kill is kept
            sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
            os.environ.pop("SALONCTL_FAULT", None)
            if fault:
                os.environ["SALONCTL_FAULT"] = fault
            code = main(["--data", str(root), "--today", TODAY, "--lang", "en", *args])
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    out.seek(0)
    err.seek(0)
    return Done(returncode, out.read().decode(), err.read().decode())


def _dirty(root: Path) -> bool:
    """Left by a crash: a temp file, or a journal line without its newline."""
    if list(root.glob("**/.*.tmp")):
        return True
    return any(p.read_bytes()[-1:] not in (b"", b"\n") for p in root.glob("journal/*/*.yaml"))


def _trial(root: Path, command: Command, number: int, rng: random.Random, trials: Trials) -> None:
    args = [a.replace("NOTE", f"n{number}") for a in command.args]
    if command.name == "client add":
        args[-1] = f"069{number:07d}"
    point = rng.choice(command.points) if rng.random() < 0.75 else None  # a quarter run through
    dirty = _dirty(root)
    done = _run(root, args, f"{point}:kill:{command.file}" if point else None)
    assert done.returncode in (0, -9), done.stderr
    if dirty:  # whoever takes the lock next tidies, in one line
        assert done.stderr.count("tidied up after an interrupted run") == 1, done.stderr
        trials.tidied += 1
    if done.returncode == -9:
        trials.kills[point or "?"] += 1
        trials.unacknowledged.append(f"n{number}")
    else:
        trials.acknowledged.append(done.stdout.strip() or f"n{number}")
    _everything_reads_and_nothing_is_lost(root, command, trials)


def _everything_reads_and_nothing_is_lost(root: Path, command: Command, trials: Trials) -> None:
    salon = store.Salon(root)
    assert salon.problems() == []
    history, clients = salon.history(), {c.id: c for c in salon.clients()}
    if command.name == "client edit":
        if trials.acknowledged:
            last = trials.acknowledged[-1]
            later = trials.unacknowledged[trials.unacknowledged.index(last) + 1:] \
                if last in trials.unacknowledged else trials.unacknowledged
            assert clients["c0001"].note in {last, *later}
        return
    ids = {c.id for c in clients.values()} | {e.id for kind in (
        history.visits, history.calls, history.complaints) for e in kind}
    missing = [i for i in trials.acknowledged if i not in ids]
    assert missing == [], f"acknowledged but lost: {missing}"


def _salon(salon: Salon) -> Path:
    for n in range(1, 4):
        salon.ok("client", "add", f"客户{n}", "--phone", f"061000000{n}")
    return salon.root


def _crash(salon: Salon, count: int) -> None:
    root = _salon(salon)
    rng = random.Random(2026)
    report = []
    for command in COMMANDS:
        trials = Trials()
        for number in range(count):
            _trial(root, command, number, rng, trials)
        assert sum(trials.kills.values()) >= count // 2  # most runs were killed mid-write
        report.append(f"{command.name}: {count} trials, kills {dict(trials.kills)}, "
                      f"{len(trials.acknowledged)} acknowledged, 0 lost, tidied {trials.tidied}")
    final = _run(root, ["visit", "add", "c0001", "--service", "last"], None)
    assert final.returncode == 0 and not _dirty(root)
    print("\n" + "\n".join(report))


def test_crash_consistency_pr_tier(salon: Salon) -> None:
    _crash(salon, 50)


@pytest.mark.long
def test_crash_consistency_long_tier(salon: Salon) -> None:
    _crash(salon, 500)
