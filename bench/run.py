"""Benchmarks on a large salon: how long the commands staff run take at scale.

    python bench/run.py                  # 100,000 clients, 2 months of history
    python bench/run.py --clients 20000

Each figure is the median of a few runs of the real entry point, in a fresh process, so it
includes Python's start-up and reading the files, as a person at the desk would see it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        salon = Path(folder) / "salon"
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "tools" / "make_salon.py"), str(salon),
                        "--clients", str(args.clients), "--months", str(args.months)], check=True)
        print(f"generated {args.clients:,} clients in {time.perf_counter() - start:.1f} s")
        lines = sum(1 for p in (salon / "journal").rglob("*.yaml") for _ in p.open())
        print(f"journal entries: {lines:,}")
        cli = [sys.executable, "-m", "salonctl", "--data", str(salon), "--today", "2026-11-24"]
        middle = f"c{args.clients // 2:04d}"
        cold = _timed([*cli, "check"], 1)
        print(f"{'check, first run (cold cache)':32} {cold:7.2f} s")
        cases = {
            "salonctl --version (start-up)": [sys.executable, "-m", "salonctl", "--version"],
            "client add": [*cli, "client", "add", "Bench", "--phone", "0698765432"],
            "visit add (by id)": [*cli, "visit", "add", "c0001", "--service", "补水"],
            "client show (whole history)": [*cli, "client", "show", middle],
            "visit list --format json": [*cli, "visit", "list", "--format", "json"],
            "check (every file)": [*cli, "check"],
            "due today --format json": [*cli, "due", "today", "--format", "json"],
            "why (one client)": [*cli, "why", middle],
            "plan year --format json": [*cli, "plan", "year", "2027", "--format", "json"],
            "plan month --format json": [*cli, "plan", "month", "2026-12", "--format", "json"],
            "mail --dry-run (owner's sheet)": [*cli, "mail", "--to", "o@example.com",
                                               "--from", "s@example.com", "--dry-run"],
        }
        for name, command in cases.items():
            print(f"{name:32} {_timed(command, args.repeat):7.2f} s")


if __name__ == "__main__":
    main()
