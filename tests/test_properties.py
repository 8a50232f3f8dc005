"""Invariants of the engine on random small salons (the engine is pure: no files needed)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given, settings, target
from hypothesis import strategies as st

from salonctl import compose, model, rulebook, rules, scripts
from salonctl.anchors import SalonView

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
    return rules.due_on(SalonView(SETTINGS, clients, history), RULES, day)


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
                                 compose.circumstances_of(view, row.client.id, day))
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
