"""I/O faults: the k-th `os.write`, `os.fsync`, `os.replace` or `os.open` of a writing command
fails with ENOSPC, then EIO, for every k the command reaches. Either the command did its
work (exit 0), or it exits 74 with one line naming the file, every data file is byte for
byte as before, and the lock is free for the next command."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Salon

FUNCTIONS = ("write", "fsync", "replace", "open")
COMMANDS = [
    ["visit", "add", "c0001", "--service", "补水", "--amount", "300", "--again"],
    ["call", "log", "c0001", "--outcome", "reached"],
    ["client", "add", "新客", "--phone", "0690000001"],
    ["client", "edit", "c0001", "--set", "note=新的备注"],
    ["card", "add", "c0001", "--type", "年卡", "--balance", "3000"],
]


def _data(root: Path) -> dict[str, bytes]:
    """Every file a person keeps (the cache and the lock are not data)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".cache" not in p.parts and not p.name.startswith(".lock")}


class Failing:
    """Make the k-th call of one `os` function fail, counting every call."""

    def __init__(self, real: Callable[..., Any], k: int, code: int) -> None:
        self.real, self.k, self.code, self.calls = real, k, code, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self.k:
            raise OSError(self.code, os.strerror(self.code))
        return self.real(*args, **kwargs)


def _one(salon: Salon, monkeypatch: pytest.MonkeyPatch, command: list[str], function: str,
         k: int, code: int) -> bool:
    """One faulty run; False once the command no longer reaches a k-th call."""
    if command[:2] == ["card", "add"]:  # a new client's first card makes her a member:
        salon.ok("client", "edit", "c0001", "--set", "category=new")  # two files change
    before = _data(salon.root)
    failing = Failing(getattr(os, function), k, code)
    with monkeypatch.context() as patch:
        patch.setattr(os, function, failing)
        result = salon(*command)
    if result.code == 0:
        assert salon("check").code in (0, 65)  # (65 only for files written 0644 here)
        return failing.calls >= k
    assert result.code == 74, (function, k, result.err)
    lines = [line for line in result.err.splitlines() if not line.startswith("note:")]
    assert len(lines) == 1 and str(salon.root) in lines[0], lines
    assert _data(salon.root) == before, (function, k)
    after = salon("appointment", "list")  # the lock was released
    assert after.code == 0, after.err
    return True


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_an_io_fault_at_any_step_changes_nothing_or_everything(
        salon: Salon, monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    faults = 0
    for code in (errno.ENOSPC, errno.EIO):
        for function in FUNCTIONS:
            for k in range(1, 200):
                if not _one(salon, monkeypatch, command, function, k, code):
                    break
                faults += 1
    assert faults >= 2 * len(FUNCTIONS)  # every function failed at least once per error
