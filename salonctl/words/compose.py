"""One conversation per client: a row's reasons composed into one script to read aloud (or,
for a message, to send).

A call is short (the seeds say 3-5 minutes, and its script about a minute), and everything
in it must be true of her history. So:
- one greeting (a call asks whether now is a good time; a message does not), then
- the wishes first (a festival, her birthday, the season: the rules that are messages),
- then one paragraph a visit, newest first: its lead reason's script names what she had
  done and took home, and every other reason that fired on that visit adds its own question
  (its `[ask]` lines: a treatment's "how has the skin been since", a treatment product's
  reaction check, a supplement's daily use). Questions of one name (`[ask:usage]`) are
  asked once a paragraph. Each reason names only its own products, so "first time" is said
  only of what she never bought before;
- then the reminders (a booking, a card, a course, a complaint...): reasons about the same
  thing (the same event, product, or a shared `topic`) are one reminder, said by the most
  urgent of them;
- then at most one offer: a line tagged [book] (never when she has a booking) or else one
  tagged [sell]; neither while she has an open complaint. A message carries only its own
  offer, never a call's reminders;
- one closing.
Up to three paragraphs and reminders are said in full. When the script would run over a
minute (400 characters in Chinese, 120 words in English), things give way in this order:
the offer, then the reminders that are not must-calls (least urgent first), then the older
visits (oldest first), then the must-call reminders; each one given way is named in one
line ("另外：…" / "Also: …"). The wishes and the newest visit always stay.
No sentence is said twice, and no date is read as 2026-11-20 (see `spoken`).
Pure: the day of the call comes with the row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from salonctl.engine import catalogue, model, scripts, worklist
from salonctl.engine.anchors import Event
from salonctl.engine.rules import DueRow, Reason
from salonctl.engine.standing import Circumstances
from salonctl.words import spoken
from salonctl.words.phrases import say

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
# Where a product acts, as a script asks about it; None: a product with no known area.
AREA_WORDS: dict[str, dict[str | None, str]] = {
    "zh-CN": {"face": "脸上的皮肤", "body": "身体", "hair": "头发", "eyes": "眼周",
              "hands": "双手", "lips": "嘴唇", None: "用的地方"},
    "en": {"face": "your skin", "body": "your body", "hair": "your hair",
           "eyes": "the skin around your eyes", "hands": "your hands", "lips": "your lips",
           None: "the area you use it on"},
}
PRONOUNS = {"zh-CN": ("它", "它们"), "en": ("it", "them")}  # one product, several
UNNAMED_SERVICE = {"zh-CN": "护理", "en": "treatment"}




@dataclass(frozen=True)
class Topic:
    """One part of the conversation: a wish, a visit's paragraph, or a reminder."""

    title: str  # the "also" line's words when it is not said in full
    lines: tuple[str, ...]
    book: tuple[str, ...] = ()
    sell: tuple[str, ...] = ()
    kind: str = "reminder"  # wish | visit | reminder
    must: bool = False
    day: date = date.min  # a visit's day, newest first


@dataclass(frozen=True)
class Words:
    """What composing needs besides the row: the salon, its scripts, and where each
    catalogue product acts (by folded name)."""

    settings: model.Settings
    library: Mapping[str, scripts.Template]
    areas: Mapping[str, str] = field(default_factory=dict)


def compose(row: DueRow, settings: model.Settings, library: Mapping[str, scripts.Template],
            circumstances: Circumstances, areas: Mapping[str, str] | None = None) -> str:
    """The script of one row: a call, or (every reason a message) a message."""
    words = Words(settings, library, areas or {})
    language = settings.language
    common = common_fields(row.client, settings, circumstances.last_visit, row.date)
    frame = "call" if row.channel == "phone" else "message"
    greeting = library[f"greeting-{frame}"].fill(common)
    closing = library[f"closing-{frame}"].fill(common)
    topics = _topics(row, common, words)
    script = ""
    for folded, with_offer in _attempts(topics):
        said = [t for i, t in enumerate(topics) if i not in folded]
        offer = _offer(said, circumstances, row.kind == "message") if with_offer else []
        script = _assemble(greeting, topics, folded, offer, closing, language)
        if fits(script, language):
            break
    return script


def fits(script: str, language: str) -> bool:
    """Does it read aloud in about a minute?"""
    if language == "zh-CN":
        return len(re.sub(r"\s", "", script)) <= MAX_CHARACTERS
    return len(script.split()) <= MAX_WORDS


def _offer(topics: list[Topic], circumstances: Circumstances, message: bool) -> list[str]:
    """The one offer of the conversation, from what is said in full: a booking if she has
    none (never in a message), else a sale; none while a complaint of hers is open."""
    if circumstances.complaint_open:
        return []
    if not message and not circumstances.booked:
        for topic in topics:
            if topic.book:
                return [topic.book[0]]
    return next(([topic.sell[0]] for topic in topics if topic.sell), [])


def _attempts(topics: list[Topic]) -> Iterable[tuple[set[int], bool]]:
    """What is said in full, tried from the most to the least: all (but the topics beyond
    FULL_TOPICS) with the offer, then without it, then folding one more topic each time."""
    order = _giving_way(topics)
    spoken_topics = [i for i, t in enumerate(topics) if t.kind != "wish"]
    folded = set(order[:max(0, len(spoken_topics) - FULL_TOPICS)])
    yield set(folded), True
    yield set(folded), False
    for index in order:
        if index not in folded:
            folded.add(index)
            yield set(folded), False


def _giving_way(topics: list[Topic]) -> list[int]:
    """The order topics give way in: reminders that are not must-calls (least urgent, said
    last, first), the older visits (oldest first), the must-call reminders. The wishes and
    the newest visit never do."""
    reminders = [i for i, t in enumerate(topics) if t.kind == "reminder"]
    visits = sorted((i for i, t in enumerate(topics) if t.kind == "visit"),
                    key=lambda i: topics[i].day)
    return ([i for i in reversed(reminders) if not topics[i].must] + visits[:-1]
            + [i for i in reversed(reminders) if topics[i].must])


def _assemble(greeting: str, topics: list[Topic], folded: set[int], offer: list[str],
              closing: str, language: str) -> str:
    lines = [greeting]
    for index, topic in enumerate(topics):
        if index not in folded:
            lines += topic.lines
    lines += offer
    if folded:
        titles = say(language, "topics-join").join(
            topics[i].title for i in sorted(folded))
        lines.append(say(language, "also", topics=titles))
    lines.append(closing)
    return "\n".join(_once(lines, language))


# --- topics -------------------------------------------------------------------------------


def _topics(row: DueRow, common: dict[str, str], words: Words) -> list[Topic]:
    """The row's reasons as the parts of one conversation, in the order they are said."""
    wishes = [r for r in row.reasons if r.occurrence.rule.message]
    visits = [r for r in row.reasons if not r.occurrence.rule.message and r.occurrence.event.visit]
    rest = [r for r in row.reasons if not r.occurrence.rule.message and not r.occurrence.event.visit]
    by_visit: dict[str, list[Reason]] = {}
    for reason in visits:
        by_visit.setdefault(str(reason.occurrence.event.visit), []).append(reason)
    paragraphs = sorted((_led(group) for group in by_visit.values()),
                        key=lambda g: g[0].occurrence.event.date, reverse=True)
    return ([_topic(group, "wish", common, words, row.date) for group in topics_of(tuple(wishes))]
            + [_topic(group, "visit", common, words, row.date) for group in paragraphs]
            + [_topic(group, "reminder", common, words, row.date)
               for group in topics_of(tuple(rest))])


def _led(group: list[Reason]) -> list[Reason]:
    """A visit's reasons, led by the one that names most of what she took home (the most
    urgent of those): its script opens the paragraph."""
    lead = min(range(len(group)), key=lambda i: -len(group[i].occurrence.event.products))
    return [group[lead], *group[:lead], *group[lead + 1:]]


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


def _topic(group: list[Reason], kind: str, common: dict[str, str], words: Words,
           day: date) -> Topic:
    """A group's lines: a wish or a reminder is said by its lead reason's script (the others
    are the same thing said for another rule); a visit's paragraph is its lead reason's
    script, then every other reason's own questions, each question once."""
    lines: list[str] = []
    asked: set[str] = set()
    offers: list[tuple[str, str]] = []
    for place, reason in enumerate(group):
        filled = words.library[script_name(reason)].lines(
            {**common, **reason_fields(reason, day, words)})
        offers += [(tag, text) for tag, text in filled if tag in ("book", "sell")]
        if place == 0:
            lines += [text for tag, text in filled if tag not in ("book", "sell")]
            asked |= {tag for tag, _ in filled if tag.startswith("ask:")}
        elif kind == "visit":
            lines += _questions(filled, asked)
    titles = dict.fromkeys(r.occurrence.rule.title for r in group) if kind == "visit" \
        else {group[0].occurrence.rule.title: None}  # a visit gives way naming every rule on it
    return Topic(
        title=say(words.settings.language, "products-join").join(titles), lines=tuple(lines),
        book=tuple(text for tag, text in offers if tag == "book"),
        sell=tuple(text for tag, text in offers if tag == "sell"),
        kind=kind, must=any(r.occurrence.rule.must for r in group),
        day=group[0].occurrence.event.date,
    )


def _questions(filled: list[tuple[str, str]], asked: set[str]) -> list[str]:
    """A further reason's own questions in a visit's paragraph: its [ask] lines, but one
    of a name already asked; a script with no [ask] line says its plain lines instead."""
    asks = [(tag, text) for tag, text in filled if tag == "ask" or tag.startswith("ask:")]
    if not asks:
        return [text for tag, text in filled if tag == ""]
    found = []
    for tag, text in asks:
        if tag in asked:
            continue
        if tag != "ask":
            asked.add(tag)
        found.append(text)
    return found


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
        "speaker": _speaker(client, settings),
        "salon_phone": settings.contact.phone or "",
        "last_visit": spoken.say_day(last_visit, day, language) if last_visit else "",
        "days_since_visit": spoken.say_days((day - last_visit).days, language) if last_visit else "",
        "skin_type": client.skin_type or "", "preferences": client.preferences or "",
        "hobbies": client.hobbies or "", "allergies": client.allergies or "",
        "note": _quoted(client.note or ""),
    }


def _speaker(client: model.Client, settings: model.Settings) -> str:
    """Who is speaking, as a greeting says it: 悦颜美容会所的小李 / 的前台; Lily from Belle
    Salon, or the front desk of Belle Salon when no one is named."""
    if settings.language == "zh-CN":
        return f"{settings.name}的{worklist.caller_of(client, settings)}"
    person = client.consultant or settings.contact.caller
    return f"{person} from {settings.name}" if person else f"the front desk of {settings.name}"


def reason_fields(reason: Reason, day: date, words: Words) -> dict[str, str]:
    """The reason's own fields, days said as people say them, its products (its own, not
    the paragraph's) with how to refer to them and where they act."""
    language = words.settings.language
    event = reason.occurrence.event
    values: dict[str, str] = {"days_since": spoken.say_days((day - event.date).days, language)}
    for name, value in event.fields.items():
        if name == "deadline":
            values[name] = spoken.say_deadline(date.fromisoformat(value), day, language)
        elif name in DAY_FIELDS and value:
            values[name] = spoken.say_day(date.fromisoformat(value), day, language)
        elif name in QUOTED_FIELDS:
            values[name] = _quoted(value)
        elif name == "service" and not value:  # a booking that names no service
            values[name] = UNNAMED_SERVICE[language]
        else:
            values[name] = value
    names = event.products or tuple(n for n in [event.fields.get("products", "")] if n)
    values["product_pronoun"] = PRONOUNS[language][len(names) > 1]
    values["area"] = _area(event, words)
    if "services" in event.fields:
        values["visit"] = _visit_said(values["services"], values.get("products", ""), language)
    return values


def _visit_said(services: str, products: str, language: str) -> str:
    """What she had done and took home, as one phrase: 来做了补水，还带回去了精华 / came
    in for your facial and took home the serum."""
    if language == "zh-CN":
        parts = [f"来做了{services}" if services else "", f"带回去了{products}" if products else ""]
        return "，还".join(p for p in parts if p)
    parts = [f"came in for your {services}" if services else "",
             f"took home the {products}" if products else ""]
    return " and ".join(p for p in parts if p)


def _area(event: Event, words: Words) -> str:
    """Where the event's products act, as the script asks about it: their common area,
    else neutral words (a face serum is never asked about "your body")."""
    names = list(event.products) or [event.fields.get("products", "")]
    categories = event.fields.get("categories", "").split(",")
    categories += [""] * (len(names) - len(categories))
    found = {catalogue.area_of(name, category, words.areas)
             for name, category in zip(names, categories, strict=False)}
    area = found.pop() if len(found) == 1 else None
    return AREA_WORDS[words.settings.language][area]


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


