"""The installed `salonctl` command, and help for every command."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from conftest import run

from salonctl.cli import app


def _installed() -> list[str]:
    found = shutil.which("salonctl", path=str(Path(sys.executable).parent))
    assert found, "salonctl is not installed next to this Python; run pip install -e '.[test]'"
    return [found]


def test_the_installed_command_runs_and_exits_with_its_codes(tmp_path: Path) -> None:
    salon = tmp_path / "salon"
    made = subprocess.run([*_installed(), "init", str(salon)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    added = subprocess.run(
        [*_installed(), "--data", str(salon), "client", "add", "王丽", "--phone", "0612345670"],
        capture_output=True, text=True,
    )
    assert (added.returncode, added.stdout) == (0, "c0001\n")
    (salon / "clients" / "0000.yaml").write_text("- id: c0001\n  name: [\n")
    broken = subprocess.run([*_installed(), "--data", str(salon), "client", "list"],
                            capture_output=True, text=True)
    assert broken.returncode == 65
    assert broken.stderr.startswith(f"{salon}/clients/0000.yaml:")
    assert "Traceback" not in broken.stderr


def _commands(group: typer.Typer, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [(*prefix, c.name or c.callback.__name__) for c in group.registered_commands
             if c.callback is not None]
    for sub in group.registered_groups:
        assert sub.typer_instance is not None and sub.name
        found += _commands(sub.typer_instance, (*prefix, sub.name))
    return found


COMMANDS = _commands(app)


def test_the_commands_the_issues_name_exist() -> None:
    expected = {("init",), ("check",), ("client", "add"), ("client", "list"),
                ("client", "show"), ("client", "find"), ("client", "edit"), ("visit", "add"),
                ("visit", "list"), ("appointment", "add"), ("appointment", "cancel"),
                ("appointment", "list"), ("card", "add"), ("course", "add"), ("call", "log"),
                ("complaint", "add"), ("complaint", "close"), ("complaint", "list")}
    assert expected <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.code == 0
    lines = [line.strip() for line in result.out.splitlines() if line.strip()]
    assert lines[0].startswith("Usage: salonctl " + " ".join(command))
    assert not lines[1].startswith("╭") and len(lines[1]) > 10, f"{command} has no help text"


def test_readme_documents_every_exit_code() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for code in ("0", "1", "2", "65", "69", "74", "75", "76"):
        assert f"| {code} " in readme


def test_ci_runs_the_readme_test_command_word_for_word() -> None:
    root = Path(__file__).parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines() if line.startswith("python3 -m venv")]
    assert len(commands) == 2, "the set-up is two commands: run the demo, run the tests"
    assert "salonctl --data data due" in commands[0]
    assert commands[1] in (root / ".ci" / "run").read_text(encoding="utf-8")


def _documented(command: tuple[str, ...], page: str) -> bool:
    """A command is documented when a code span of the page starts with its group (or its
    name) and names it among that span's words: `client list|find TEXT|show CLIENT` documents
    `client find`."""
    for span in re.findall(r"`([^`]+)`", page):
        words = re.split(r"[\s|\\]+", span)
        if words[0] == command[0] and (len(command) == 1 or command[1] in words[1:]):
            return True
    return False


def test_every_command_in_help_is_documented_in_docs_commands() -> None:
    page = (Path(__file__).parents[1] / "docs" / "commands.md").read_text(encoding="utf-8")
    missing = [" ".join(c) for c in COMMANDS if not _documented(c, page)]
    assert not missing, f"docs/commands.md does not document: {', '.join(missing)}"
    assert not _documented(("client", "frobnicate"), page)  # the check can fail


def test_the_readme_is_short_and_links_every_docs_page() -> None:
    root = Path(__file__).parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 300
    for page in sorted((root / "docs").glob("*.md")):
        assert f"(docs/{page.name})" in readme, f"the README does not link docs/{page.name}"
    for link in re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)", readme):
        assert (root / link).is_file(), f"the README links {link}, which is not there"


@pytest.mark.parametrize("short", ["-h", "--help"])
def test_short_and_long_help_alike(short: str) -> None:
    assert run(short).out == run("--help").out
    assert run("visit", "add", short).out == run("visit", "add", "--help").out


def test_short_version() -> None:
    assert run("-V").out == run("--version").out
    assert run("-V").out.startswith("salonctl ")


DEMO = Path(__file__).parents[1] / "data"


@pytest.mark.parametrize("listing", [("due",), ("visit", "list"), ("visit", "list", "-f", "csv")])
def test_a_reader_that_stops_early_ends_it_quietly(listing: tuple[str, ...]) -> None:
    """`salonctl due | head -1`: the reader has its line; salonctl exits 0, silent."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, fcntl.F_SETPIPE_SZ, 4096)  # a small pipe: the sheet cannot fit
    process = subprocess.Popen(
        [*_installed(), "--data", str(DEMO), "--today", "2026-11-24", *listing],
        stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        first = reader.readline()  # closed after one line, with more still to come
    error = process.stderr.read() if process.stderr else b""
    assert (process.wait(), error, bool(first.strip())) == (0, b"", True)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_help_at_80_columns_folds_and_cuts_nothing(lang: str, monkeypatch: pytest.MonkeyPatch
                                                   ) -> None:
    """A line of help too long for 80 columns goes on to the next line: the end of a help
    text (the outcomes, the date forms) is the useful part, never replaced by "…"."""
    from salonctl import i18n

    monkeypatch.setenv("COLUMNS", "80")
    tree = typer.main.get_command(app)
    speak = i18n.translator(lang).gettext
    for command in COMMANDS:
        node: Any = tree
        for name in command:
            node = node.commands[name]
        written = sum(speak(text).count("…") for text in language_help_texts(node))
        shown = run("--lang", lang, *command, "--help").out
        assert all(len(line) <= 80 for line in shown.splitlines())
        assert shown.count("…") <= written, f"{lang} {' '.join(command)} cuts its help"


def language_help_texts(command: Any) -> list[str]:
    return [getattr(param, "help", None) or "" for param in command.params] + [
        command.help or ""]


def _tab(salon_root: Path, *words: str) -> list[str]:
    """What bash's Tab offers for the last word of `salonctl WORDS`, in the salon's folder."""
    done = subprocess.run(
        _installed(), cwd=salon_root, capture_output=True, text=True, check=False,
        env={**os.environ, "_SALONCTL_COMPLETE": "complete_bash",
             "COMP_WORDS": " ".join(("salonctl", *words)), "COMP_CWORD": str(len(words))})
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_tab_offers_what_the_salon_holds(tmp_path: Path) -> None:
    root = tmp_path / "salon"
    assert run("init", str(root)).code == 0
    for name, phone, consultant in (("王丽", "13800000001", "小李"), ("王芳", "13800000002", "小周")):
        assert run("--data", str(root), "client", "add", name, "--phone", phone,
                   "--consultant", consultant).code == 0
    assert run("--data", str(root), "product", "add", "玫瑰水", "--category", "care").code == 0
    assert _tab(root, "visit", "add", "王") == ["王丽", "王芳"]
    assert _tab(root, "visit", "add", "c00") == ["c0001", "c0002"]
    assert _tab(root, "call", "log", "c0001", "-o", "未") == ["未接"]
    assert _tab(root, "call", "log", "c0001", "-o", "no") == ["no-answer", "not-convenient"]
    assert _tab(root, "visit", "add", "c0001", "--by", "小") == ["小周", "小李"]
    assert _tab(root, "visit", "add", "c0001", "-p", "玫") == ["玫瑰水"]
    assert "R1" in _tab(root, "rules", "show", "R1")
    assert _tab(tmp_path, "visit", "add", "王") == []  # no salon here: nothing, no error
