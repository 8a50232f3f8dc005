"""What a command loads: `--help` and the record commands do not run the engine, the
planner or the mail stack (most of a run's time at the desk is start-up)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import Salon

HEAVY = {"salonctl.engine.rules", "salonctl.engine.anchors", "salonctl.engine.worklist",
         "salonctl.words.compose", "salonctl.words.sheet", "salonctl.engine.plan",
         "salonctl.mail.message", "smtplib", "icalendar", "holidays"}
# A module named through lazy.module() waits in sys.modules as a _LazyModule until it is
# used; only the ones that ran count.
PROBE = """
import contextlib, io, sys
from salonctl.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(sys.argv[1:])
print("\\n".join(n for n, m in sys.modules.items() if type(m).__name__ != "_LazyModule"))
"""


def ran_by(*args: str) -> set[str]:
    """The modules a fresh salonctl process ran for `args`."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, check=False)
    ran = set(done.stdout.splitlines())
    assert "salonctl.cli.due" in ran, done.stderr
    return ran


@pytest.mark.parametrize("args", [("--help",), ("due", "--help"), ("client", "--help"),
                                  ("--version",)])
def test_help_does_not_run_the_engine(args: tuple[str, ...]) -> None:
    assert not ran_by(*args) & HEAVY


def test_a_record_command_does_not_run_the_engine(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "13800138000")
    common = ("--data", str(salon.root), "--today", "2026-11-24")
    for args in (("client", "show", "王丽"), ("client", "find", "王"),
                 ("visit", "add", "王丽", "--service", "补水")):
        ran = ran_by(*common, *args)
        assert "salonctl.files.store" in ran, f"{args} did not run"
        assert not ran & HEAVY, f"{args} ran {sorted(ran & HEAVY)}"
