"""The fast journal reader gives exactly what PyYAML gives, or steps aside.

For every line salonctl writes, and for lines people write by hand, `flowline.read` either
returns what `yamlio.parse` returns (values, types, each entry's line) or None, so the file
is read by PyYAML; it never reads a line differently."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from salonctl.disk import flowline, yamlio
from tests.conftest import Salon


def shape(value: Any, where: bool = True) -> Any:
    """A value with its type and, for a mapping, where it starts (unless `where` is False):
    what the reader must keep."""
    if isinstance(value, dict):
        return ("map", getattr(value, "position", None) if where else None,
                [(shape(k, where), shape(v, where)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [shape(item, where) for item in value])
    return (type(value).__name__, value)


def agrees(text: str, block: bool = False) -> bool:
    """True when the fast reader read it as PyYAML does (a journal, or with `block` a client
    file, where a nested value's place is PyYAML's to say); False when it stepped aside."""
    fast = (flowline.read_block if block else flowline.read)(text)
    if fast is None:
        return False
    slow, problems = yamlio.parse(text, "clients/0000.yaml" if block else "journal.yaml")
    assert not problems, f"the fast reader accepted what PyYAML refuses: {problems}"
    if block:
        assert [shape_top(r) for r in fast] == [shape_top(r) for r in slow]
    else:
        assert shape(fast) == shape(slow)
    return True


WRITTEN = [
    {"id": "v-20261124-1", "client": "c0001", "date": date(2026, 11, 24),
     "services": ["面部补水护理", "肩颈按摩"],
     "products": [{"name": "玻尿酸精华", "category": "care"}], "amount": Decimal("680")},
    {"id": "k-20261124-2", "client": "c0002", "date": date(2026, 11, 24),
     "outcome": "not-convenient", "callback": date(2026, 11, 27), "rules": ["R1", "R3"],
     "note": "she said: call after 3pm, # not before", "by": None},
    {"id": "a-1", "client": "c-9", "date": date(2026, 1, 1), "time": "14:00",
     "service": "yes", "note": "'quoted' and \"double\", [brackets] {braces}"},
    {"id": "x", "client": "O'Brien", "date": date(2026, 2, 1), "amount": Decimal("199.9"),
     "note": "line one\nline two\ttab \u2028 sep \\ backslash \x07 bell", "key": True,
     "count": -3, "empty": "", "spaces": "  padded  ", "null": "null", "tilde": "~"},
    {"id": "y", "client": "c1", "date": date(2026, 3, 1), "services": [], "products": [{}],
     "note": "12:30", "other": "0x10", "float": "1e3", "dash": "-", "lead": "- item"},
]


@pytest.mark.parametrize("entry", WRITTEN, ids=[str(e["id"]) for e in WRITTEN])
def test_what_salonctl_writes_is_read_fast_and_alike(entry: dict[str, Any]) -> None:
    line = yamlio.dump_line(entry)
    assert agrees(line + line.replace("- {id: ", "- {id: z", 1)), line


@pytest.mark.parametrize("text", [
    "- {id: a, date: 2026-02-30}\n",  # a date that does not exist: kept as Invalid
    "- {id: a, amount: 0x10, minutes: 1:30, big: 1_000}\n",  # YAML 1.1 numbers: OddNumber
    "- {id: a, done: yes, paid: off, left: ~, gone: null}\n",
    "- {id: a, amount: -12.50, count: 0}\n",
    "- {id: a, amount: 1e3}\n",  # YAML 1.1 floats need a dot: this is text
    "- {id: a, note: tab\there}\n",
    "- {id: a, 'null': b, \"yes\": c}\n",
])
def test_typed_words_are_typed_as_yaml_types_them(text: str) -> None:
    assert agrees(text)


@pytest.mark.parametrize("text", [
    "# a comment\n- {id: a}\n",
    "- {id: a}  # a comment\n",
    "- {id: a, id: b}\n",  # a key twice: PyYAML words the problem
    "- {id: &x a, client: *x}\n",
    "- {id: a, at: 2026-11-24 10:00:00}\n",
    "- {id: a, amount: 1.5e+3, rate: .inf}\n",
    "- {id: a, services: [a,b]}\n",
    "- {id: a, note: \"\\q\"}\n",
    "- {id: a, note: }\n",
    "- id: a\n  client: b\n",
    "- {id: a, note: \"x\" y}\n",
    "- {id: a, note: bell\x07}\n",
    "- {id: a, ? b: c}\n",
    "",
])
def test_anything_else_is_left_to_pyyaml(text: str) -> None:
    assert flowline.read(text) is None


def test_entries_keep_their_lines() -> None:
    text = "".join(yamlio.dump_line({"id": f"v-{n}", "client": "c1"}) for n in range(1, 6))
    entries = flowline.read(text)
    assert entries is not None
    assert [e.position[0] for e in entries] == [1, 2, 3, 4, 5]


_scalars = st.one_of(
    st.text(max_size=30), st.integers(-10**6, 10**6), st.booleans(), st.none(),
    st.dates(date(1900, 1, 1), date(2199, 12, 31)),
    st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False),
    st.sampled_from(["yes", "No", "~", "null", "0x1f", "1:30", "1_0", "-", "- x", "#", "a #b",
                     "a: b", "'", '"', "\\", "2026-02-30", "12.", ".5", "+1", "@x", "%y"]),
)
_keys = st.one_of(st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
                  st.sampled_from(["yes", "null", "1", "on"]))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)), max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.dictionaries(_keys, _values, min_size=1, max_size=8), min_size=1, max_size=4))
def test_any_written_entry_is_read_alike_or_left_to_pyyaml(entries: list[dict[str, Any]]) -> None:
    text = "".join(yamlio.dump_line(entry) for entry in entries)
    agrees(text)


@pytest.mark.parametrize(("line", "problem"), [
    ("- {id: v-20261124-1, client: c0001, date: 2026-11-24, bogus: 1}",
     ":1:55: unknown field 'bogus'"),
    ("- {id: v-20261124-1, client: c0001, date: 2026-11-24, amount: -5}",
     ":1:63: amount:"),
    ("- {id: v-20261124-1, client: c0001, date: 2026-02-30}", ":1:43: date:"),
])
def test_a_problem_in_a_line_read_fast_is_placed_exactly(salon: Salon, line: str,
                                                         problem: str) -> None:
    salon.ok("client", "add", "王丽", "--phone", "13800138000")
    salon.write("journal/visits/2026-11.yaml", line + "\n")
    checked = salon("check")
    assert checked.code == 65, checked.err
    assert f"journal/visits/2026-11.yaml{problem}" in checked.out + checked.err
    sheet = salon("due")
    assert sheet.code == 65 and f"2026-11.yaml{problem}" in sheet.err


_visit_values = {
    "id": st.one_of(st.just("v-20261124-1"), st.from_regex(r"v-2026112[0-9]-[0-9]{1,3}", fullmatch=True)),
    "client": st.sampled_from(["c0001", "c0002", "nobody", "", "c 1"]),
    "date": st.one_of(st.dates(date(2026, 11, 1), date(2026, 11, 30)), st.just(date(2025, 1, 1)),
                      st.sampled_from(["2026-11-31", "tomorrow"])),
    "services": st.lists(st.sampled_from(["补水", "", "a, b", "SPA"]), max_size=3),
    "products": st.lists(st.fixed_dictionaries(
        {"name": st.sampled_from(["精华", "", "x"]),
         "category": st.sampled_from(["care", "brand", "food"])}), max_size=2),
    "amount": st.one_of(st.decimals(min_value=-5, max_value=10**8, places=2, allow_nan=False),
                        st.integers(-3, 10**8), st.sampled_from(["380", "0x10", "1:30"])),
    "by": st.one_of(st.none(), st.sampled_from(["小李", "", "x\x07"])),
    "bogus": st.integers(0, 3),
}
_hostile = st.fixed_dictionaries({"id": _visit_values["id"]}, optional={
    k: v for k, v in _visit_values.items() if k != "id"})
_sound = st.fixed_dictionaries({
    "id": _visit_values["id"], "client": st.sampled_from(["c0001", "c0002"]),
    "date": st.dates(date(2026, 11, 1), date(2026, 11, 30))}, optional={
    "services": st.lists(st.sampled_from(["补水", "SPA", "a: b", "#1", "yes"]), max_size=3),
    "amount": st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
    "by": st.text(max_size=8)})
_visits = st.lists(st.one_of(_sound, _hostile), min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(_visits)
def test_a_journal_reads_the_same_fast_or_slow(tmp_path_factory: pytest.TempPathFactory,
                                               entries: list[dict[str, Any]]) -> None:
    """Entries, their lines and every problem (text and place) are the same whether the
    file's lines were read fast or by PyYAML."""
    from salonctl.files import store

    root = tmp_path_factory.mktemp("salon")
    path = root / "journal" / "visits" / "2026-11.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("".join(yamlio.dump_line(e) for e in entries), encoding="utf-8")
    kind = next(k for k in store.codec.JOURNALS if k.folder == "visits")
    fast = store.Salon(root).journals.load_file(kind, path)
    shutil.rmtree(root / ".cache", ignore_errors=True)  # the slow read must not reuse the fast one
    original = flowline.read
    try:
        flowline.read = lambda text: None  # type: ignore[assignment]
        slow = store.Salon(root).journals.load_file(kind, path)
    finally:
        flowline.read = original  # type: ignore[assignment]
    assert fast == slow
    event("read fast" if flowline.read(path.read_text(encoding="utf-8")) is not None
          else "left to PyYAML")
    event("with problems" if fast[1] else "clean")


def shape_top(record: Any) -> Any:
    """A record's line and its values (where a nested value starts is PyYAML's to say)."""
    return (record.position, [(k, shape(v, where=False)) for k, v in record.items()])


def test_a_client_file_as_salonctl_writes_it_is_read_fast_and_alike() -> None:
    records = [
        {"id": "c0001", "name": "王丽", "phone": "0612345670", "birthday": date(1990, 5, 1),
         "lunar_birthday": "08-15", "category": "member", "key": True, "tags": ["VIP", "a, b"],
         "note": "likes: quiet rooms # really", "since": date(2026, 11, 24)},
        {"id": "c0002", "name": "Anna O'Brien", "phone": "+49 30 1234", "gender": "female",
         "referred_by": "c0001", "do_not_contact": False, "note": "yes"},
    ]
    assert agrees(yamlio.dump_block(records), block=True)


@pytest.mark.parametrize("text", [
    "- id: c1\n  note: |\n    two\n    lines\n",
    "# clients\n- id: c1\n",
    "- id: c1\n\n- id: c2\n",
    "- id: c1  # first\n",
    "- id: c1\n  note: a, b\n",
    "- id: c1\n  id: c2\n",
    "- id: c1\n   name: x\n",
    "[]\n",
])
def test_a_client_file_otherwise_is_left_to_pyyaml(text: str) -> None:
    assert flowline.read_block(text) is None


_client_values = st.one_of(st.text(max_size=20), st.integers(-5, 10**12), st.booleans(),
                           st.dates(date(1900, 1, 1), date(2199, 12, 31)),
                           st.lists(st.text(max_size=6), max_size=3),
                           st.sampled_from(["08-15", "yes", "~", "0612345670", "1:30", "-1"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(_keys, _client_values, min_size=1, max_size=8),
                min_size=1, max_size=4))
def test_any_written_client_file_is_read_alike_or_left_to_pyyaml(
        records: list[dict[str, Any]]) -> None:
    agrees(yamlio.dump_block(records), block=True)


_client_records = st.lists(st.fixed_dictionaries(
    {"id": st.sampled_from(["c0001", "c0002", "c 3", ""]),
     "name": st.sampled_from(["王丽", "", "Anna", "x\x07"])},
    optional={"phone": st.sampled_from(["0612345670", "138", "", "+49 30 1"]),
              "birthday": st.one_of(st.dates(date(1950, 1, 1), date(2010, 1, 1)),
                                    st.just("1990-02-30")),
              "category": st.sampled_from(["member", "new", "vip"]),
              "key": st.one_of(st.booleans(), st.just("yes")),
              "referred_by": st.sampled_from(["c0001", "c9"]),
              "bogus": st.integers(0, 2)}), min_size=1, max_size=4)


_sound_clients = st.lists(st.fixed_dictionaries(
    {"name": st.sampled_from(["王丽", "Anna Lee", "O'Brien"]),
     "phone": st.sampled_from(["0612345670", "13800138000", "+49 30 1234"])},
    optional={"birthday": st.dates(date(1950, 1, 1), date(2010, 1, 1)),
              "category": st.sampled_from(["member", "new", "guest"]), "key": st.booleans(),
              "note": st.text(max_size=12)}), min_size=1, max_size=4).map(
    lambda records: [{"id": f"c{n:04d}", **r} for n, r in enumerate(records, 1)])


@settings(max_examples=200, deadline=None)
@given(st.one_of(_sound_clients, _client_records))
def test_a_client_file_reads_the_same_fast_or_slow(tmp_path_factory: pytest.TempPathFactory,
                                                   records: list[dict[str, Any]]) -> None:
    from salonctl.files import store

    root = tmp_path_factory.mktemp("salon")
    path = root / "clients" / "0000.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yamlio.dump_block(records), encoding="utf-8")
    fast = store.Salon(root).client_files.load_bucket(path)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    original = flowline.read_block
    try:
        flowline.read_block = lambda text: None  # type: ignore[assignment]
        slow = store.Salon(root).client_files.load_bucket(path)
    finally:
        flowline.read_block = original  # type: ignore[assignment]
    assert fast == slow
    event("clean" if not fast[1] else "with problems")
