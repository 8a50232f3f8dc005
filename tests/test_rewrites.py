"""A rewrite of a client file changes only what changed: one client's edit touches only her
record's lines, and no value is ever written as a YAML anchor and alias (`&id001` ...
`*id001`), which would couple two women's records."""

from __future__ import annotations

import difflib
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from salonctl.engine import model
from salonctl.files import codec
from tests.conftest import Salon

DEMO = Path(__file__).resolve().parents[1] / "data"
SHARED_DAY = date(2025, 1, 9)  # one object for every record, as a cache or an import gives


@st.composite
def client_files(draw: st.DrawFn) -> list[model.Client]:
    count = draw(st.integers(2, 12))
    return [model.Client(
        id=f"c{n:04d}", name=draw(st.sampled_from(["王丽", "李娜", "Anna", "欧阳雪"])),
        phone=f"138{n:08d}", since=SHARED_DAY if draw(st.booleans()) else None,
        imported=SHARED_DAY if draw(st.booleans()) else None,
        birthday=draw(st.none() | st.just(SHARED_DAY)),
        note=draw(st.none() | st.sampled_from(["喜欢安静", "two\nlines", "#1 fan"])),
        consultant=draw(st.none() | st.sampled_from(["小李", "小周"])),
    ) for n in range(count)]


edits = st.sampled_from([("note", "改过的备注"), ("consultant", "小陈"), ("since", date(2026, 1, 2)),
                         ("birthday", None), ("key", True), ("skin_type", "油性")])


def _record_lines(text: str, index: int) -> range:
    """The line numbers (0-based) of the index-th record of a client file."""
    starts = [n for n, line in enumerate(text.splitlines()) if line.startswith("- ")]
    end = starts[index + 1] if index + 1 < len(starts) else len(text.splitlines())
    return range(starts[index], end)


@settings(max_examples=200, deadline=None)
@given(client_files(), st.data(), edits)
def test_an_edit_changes_only_that_records_lines(clients: list[model.Client], data: st.DataObject,
                                                 edit: tuple[str, object]) -> None:
    before = codec.dump_clients(clients)
    assert "&id" not in before and "*id" not in before
    index = data.draw(st.integers(0, len(clients) - 1))
    changed = [*clients]
    changed[index] = replace(clients[index], **{edit[0]: edit[1]})
    after = codec.dump_clients(changed)
    assert "&id" not in after and "*id" not in after
    mine = _record_lines(before, index)
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, first, last, _, _ in matcher.get_opcodes():
        if tag == "insert":  # new lines go in her record, or right after its last line
            assert mine.start <= first <= mine.stop, (tag, first, mine)
        elif tag != "equal":
            assert mine.start <= first and last <= mine.stop, (tag, first, last, mine)


def test_a_client_edit_in_the_demo_changes_only_her_lines(tmp_path: Path) -> None:
    shutil.copytree(DEMO, tmp_path / "demo", ignore=shutil.ignore_patterns(".cache", ".lock*"))
    demo = Salon(tmp_path / "demo", "2026-11-24")
    before = demo.read("clients/0000.yaml")
    demo.ok("client", "edit", "c0007", "--set", "note=喜欢下午来")
    after = demo.read("clients/0000.yaml")
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ["+  note: 喜欢下午来"]
    assert "&id" not in after and "*id" not in after
