"""The events a follow-up call hangs on, for one client and one rule, between two dates.

`SalonView` indexes the salon once (history by client, guests by referrer); `events` then
answers "which sales, birthdays, festivals... of hers does this rule hang on" for a range of
dates. Pure: no I/O, no clock; the language only names holidays and seasons.
"""

from __future__ import annotations

import calendar as gregorian
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from salonctl.engine import calendar, cards, catalogue, model
from salonctl.engine.ruleset import Rule


@dataclass(frozen=True)
class Event:
    """One event a rule hangs on: a sale, an appointment, this year's birthday..."""

    key: str  # stable: the same event always has the same key (a refusal is per event)
    date: date
    fields: dict[str, str] = field(default_factory=dict, compare=False)
    visit: str | None = None  # the visit this event is, when it is one (for stop_if)
    products: tuple[str, ...] = field(default=(), compare=False)  # the products it is about


@dataclass
class ClientBook:
    """One client's history, each list in date order."""

    visits: list[model.Visit] = field(default_factory=list)
    appointments: list[model.Appointment] = field(default_factory=list)
    cards: list[model.Card] = field(default_factory=list)
    topups: list[model.CardTopUp] = field(default_factory=list)
    courses: list[model.Course] = field(default_factory=list)
    calls: list[model.Call] = field(default_factory=list)
    complaints: list[model.Complaint] = field(default_factory=list)
    guests: list[model.Client] = field(default_factory=list)


class SalonView:
    """Everything the engine reads, indexed by client."""

    def __init__(
        self, settings: model.Settings, clients: list[model.Client], history: model.History,
        max_tries: int = 3, others: Iterable[model.Client] = (), as_of: date | None = None,
    ) -> None:
        """`clients` are the ones the engine evaluates; `others` are only read, for what
        they mean to those (a derived store's partial view passes her guests there). With
        `as_of`, the view holds only what was recorded by that day (`History.recorded_by`):
        a past day's sheet is what the desk saw that morning, whatever was added since."""
        self.settings = settings
        self.language = settings.language
        self.clients = clients
        self.others = tuple(others)
        self.history = history
        self.as_of = as_of
        self.by_id = {c.id: c for c in clients}
        self.open_days = calendar.OpenDays(settings.opening)
        self.max_tries = max_tries
        self.memo: dict[Any, Any] = {}  # the engine's per-run cache of shared occurrences
        # Per client, the first day a record made after `as_of` can change her state.
        self.later: dict[str, date] = {}
        if as_of is not None:
            history, self.later = history.recorded_by(as_of)
        self.closed = {c.closes: c.date for c in history.closures}
        self.books: dict[str, ClientBook] = defaultdict(ClientBook)
        live = history.live_appointments()
        for name in ("visits", "cards", "topups", "courses", "calls", "complaints"):
            for entry in getattr(history, name):
                getattr(self.books[entry.client], name).append(entry)
        for appointment in live:
            self.books[appointment.client].appointments.append(appointment)
        for client in (*clients, *self.others):
            if client.referred_by:
                self.books[client.referred_by].guests.append(client)

    def on(self, day: date) -> SalonView:
        """The same salon as it stood on `day` (shared occurrences are shared)."""
        if day == self.as_of:
            return self
        view = SalonView(self.settings, self.clients, self.history, self.max_tries,
                         self.others, day)
        view.memo = self.memo
        return view

    def book(self, client_id: str) -> ClientBook:
        return self.books.get(client_id) or ClientBook()


def _d(day: date) -> str:
    return day.isoformat()


def say_list(items: list[str] | tuple[str, ...], language: str, article: str = "") -> str:
    """Things named together as people say them: 祛痘精华和防晒乳, 甲、乙和丙; "rose toner
    and the night balm" (English repeats the article the script puts before the first)."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    if language == "zh-CN":
        return "、".join(items[:-1]) + "和" + items[-1]
    rest = [article + item for item in items[1:]]
    return ", ".join([items[0], *rest[:-1]]) + " and " + rest[-1]


def _join(items: Iterable[str], language: str, article: str = "") -> str:
    return say_list(tuple(items), language, article)


def _products(products: Iterable[model.Product], language: str) -> dict[str, str]:
    """A sale's fields naming its products (a script writes "the {products}" in English),
    and each product's category, for the words of where it acts."""
    chosen = tuple(products)
    return {"products": _join((p.name for p in chosen), language, "the "),
            "categories": ",".join(p.category for p in chosen)}


EventSource = Callable[[Rule, model.Client, ClientBook, SalonView, date, date], list[Event]]


def events(
    rule: Rule, client: model.Client, view: SalonView, low: date, high: date
) -> list[Event]:
    """The events of `rule`'s anchor for this client dated between `low` and `high`."""
    found = _SOURCES[rule.anchor](rule, client, view.book(client.id), view, low, high)
    return [e for e in found if low <= e.date <= high]


def _purchases(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
               low: date, high: date) -> list[Event]:
    found: list[Event] = []
    bought: set[str] = set()
    # Without the "new product" condition only recent visits matter: skip the old ones.
    visits = book.visits if rule.when.new_product else _since(book.visits, low)
    for visit in visits:
        products = [p for p in visit.products if not rule.products or p.category in rule.products]
        if rule.when.new_product:
            products = [p for p in products if p.name not in bought]
        bought.update(p.name for p in visit.products)
        if products and low <= visit.date <= high:
            found.append(Event(visit.id, visit.date, {
                **_products(products, view.language), "sale_date": _d(visit.date),
            }, visit=visit.id, products=tuple(p.name for p in products)))
    return found


def _since(visits: list[model.Visit], low: date) -> list[model.Visit]:
    """The visits on or after `low` (the list is in date order)."""
    start = len(visits)
    while start > 0 and visits[start - 1].date >= low:
        start -= 1
    return visits[start:]


def _visit_event(visit: model.Visit, language: str) -> Event:
    return Event(visit.id, visit.date, {
        "services": _join(visit.services, language),
        **_products(visit.products, language),
        "visit_date": _d(visit.date),
    }, visit=visit.id, products=tuple(p.name for p in visit.products))


def _visits(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
            low: date, high: date) -> list[Event]:
    return [_visit_event(v, view.language) for v in _since(book.visits, low) if v.services]


def _first_visit(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
                 low: date, high: date) -> list[Event]:
    """Her first visit, if it was her first to the salon (not the first one an import of
    a regular's history brought in)."""
    if not book.visits or not client.first_visit_counts(book.visits[0].date):
        return []
    return [_visit_event(book.visits[0], view.language)]


def _appointments(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
                  low: date, high: date) -> list[Event]:
    return [Event(a.id, a.date, {
        "appointment_date": _d(a.date), "appointment_time": a.time, "service": a.service or "",
    }) for a in book.appointments]


def _years(low: date, high: date) -> range:
    return range(max(low.year, calendar.FIRST_YEAR + 1), min(high.year, calendar.LAST_YEAR) + 1)


def _birthdays(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
               low: date, high: date) -> list[Event]:
    found = []
    for year in _years(low, high):
        day = calendar.birthday_in(client, year)
        if day is not None:
            found.append(Event(f"birthday-{year}", day, {"birthday": _d(day)}))
    return found


def _holidays(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
              low: date, high: date) -> list[Event]:
    holiday = calendar.HOLIDAYS[rule.holiday or ""]
    found = []
    for year in _years(low, high):
        day = holiday.on(year)
        found.append(Event(f"{holiday.id}-{year}", day, {
            "holiday": holiday.name(view.language), "holiday_date": _d(day)}))
    return found


def _seasons(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
             low: date, high: date) -> list[Event]:
    return [
        Event(f"{season}-{day.year}", day, {"season": calendar.season_name(season, view.language)})
        for year in _years(low, high) for season, _, day in calendar.season_starts(year)
    ]


def _yearly(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
            low: date, high: date) -> list[Event]:
    assert rule.yearly is not None
    start, end = rule.yearly
    found = []
    for year in _years(low, high):
        first = _month_day_in(start, year)
        last = _month_day_in(end, year if end >= start else year + 1)
        found.append(Event(f"{rule.id}-{year}", first, {"window_end": _d(last)}))
    return found


def _month_day_in(month_day: str, year: int) -> date:
    month, day = int(month_day[:2]), int(month_day[3:])
    return date(year, month, min(day, gregorian.monthrange(year, month)[1]))


def _last_visit(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
                low: date, high: date) -> list[Event]:
    seen = [v for v in book.visits if v.date <= high]
    return [Event(f"last-visit-{seen[-1].id}", seen[-1].date)] if seen else []


def _last_contact(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
                  low: date, high: date) -> list[Event]:
    """The later of her last visit and her last reached call: a yearly check-in counts from
    when the salon last actually spoke with her, not from the calendar."""
    days = [v.date for v in book.visits if v.date <= high]
    days += [c.date for c in book.calls if c.outcome == "reached" and c.date <= high]
    if not days:
        return []
    last = max(days)
    return [Event(f"contact-{_d(last)}", last, {"last_contact": _d(last)})]


def _course_days(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
                 low: date, high: date) -> list[Event]:
    """Check-in days of each course: 30 or 31 in a shorter month clamps to its last day."""
    found = []
    for course in book.courses:
        month = date(course.start.year, course.start.month, 1)
        while month <= min(course.end, high):
            last = gregorian.monthrange(month.year, month.month)[1]
            for day in sorted({min(d, last) for d in course.check_days}):
                when = month.replace(day=day)
                if course.start < when <= course.end:
                    found.append(Event(f"{course.id}-{_d(when)}", when, _course_fields(course)))
            month = (month + timedelta(days=32)).replace(day=1)
    return found


def _course_fields(course: model.Course) -> dict[str, str]:
    return {"course": course.name, "course_end": _d(course.end)}


def _course_ends(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
                 low: date, high: date) -> list[Event]:
    return [Event(f"{c.id}-end", c.end, _course_fields(c)) for c in book.courses]


def _complaints(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
                low: date, high: date) -> list[Event]:
    return [Event(c.id, c.date, {
        "complaint": c.text, "complaint_date": _d(c.date),
        "deadline": f"{_d(c.date + timedelta(days=2))}",
    }) for c in book.complaints]


def _guest_visits(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
                  low: date, high: date) -> list[Event]:
    """A guest she referred came for the first time: the call is to her, the referrer."""
    found = []
    for guest in book.guests:
        visits = view.book(guest.id).visits
        if visits and guest.first_visit_counts(visits[0].date):
            found.append(Event(f"guest-{visits[0].id}", visits[0].date, {
                "guest": guest.name, "guest_pronoun": _pronoun(guest, view.language)}))
    return found


_PRONOUNS = {"zh-CN": {"female": "她", "male": "他", None: "您的朋友"},
             "en": {"female": "her", "male": "him", None: "your guest"}}


def _pronoun(client: model.Client, language: str) -> str:
    """How a script refers to her guest: by gender when known, else "your guest"."""
    return _PRONOUNS[language][client.gender]


def _complaints_closed(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
                       low: date, high: date) -> list[Event]:
    """A complaint closed: a satisfaction call hangs on the day it was closed."""
    return [Event(f"{c.id}-closed", view.closed[c.id], {
        "complaint": c.text, "complaint_date": _d(c.date), "closed_date": _d(view.closed[c.id]),
    }) for c in book.complaints if c.id in view.closed]


def _card_expiry(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
                 low: date, high: date) -> list[Event]:
    """A card's last day: worth a call while something is left on it."""
    return [Event(f"{c.id}-expiry", c.until, {"card": c.type, "card_until": _d(c.until)})
            for c in book.cards
            if c.until is not None and (rule.when.trial is None or c.trial == rule.when.trial)
            and not _used_up(c, book)]


def _used_up(card: model.Card, book: ClientBook) -> bool:
    return cards.state_of(card, [v for v in book.visits if v.card == card.id],
                          [t for t in book.topups if t.tops_up == card.id]).empty()


def _card_low(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
              low: date, high: date) -> list[Event]:
    """A card nearly used up: the day of the visit that left it with 2 sessions or a tenth of
    its money (or less); again after a top-up has lifted it and it runs low once more."""
    events = []
    for card in book.cards:
        if rule.when.trial is not None and card.trial != rule.when.trial:
            continue
        uses = sorted((v for v in book.visits if v.card == card.id), key=lambda v: v.date)
        topups = [t for t in book.topups if t.tops_up == card.id]
        was_low, follow_up = False, view.settings.follow_up
        for count, visit in enumerate(uses, start=1):
            held = cards.state_of(card, uses[:count], [t for t in topups if t.date <= visit.date])
            now_low = held.low(follow_up.card_low_sessions, follow_up.card_low_share)
            if now_low and not was_low and not held.expired(visit.date):
                events.append(Event(f"{card.id}-low-{count}", visit.date,
                                    {"card": card.type, "card_left": _left_said(held, view)}))
            was_low = now_low
    return events


def _product_use(rule: Rule, client: model.Client, book: ClientBook, view: SalonView,
                 low: date, high: date) -> list[Event]:
    """A product sold with its days of use: the day most of them are gone (80% by default),
    when the next one is worth offering."""
    share = view.settings.follow_up.repurchase_share
    events = []
    for visit in book.visits:
        for index, product in enumerate(visit.products):
            if product.days is None:
                continue
            day = catalogue.repurchase_day(visit.date, product.days, share)
            events.append(Event(f"{visit.id}-{index}-use", day, {
                **_products([product], view.language), "sale_date": _d(visit.date),
                "days_since": str((day - visit.date).days)}))
    return events


def _left_said(held: cards.CardState, view: SalonView) -> str:
    """What is left as a script says it: 2次 / 2 sessions, 300元 / 300."""
    chinese = view.language == "zh-CN"
    if held.sessions is not None:
        return f"{held.sessions}次" if chinese else f"{held.sessions} sessions"
    return f"{held.balance}元" if chinese else f"{held.balance}"


_SOURCES: dict[str, EventSource] = {
    "purchase": _purchases, "visit": _visits, "first-visit": _first_visit,
    "appointment": _appointments, "birthday": _birthdays, "holiday": _holidays,
    "season": _seasons, "yearly": _yearly, "last-visit": _last_visit,
    "last-contact": _last_contact, "course-day": _course_days, "course-end": _course_ends,
    "complaint": _complaints, "guest-visit": _guest_visits, "card-expiry": _card_expiry,
    "complaint-closed": _complaints_closed, "card-low": _card_low, "product-use": _product_use,
}
