"""Whatever a client file holds comes back exactly, and writing it again changes no byte."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from salonctl.disk import yamlio
from salonctl.engine import model
from salonctl.files import codec, schema

TRICKY = ["no", "on", "off", "yes", "null", "~", "NULL", "true", "1e3", "0x1F", "0612345670",
          "10:30", "2026-11-02", "- item", "a: b", "# not a comment", "---", "...", "'", '"',
          "[x]", "{y}", "*alias", "&anchor", "!tag", "%", "@", "`", "|", ">", "? q", " lead",
          "trail ", "line\nbreak", "王丽", "😀 emoji", "e\u0301", "\u2028"]
# Control characters but the line break are refused as values (see test_validation).
texts = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n"),
            min_size=1, max_size=40),
).filter(lambda s: s.strip() != "")
phones = st.from_regex(r"\+?0?[0-9]{6,12}", fullmatch=True)
ids = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
lunar = st.builds(model.LunarBirthday, st.integers(1, 12), st.integers(1, 30), st.booleans())

clients = st.builds(
    model.Client,
    id=ids, name=texts, phone=phones,
    gender=st.sampled_from([None, *model.GENDERS]),
    birthday=st.none() | days, lunar_birthday=st.none() | lunar,
    category=st.sampled_from(model.CATEGORIES), key=st.booleans(),
    referred_by=st.none() | ids, source=st.none() | texts, consultant=st.none() | texts,
    channel=st.sampled_from(model.CHANNELS), do_not_contact=st.booleans(),
    skin_type=st.none() | texts, allergies=st.none() | texts, preferences=st.none() | texts,
    hobbies=st.none() | texts, note=st.none() | texts, since=st.none() | days,
)


def _load(text: str) -> list[model.Client]:
    raw, problems = yamlio.parse(text, "clients.yaml")
    assert problems == []
    loaded, _, problems = codec.clients_from(raw, "clients.yaml")
    assert problems == []
    return loaded


@settings(max_examples=300, deadline=None)
@given(st.lists(clients, min_size=1, max_size=4))
def test_client_files_round_trip_byte_stable(records: list[model.Client]) -> None:
    text = codec.dump_clients(records)
    assert _load(text) == records
    assert codec.dump_clients(_load(text)) == text


calls = st.builds(
    model.Call, id=ids, client=ids, date=days,
    outcome=st.sampled_from(model.OUTCOMES), rules=st.lists(ids, max_size=3).map(tuple),
    callback=st.none() | days, note=st.none() | texts, by=st.none() | texts,
)


@settings(max_examples=300, deadline=None)
@given(calls)
def test_journal_entries_are_one_line_and_round_trip(call: model.Call) -> None:
    line = yamlio.dump_line(schema.plain(call))
    assert line.endswith("\n") and line.count("\n") == 1
    raw, problems = yamlio.parse(line, "calls.yaml")
    assert problems == []
    values, problems = schema.read_record(raw[0], schema.CALL_FIELDS, "calls.yaml")
    assert problems == []
    assert model.Call(**values) == call  # type: ignore[arg-type]
