"""Invariants of the engine on random small salons (the engine is pure: no files needed)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given, settings, target
from hypothesis import strategies as st

from salonctl.engine import model, rules, schedule, scripts, standing
from salonctl.engine.anchors import SalonView
from salonctl.files import rulebook
from salonctl.words import compose

RULES = rulebook.default_rules("zh-CN")
LIBRARY = rulebook.shipped_scripts("zh-CN")
SETTINGS = model.Settings(name="测试美容院")
# History and sheet days share a season, so most examples have calls on their sheet.
days = st.dates(min_value=date(2026, 9, 1), max_value=date(2026, 12, 31))
products = st.builds(model.Product, st.sampled_from(["精华", "面霜", "口服液", "精油"]),
                     st.sampled_from(model.PRODUCT_CATEGORIES))


@st.composite
def salons(draw: st.DrawFn) -> tuple[list[model.Client], model.History]:
    count = draw(st.integers(1, 5))
    clients = [model.Client(
        id=f"c{n}", name=draw(st.sampled_from(["王丽", "李娜", "Anna Müller", "欧阳雪"])),
        phone=f"13{n:09d}", gender=draw(st.sampled_from([None, "female", "male"])),
        birthday=draw(st.none() | st.dates(date(1960, 1, 1), date(2005, 12, 31))),
        lunar_birthday=draw(st.none() | st.builds(model.LunarBirthday, st.integers(1, 12),
                                                  st.integers(1, 30), st.booleans())),
        category=draw(st.sampled_from(model.CATEGORIES)), key=draw(st.booleans()),
        referred_by="c0" if n and draw(st.booleans()) else None,
        channel=draw(st.sampled_from(model.CHANNELS)), do_not_contact=draw(st.booleans()),
    ) for n in range(count)]
    visits = tuple(sorted((model.Visit(
        f"v{i}", f"c{draw(st.integers(0, count - 1))}", draw(days),
        tuple(draw(st.lists(st.sampled_from(["补水", "按摩"]), max_size=2))),
        tuple(draw(st.lists(products, max_size=2))),
    ) for i in range(draw(st.integers(0, 8)))), key=lambda v: v.date))
    appointments = tuple(model.Appointment(f"a{i}", f"c{draw(st.integers(0, count - 1))}",
                                           draw(days), "10:00", booked=date(2025, 6, 1))
                         for i in range(draw(st.integers(0, 3))))
    complaints = tuple(model.Complaint(f"k{i}", f"c{draw(st.integers(0, count - 1))}",
                                       draw(days), "等太久") for i in range(draw(st.integers(0, 2))))
    return clients, model.History(visits=visits, appointments=appointments, complaints=complaints)


def _sheet(clients: list[model.Client], history: model.History, day: date) -> list[rules.DueRow]:
    return schedule.due_on(SalonView(SETTINGS, clients, history), RULES, day)


@settings(max_examples=150, deadline=None)
@given(salons(), days)
def test_one_row_per_client_no_do_not_contact_and_full_scripts(
        salon: tuple[list[model.Client], model.History], day: date) -> None:
    clients, history = salon
    rows = _sheet(clients, history, day)
    target(len(rows))
    assert len({row.client.id for row in rows}) == len(rows)
    assert not any(row.client.do_not_contact for row in rows)
    view = SalonView(SETTINGS, clients, history)
    for row in rows:
        script = compose.compose(row, SETTINGS, LIBRARY,
                                 standing.circumstances_of(view, row.client.id, day))
        assert "{" not in script and "}" not in script
        greeting = f"{scripts.salutation(row.client, 'zh-CN')}您好"
        assert script.startswith(greeting) and script.count(greeting) == 1
        assert not re.search(r"\d{4}-\d{2}-\d{2}", script)
        assert len(re.sub(r"\s", "", script)) <= 400
        sentences = re.findall(r"[^。！？\n]+[。！？]", script)
        assert len(sentences) == len(set(sentences)), script


def _keys(row: rules.DueRow) -> set[tuple[str, str, int]]:
    return {(r.occurrence.rule.id, r.occurrence.event.key, r.occurrence.offset)
            for r in row.reasons}


@settings(max_examples=100, deadline=None)
@given(salons(), days)
def test_a_reached_call_never_comes_back_for_the_same_occurrence(
        salon: tuple[list[model.Client], model.History], day: date) -> None:
    clients, history = salon
    rows = _sheet(clients, history, day)
    answered = {row.client.id: _keys(row) for row in rows}
    calls = tuple(model.Call(f"call{i}", row.client.id, day, "reached")
                  for i, row in enumerate(rows))
    after = model.History(**{**history.__dict__, "calls": calls})
    for later in (day + timedelta(days=n) for n in range(0, 40, 3)):
        for row in _sheet(clients, after, later):
            again = _keys(row) & answered.get(row.client.id, set())
            # a complaint stays due until it is closed, whatever the calls
            assert all(rule == "complaint-reply" for rule, _, _ in again), again


# --- what a script says is true of her history --------------------------------------------

DAY = date(2026, 11, 24)
# The catalogue's products and where they act (None: the catalogue says nothing).
POOL = {"焕颜精华": ("treatment", "face"), "玫瑰爽肤水": ("care", "face"),
        "纤体精油": ("treatment", "body"), "祛痘精华": ("treatment", None),
        "熏蒸包": ("supplement", None), "晚霜": ("brand", None), "防晒乳": ("care", None)}
AREAS = {name.casefold(): area for name, (_, area) in POOL.items() if area}
FACE = {name for name, (category, area) in POOL.items()
        if area == "face" or (area is None and category == "care")}


@st.composite
def histories(draw: st.DrawFn) -> tuple[model.Client, model.History]:
    """One client's visits over the weeks before DAY (and some long before), with sales from
    the catalogue, maybe a booking and a complaint."""
    client = model.Client(
        "c0", "王丽", "13800000000", gender="female", consultant="小李",
        category=draw(st.sampled_from(["member", "member", "new", "guest"])),
        key=draw(st.booleans()),
        birthday=draw(st.none() | st.dates(date(1970, 11, 10), date(1970, 12, 5))),
        channel=draw(st.sampled_from(model.CHANNELS)))
    dates = draw(st.lists(st.one_of(st.dates(DAY - timedelta(days=7), DAY),
                                    st.dates(DAY - timedelta(days=30), DAY),
                                    st.dates(date(2026, 5, 1), date(2026, 9, 1))),
                          min_size=1, max_size=6, unique=True))
    visits = tuple(model.Visit(
        f"v{i}", "c0", day,
        tuple(draw(st.lists(st.sampled_from(["补水", "祛痘护理"]), max_size=2, unique=True))),
        tuple(model.Product(name, POOL[name][0]) for name in  # type: ignore[arg-type]
              draw(st.lists(st.sampled_from(sorted(POOL)), max_size=3, unique=True))))
        for i, day in enumerate(sorted(dates)))
    complaints = tuple(model.Complaint("k0", "c0", draw(st.dates(DAY - timedelta(days=5), DAY)),
                                       "等太久")
                       for _ in range(draw(st.sampled_from([0, 0, 0, 1]))))
    appointments = tuple(model.Appointment("a0", "c0", day, "10:00", booked=DAY - timedelta(days=9))
                         for day in draw(st.lists(st.dates(DAY, DAY + timedelta(days=2)),
                                                  max_size=1)))
    return client, model.History(visits=visits, complaints=complaints, appointments=appointments)


def _composed(client: model.Client, history: model.History
              ) -> list[tuple[rules.DueRow, str, SalonView]]:
    view = SalonView(SETTINGS, [client], history, as_of=DAY)
    return [(row, compose.compose(row, SETTINGS, LIBRARY,
                                  standing.circumstances_of(view, row.client.id, DAY), AREAS), view)
            for row in schedule.due_on(view, RULES, DAY) for row in (row.part("call"),
                                                                   row.part("message")) if row]


@settings(max_examples=200, deadline=None)
@given(histories())
def test_first_time_is_said_only_of_what_she_never_had(
        salon: tuple[model.Client, model.History]) -> None:
    client, history = salon
    for _row, script, _view in _composed(client, history):
        for said in re.findall(r"第一次用([^，。？]+)", script):
            for name in re.split(r"和|、", said):
                first = min(v.date for v in history.visits if name in {p.name for p in v.products})
                assert first >= DAY - timedelta(days=7), (name, script)  # bought lately, first


@settings(max_examples=200, deadline=None)
@given(histories())
def test_every_rule_on_a_visit_asks_its_question(
        salon: tuple[model.Client, model.History]) -> None:
    client, history = salon
    for row, script, _view in _composed(client, history):
        words = compose.Words(SETTINGS, LIBRARY, AREAS)
        common = compose.common_fields(client, SETTINGS, None, DAY)
        told: dict[str, list[str]] = {}  # a visit's question by name -> how each rule asks it
        asked: list[tuple[rules.Reason, list[tuple[str, str]]]] = []
        for reason in row.reasons:
            if reason.occurrence.event.visit:
                lines = LIBRARY[compose.script_name(reason)].lines(
                    {**common, **compose.reason_fields(reason, DAY, words)})
                asks = [(t, s) for t, s in lines if t.startswith("ask")] or \
                    [(t, s) for t, s in lines if t == ""]
                asked.append((reason, asks))
                for tag, text in asks:
                    told.setdefault(f"{reason.occurrence.event.visit}/{tag}", []).append(text)
        also = next((line for line in script.splitlines() if line.startswith("另外：")), "")
        for reason, asks in asked:
            if reason.occurrence.rule.title in also:
                continue  # gave way to the time limit, and is named
            for tag, _text in asks:
                ways = told[f"{reason.occurrence.event.visit}/{tag}"]
                assert any(all(s in script for s in compose._sentences(way, "zh-CN"))
                           for way in ways), (reason.occurrence.rule.id, script)


@settings(max_examples=200, deadline=None)
@given(histories())
def test_a_face_product_is_never_asked_about_the_body(
        salon: tuple[model.Client, model.History]) -> None:
    client, history = salon
    for _row, script, _view in _composed(client, history):
        for line in script.splitlines():
            named = {name for name in POOL if name in line}
            if named and named <= FACE:
                assert "身体" not in line, script


@settings(max_examples=200, deadline=None)
@given(histories())
def test_a_complaint_row_carries_only_the_complaint_and_her_booking(
        salon: tuple[model.Client, model.History]) -> None:
    client, history = salon
    for row, script, _view in _composed(client, history):
        refs = {r.occurrence.rule.ref for r in row.reasons}
        if "R19" in refs and any(r.occurrence.rule.anchor == "complaint" for r in row.reasons):
            assert refs <= {"R19", "R4"}, refs
        if row.kind == "message":
            assert "打扰您几分钟" not in script
