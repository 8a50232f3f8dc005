"""Concurrent writers lose nothing; a writer killed at any moment leaves every file whole."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Salon, run


def _add_visits(root: str, count: int) -> None:
    for i in range(count):
        result = run("--data", root, "--today", "2026-11-24", "visit", "add", "c0001",
                     "--service", f"护理 {os.getpid()}-{i}")
        assert result.code == 0, result.err


def test_four_processes_adding_100_visits_each_lose_nothing(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_add_visits, args=(str(salon.root), 100)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    visits = json.loads(salon.ok("visit", "list", "--format", "json"))
    assert len(visits) == 400
    assert len({v["id"] for v in visits}) == 400
    assert len({v["services"][0] for v in visits}) == 400
    assert salon("check").code == 0


_EDIT_LOOP = """
import sys
from salonctl.cli import main
root = sys.argv[1]
for i in range(10_000):
    main(["--data", root, "--today", "2026-11-24", "client", "edit", "c0001",
          "--set", f"note={'x' * (i % 500)} {i}"])
    main(["--data", root, "--today", "2026-11-24", "visit", "add", "c0001",
          "--service", f"s{i}"])
"""


def test_a_killed_writer_leaves_every_file_old_or_new(salon: Salon) -> None:
    for n in range(30):
        salon.ok("client", "add", f"客户{n}", "--phone", f"06000000{n:02d}")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    for delay in (0.35, 0.5, 0.65, 0.8, 0.95):
        writer = subprocess.Popen([sys.executable, "-c", _EDIT_LOOP, str(salon.root)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        result = salon("check")
        torn_warning = "last line is incomplete" in result.err
        assert result.code == 0 or torn_warning, result.err
        clients = json.loads(salon.ok("client", "list", "--format", "json"))
        assert len(clients) == 30
        note = clients[0]["note"] or ""
        assert note == "" or note.split(" ")[0] == "x" * (int(note.split(" ")[-1]) % 500)
    leftovers = [p.name for p in salon.root.rglob("*.tmp")]
    assert len(leftovers) <= 5  # a kill between mkstemp and replace may leave a temp file


def test_a_file_changed_on_disk_since_it_was_read_is_not_overwritten(salon: Salon) -> None:
    from dataclasses import replace

    from salonctl import store
    from salonctl.errors import ConflictError

    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    loaded = store.Salon(salon.root)
    client = loaded.clients()[0]
    bucket = salon.root / "clients" / "0000.yaml"
    edited_by_hand = bucket.read_text() + "  note: 手工添加的备注\n"
    bucket.write_text(edited_by_hand)
    with pytest.raises(ConflictError, match="changed on disk since salonctl read it"), \
            loaded.lock("client edit"):
        loaded.replace_client(replace(client, key=True))
    assert bucket.read_text() == edited_by_hand
