"""Tests run salonctl through its entry point, on real files in a temp folder, with a fixed
"today" so nothing depends on the wall clock."""

from __future__ import annotations

import contextlib
import io
import json
import os
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from salonctl.cli import main

TODAY = "2026-11-24"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def run(*args: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Result(code, out.getvalue(), err.getvalue())


@dataclass
class Salon:
    """A salon folder in a temp dir and a way to run salonctl on it."""

    root: Path
    today: str = TODAY
    # The interface's language; tests read English messages unless they are about language
    # (the salon's own language still decides its sheets and scripts).
    lang: str | None = "en"

    def __call__(self, *args: str, today: str | None = None) -> Result:
        speak = ("--lang", self.lang) if self.lang else ()
        return run("--data", str(self.root), "--today", today or self.today, *speak, *args)

    def ok(self, *args: str, today: str | None = None) -> str:
        result = self(*args, today=today)
        assert result.code == 0, result.err
        return result.out

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def sheets(self, start: str, days: int = 1, *extra: str) -> dict[str, dict[str, list[str]]]:
        """{date: {client: [rule ids]}} for each day with calls, from `due --format json`."""
        rows = json.loads(self.ok("due", start, "--days", str(days), "--format", "json", *extra))
        found: dict[str, dict[str, list[str]]] = {}
        for row in rows:
            found.setdefault(row["date"], {})[row["client"]] = [r["rule"] for r in row["reasons"]]
        return found

    def due_days(self, client: str, start: str, days: int) -> dict[str, list[str]]:
        """{date: [rule ids]} for one client over a range of days."""
        return {day: rows[client] for day, rows in self.sheets(start, days).items()
                if client in rows}

    def set_rule(self, rule_id: str, **changes: object) -> None:
        """Edit one rule of the salon's rules.yaml (as a salon would, by hand)."""
        self._edit_rules(lambda rule: rule.update(changes) if rule["id"] == rule_id else None)

    def only(self, *rule_ids: str) -> None:
        """Switch every rule off but these, to watch them alone."""
        self._edit_rules(lambda rule: rule.update(enabled=rule["id"] in rule_ids))

    def _edit_rules(self, change: Callable[[dict[str, object]], object]) -> None:
        path = self.root / "rules.yaml"
        rules = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in rules:
            change(rule)
        path.write_text(yaml.safe_dump(rules, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("SALONCTL_DATA", "SALONCTL_TODAY", "SALONCTL_LOCK_WAIT", "SALONCTL_CSV_BOM",
                 "EDITOR", "VISUAL", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")  # messages in English unless a test asks otherwise
    monkeypatch.chdir(tmp_path)
    os.umask(0o022)


@pytest.fixture
def salon(tmp_path: Path) -> Salon:
    root = tmp_path / "salon"
    result = run("init", str(root), "--name", "美丽人生美容院")
    assert result.code == 0, result.err
    return Salon(root)
