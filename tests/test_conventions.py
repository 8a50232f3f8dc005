"""What --help promises is what a command does: formats, consultants, outcomes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Salon


@pytest.fixture
def one(salon: Salon, monkeypatch: pytest.MonkeyPatch) -> Salon:
    monkeypatch.setenv("COLUMNS", "200")  # the help's choices on one line
    salon.ok("client", "add", "王芳", "--phone", "13800000001", "--consultant", "小陈")
    salon.ok("visit", "add", "c0001", "--service", "补水", "--date", "2026-11-23")
    return salon


def _formats_in_help(salon: Salon, *command: str) -> list[str]:
    shown = salon.ok(*command, "--help")
    listed = shown[shown.index("<table|"):]
    return listed[1:listed.index(">")].split("|")


@pytest.mark.parametrize("command", [
    ("client", "show", "c0001"), ("client", "list"), ("visit", "list"), ("due",), ("why", "c0001"),
    ("plan", "month", "2026-12"), ("call", "list"),
])
def test_every_format_the_help_lists_works_and_no_other(one: Salon, command: tuple[str, ...]) -> None:
    formats = _formats_in_help(one, *command[:2] if len(command) > 1 else command)
    assert "table" in formats and "json" in formats
    for fmt in formats:
        shown = one(*command, "--format", fmt.upper())
        assert shown.code == 0, (fmt, shown.err)
    for other in {"csv", "markdown", "ics", "xml"} - set(formats):
        refused = one(*command, "--format", other)
        assert refused.code == 2 and "is not one of" in refused.err


def test_client_show_is_table_or_json(one: Salon) -> None:
    assert _formats_in_help(one, "client", "show") == ["table", "json"]
    assert json.loads(one.ok("client", "show", "c0001", "-f", "json"))["name"] == "王芳"


def test_missed_calls_are_not_a_calendar(one: Salon) -> None:
    refused = one("due", "--missed", "-f", "ics")
    assert refused.code == 2 and "--format" in refused.err
    assert one.ok("due", "--missed", "-f", "markdown").startswith("| missed_on |")


def test_an_unknown_consultant_is_named_with_the_known_ones(one: Salon) -> None:
    refused = one("due", "--consultant", "小王")
    assert refused.code == 2
    assert "'小王'" in refused.err and "小陈" in refused.err and "前台" in refused.err
    assert one("due", "--consultant", "小陈").code == 0
    assert one("due", "--missed", "--consultant", "小王").code == 2


def _at_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run salonctl with its output on a pseudo-terminal, as at the desk; what it showed."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "salonctl", *args], stdout=follower,
                          stderr=subprocess.DEVNULL, stdin=follower,
                          env={**os.environ, **env}, check=False, timeout=60)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 0
    return shown.decode("utf-8", "replace")


def test_a_long_table_goes_through_the_pager_at_a_terminal_only(one: Salon) -> None:
    args = ["--data", str(one.root), "--today", "2026-11-24", "visit", "list"]
    marked = {"PAGER": "sed s/^/PAGED:/", "COLUMNS": "100"}
    assert "PAGED:" in _at_a_terminal(args, marked)
    assert "PAGED:" not in _at_a_terminal(["--no-pager", *args], marked)
    assert "PAGED:" not in one.ok("visit", "list")  # piped: printed as it is
