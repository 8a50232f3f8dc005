"""One conversation per client: a row's reasons composed into one script to read aloud.

A call is short (the seeds say 3-5 minutes, and its script about a minute), so:
- one greeting (a call asks whether now is a good time), the topics, one closing;
- reasons about the same thing make one topic: the same visit, the same product, or rules
  that share a `topic` (a win-back and a check-in both ask how she has been). The topic is
  said once, by its most urgent reason's script, naming every product the topic covers;
- lines tagged [book] (an offer to book) and [sell] (an offer) are said once a call, after
  the topics; never a booking offer when she has booked, never either while she has an open
  complaint;
- up to three topics are said in full; the rest become one reminder line ("另外：…"), and
  fewer are said in full if the script would still run over a minute (400 characters in
  Chinese, 120 words in English);
- no sentence is said twice, and no date is read as 2026-11-20 (see `spoken`).
Pure: the day of the call comes with the row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from salonctl import model, scripts, spoken, worklist
from salonctl.anchors import SalonView
from salonctl.rules import DueRow, Reason
from salonctl.words import say

FULL_TOPICS = 3
MAX_CHARACTERS = 400  # zh-CN, white space not counted
MAX_WORDS = 120  # en
QUOTE_LIMIT = 40  # a complaint or a note is quoted up to this many characters
# Fields holding a day: read aloud relative to the call.
DAY_FIELDS = frozenset({
    "visit_date", "sale_date", "appointment_date", "birthday", "holiday_date", "course_end",
    "card_until", "last_contact", "complaint_date", "closed_date", "window_end", "last_visit",
})
QUOTED_FIELDS = ("complaint", "products", "services", "course", "guest", "note")


@dataclass(frozen=True)
class Circumstances:
    """What the script must not contradict: her last visit, a booking, an open complaint."""

    last_visit: date | None = None
    booked: bool = False
    complaint_open: bool = False


@dataclass(frozen=True)
class Topic:
    title: str  # the reminder line's words when the topic is not said in full
    lines: tuple[str, ...]
    book: tuple[str, ...]
    sell: tuple[str, ...]


def compose(row: DueRow, settings: model.Settings, library: Mapping[str, scripts.Template],
            circumstances: Circumstances) -> str:
    language = settings.language
    common = common_fields(row.client, settings, circumstances.last_visit, row.date)
    frame = "call" if row.channel == "phone" else "message"
    greeting = library[f"greeting-{frame}"].fill(common)
    closing = library[f"closing-{frame}"].fill(common)
    topics = [_topic(group, common, library, row.date, language) for group in topics_of(row.reasons)]
    book = [] if circumstances.booked or circumstances.complaint_open else _first(t.book for t in topics)
    sell = [] if circumstances.complaint_open else _first(t.sell for t in topics)
    attempts = [(full, asks) for full in range(min(FULL_TOPICS, len(topics)), 0, -1)
                for asks in (book + sell, book)]
    script = ""
    for full, asks in attempts or [(0, [])]:
        script = _assemble(greeting, topics, full, asks, closing, language)
        if fits(script, language):
            break
    return script


def fits(script: str, language: str) -> bool:
    """Does it read aloud in about a minute?"""
    if language == "zh-CN":
        return len(re.sub(r"\s", "", script)) <= MAX_CHARACTERS
    return len(script.split()) <= MAX_WORDS


def _first(groups: Iterable[tuple[str, ...]]) -> list[str]:
    """The first line of the first group that has one: an offer is made once a call."""
    for lines in groups:
        if lines:
            return [lines[0]]
    return []


def _assemble(greeting: str, topics: list[Topic], full: int, asks: list[str], closing: str,
              language: str) -> str:
    lines = [greeting]
    for topic in topics[:full]:
        lines += topic.lines
    lines += asks
    rest = topics[full:]
    if rest:
        titles = say(language, "topics-join").join(t.title for t in rest)
        lines.append(say(language, "also", topics=titles))
    lines.append(closing)
    return "\n".join(_once(lines, language))


# --- topics -------------------------------------------------------------------------------


def topics_of(reasons: tuple[Reason, ...]) -> list[list[Reason]]:
    """The reasons grouped by what they are about, in the order of their first reason."""
    groups: list[tuple[set[str], list[Reason]]] = []
    for reason in reasons:
        keys = _about(reason)
        for known, members in groups:
            if keys & known:
                known |= keys
                members.append(reason)
                break
        else:
            groups.append((set(keys), [reason]))
    return [members for _, members in groups]


def _about(reason: Reason) -> set[str]:
    occurrence = reason.occurrence
    rule, event = occurrence.rule, occurrence.event
    keys = {f"event:{rule.anchor}:{event.key}"}
    if rule.topic:
        keys.add(f"topic:{rule.topic}")
    if event.visit:
        keys.add(f"visit:{event.visit}")
    keys.update(f"product:{name}" for name in event.products)
    return keys


def _topic(group: list[Reason], common: dict[str, str], library: Mapping[str, scripts.Template],
           day: date, language: str) -> Topic:
    """The lead reason's script says the topic, naming every product in it; the offers of
    every reason in it are kept for the end of the call."""
    products = list(dict.fromkeys(name for r in group for name in r.occurrence.event.products))
    filled = []
    for reason in group:
        values = {**common, **reason_fields(reason, day, language)}
        if products and "products" in reason.occurrence.event.fields:
            values["products"] = _quoted(say(language, "products-join").join(products))
        filled.append(library[script_name(reason)].lines(values))
    offers = [line for lines in filled for line in lines]
    return Topic(
        title=group[0].occurrence.rule.title,
        lines=tuple(text for kind, text in filled[0] if kind == ""),
        book=tuple(text for kind, text in offers if kind == "book"),
        sell=tuple(text for kind, text in offers if kind == "sell"),
    )


def script_name(reason: Reason) -> str:
    """The script a reason reads: its rule's, for its offset and stage (a complaint's
    first reply, a late one, a follow-up)."""
    name = reason.occurrence.rule.script_for(reason.occurrence.offset)
    return f"{name}-{reason.status.stage}" if reason.status.stage else name


# --- fields -------------------------------------------------------------------------------


def common_fields(client: model.Client, settings: model.Settings, last_visit: date | None,
                  day: date) -> dict[str, str]:
    language = settings.language
    caller = worklist.caller_of(client, settings)
    return {
        "salutation": scripts.salutation(client, language),
        "name": client.name, "salon": settings.name, "caller": caller,
        "salon_phone": settings.contact.phone or "",
        "last_visit": spoken.say_day(last_visit, day, language) if last_visit else "",
        "days_since_visit": spoken.say_days((day - last_visit).days, language) if last_visit else "",
        "skin_type": client.skin_type or "", "preferences": client.preferences or "",
        "hobbies": client.hobbies or "", "allergies": client.allergies or "",
        "note": _quoted(client.note or ""),
    }


def reason_fields(reason: Reason, day: date, language: str) -> dict[str, str]:
    """The reason's own fields, days said as people say them."""
    event = reason.occurrence.event
    values: dict[str, str] = {"days_since": spoken.say_days((day - event.date).days, language)}
    for name, value in event.fields.items():
        if name == "deadline":
            values[name] = spoken.say_deadline(date.fromisoformat(value), day, language)
        elif name in DAY_FIELDS and value:
            values[name] = spoken.say_day(date.fromisoformat(value), day, language)
        elif name in QUOTED_FIELDS:
            values[name] = _quoted(value)
        else:
            values[name] = value
    return values


def _quoted(text: str) -> str:
    """Client text is quoted whole up to a limit, so one long note cannot fill the call."""
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT - 1] + "…"


# --- each sentence once -------------------------------------------------------------------

_ZH_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")
_EN_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _sentences(line: str, language: str) -> list[str]:
    if language == "zh-CN":
        return [s for s in _ZH_SENTENCE.findall(line) if s.strip()]
    return [s for s in _EN_SENTENCE.split(line) if s.strip()]


def _once(lines: list[str], language: str) -> list[str]:
    """The lines with any sentence already said dropped (a line left empty goes too)."""
    seen: set[str] = set()
    kept = []
    joiner = "" if language == "zh-CN" else " "
    for line in lines:
        fresh = []
        for sentence in _sentences(line, language):
            key = re.sub(r"\s+", " ", sentence).strip()
            if key not in seen:
                seen.add(key)
                fresh.append(sentence.strip())
        if fresh:
            kept.append(joiner.join(fresh))
    return kept


def circumstances_of(view: SalonView, client_id: str, day: date) -> Circumstances:
    """What stands for her on `day`: her last visit, a booking from that day on, an open
    complaint."""
    book = view.book(client_id)
    visits = [v.date for v in book.visits if v.date <= day]
    booked = any(a.date >= day and (a.booked is None or a.booked <= day) for a in book.appointments)
    complaint_open = any(c.date <= day and not (c.id in view.closed and view.closed[c.id] <= day)
                         for c in book.complaints)
    return Circumstances(visits[-1] if visits else None, booked, complaint_open)
