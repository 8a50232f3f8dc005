"""Benchmarks: whole salonctl processes on salons with years of history, against Taskwarrior.

    python bench/run.py                                   # 2,000 and 10,000 clients, 3 years
    python bench/run.py --clients 2000,10000,100000 --json bench/out/run.json

Each figure is the median wall time of `--repeat` fresh processes (Python's start-up and
reading the files included, as a person at the desk sees it) and the peak RSS among them
(Linux counts a child's parent at fork in it: about 25 MB here, the runner's own).
When Taskwarrior (`task`) is installed, the same clients become Taskwarrior data (5 pending
tasks each, due over the next year) and `task due:today list` and `task add` run interleaved
with salonctl's own runs, so the ratios come from one run on the same machine state;
otherwise it says it skipped them. Times belong here and in the README, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-24"


@dataclass
class Figure:
    times: list[float] = field(default_factory=list)
    peak_kb: int = 0

    def add(self, seconds: float, kb: int) -> None:
        self.times.append(seconds)
        self.peak_kb = max(self.peak_kb, kb)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def timed(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """One fresh process: its wall time and its peak RSS (KB)."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 65):
        said = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(args)} failed: {said}")
    return elapsed, usage.ru_maxrss


class Salon:
    """A generated salon and the commands to time on it."""

    def __init__(self, folder: Path, clients: int, years: int) -> None:
        self.root = folder / f"salon-{clients}"
        self.clients = clients
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "tools" / "make_salon.py"), str(self.root),
                        "--clients", str(clients), "--years", str(years)], check=True)
        entries = sum(1 for p in (self.root / "journal").rglob("*.yaml") for _ in p.open())
        print(f"{clients:,} clients, {years} years: {entries:,} journal entries, generated in "
              f"{time.perf_counter() - start:.0f} s")
        self.cli = [sys.executable, "-m", "salonctl", "--data", str(self.root), "--today", TODAY]
        self.middle = f"c{clients // 2:04d}"
        self.counter = 0

    def cases(self) -> dict[str, tuple[list[str], Callable[[], None] | None]]:
        """name: (command, what to do before each timed run)."""
        cli, middle = self.cli, self.middle
        return {
            "--help": ([sys.executable, "-m", "salonctl", "--help"], None),
            "due today, warm": ([*cli, "due", "today", "--format", "json"], self.warm_up),
            "due today, cold": ([*cli, "due", "today", "--format", "json"], self.drop_cache),
            "due today after visit add": ([*cli, "due", "today", "--format", "json"], self.add_visit),
            "visit add": ([*cli, "visit", "add", "c0001", "--service", "补水", "--again"], None),
            "call log": ([*cli, "call", "log", "c0002", "--outcome", "no-answer"], None),
            "client add": (self.new_client(), None),
            "client show": ([*cli, "client", "show", middle], None),
            "client find": ([*cli, "client", "find", "Anna"], None),
            "why": ([*cli, "why", middle], None),
            "plan year": ([*cli, "plan", "year", "2027", "--format", "json"], None),
            "plan year, a day after one": ([*cli, "plan", "year", "2027", "--format", "json"],
                                           self.plan_the_day_before),
            "mail --dry-run": ([*cli, "mail", "--to", "o@example.com", "--from", "s@example.com",
                                "--dry-run"], None),
            "check, warm": ([*cli, "check", "--fix"], None),
            "check, cold": ([*cli, "check", "--fix"], self.drop_cache),
        }

    def warm_up(self) -> None:
        """A sheet run first: warm is the state after any earlier run (other measures drop
        the caches)."""
        subprocess.run([*self.cli, "due", "today", "--format", "json"], check=True,
                       capture_output=True)

    def plan_the_day_before(self) -> None:
        """Yesterday's plan, so today's finds the forecasts that still hold."""
        yesterday = (date.fromisoformat(TODAY) - timedelta(days=1)).isoformat()
        subprocess.run([*self.cli[:-1], yesterday, "plan", "year", "2027", "--format", "json"],
                       check=True, capture_output=True)

    def drop_cache(self) -> None:
        shutil.rmtree(self.root / ".cache", ignore_errors=True)

    def add_visit(self) -> None:
        subprocess.run([*self.cli, "visit", "add", "c0003", "--service", "补水", "--again"], check=True,
                       capture_output=True)

    def new_client(self) -> list[str]:
        self.counter += 1
        return [*self.cli, "client", "add", "Bench", "--phone", f"0699{self.counter:06d}"]


class Taskwarrior:
    """The same clients as Taskwarrior data: 5 pending tasks each, due over the next year."""

    def __init__(self, folder: Path, clients: int) -> None:
        self.data = folder / f"task-{clients}"
        self.data.mkdir()
        rc = self.data / "taskrc"
        rc.write_text(f"data.location={self.data}\nconfirmation=no\nverbose=nothing\n"
                      "gc=off\nrecurrence=off\n")
        self.env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(self.data)}
        today = date.today()  # noqa: DTZ011 - Taskwarrior reads the real clock; so must its data
        source = self.data / "tasks.json"
        # Written task by task: a child's peak RSS counts its parent's at fork, so the runner
        # must stay small for the figures of small commands to be their own.
        with source.open("w", encoding="utf-8") as out:
            out.write("[")
            for n in range(clients):
                for k in range(5):
                    out.write(("," if n or k else "") + json.dumps({
                        "uuid": str(uuid.UUID(int=n * 5 + k + 1)), "status": "pending",
                        "description": f"回访 c{n:04d} 第{k}次", "entry": "20261101T000000Z",
                        "due": (today + timedelta(days=(n * 7 + k * 73) % 365)
                                ).strftime("%Y%m%dT120000Z")}))
            out.write("]")
        subprocess.run(["task", "import", str(source)], env=self.env, check=True,
                       capture_output=True)

    def list_due(self) -> tuple[float, int]:
        return timed(["task", "due:today", "list"], self.env)

    def add(self) -> tuple[float, int]:
        return timed(["task", "add", "回访 bench", "due:tomorrow"], self.env)


def bench(folder: Path, clients: int, years: int, repeat: int) -> dict[str, dict[str, float]]:
    salon = Salon(folder, clients, years)
    task = Taskwarrior(folder, clients) if shutil.which("task") else None
    if task is None:
        print("Taskwarrior (task) is not installed: its ratios are skipped")
    figures: dict[str, Figure] = {}
    timed([*salon.cli, "due", "today"])  # the caches, as on any morning after the first
    for _ in range(repeat):  # interleaved: every measure sees the same machine state
        for name, (command, before) in salon.cases().items():
            if before is not None:
                before()
            figures.setdefault(name, Figure()).add(*timed(command))
        if task is not None:
            figures.setdefault("task due:today list", Figure()).add(*task.list_due())
            figures.setdefault("task add", Figure()).add(*task.add())
    return _report(figures)


def _report(figures: dict[str, Figure]) -> dict[str, dict[str, float]]:
    ratios = {"due today, warm": "task due:today list", "due today, cold": "task due:today list",
              "visit add": "task add", "call log": "task add", "client add": "task add"}
    result = {}
    print(f"\n{'measure':30} {'median':>8} {'peak MB':>8} {'x Taskwarrior':>14}")
    for name, figure in figures.items():
        peer = figures.get(ratios.get(name, ""))
        ratio = figure.median / peer.median if peer else None
        shown = f"{ratio:.2f}" if ratio is not None else ""
        print(f"{name:30} {figure.median:7.2f}s {figure.peak_kb / 1024:8.0f} {shown:>14}")
        result[name] = {"median_s": round(figure.median, 3), "peak_mb": round(figure.peak_kb / 1024),
                        **({"ratio_to_taskwarrior": round(ratio, 2)} if ratio is not None else {})}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="2000,10000",
                        help="comma-separated salon sizes (e.g. 2000,10000,100000)")
    parser.add_argument("--years", type=int, default=3, help="years of history")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also save the figures here")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for clients in (int(n) for n in args.clients.split(",")):
            results[f"{clients} clients"] = bench(Path(folder), clients, args.years, args.repeat)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"years": args.years, "repeat": args.repeat, **results},
                                        indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
