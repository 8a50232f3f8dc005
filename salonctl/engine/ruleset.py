"""The salon's follow-up rules as values: the vocabulary and the rule model (pure; `rulefile`
reads rules.yaml into it, checked with file:line).

A rule names the event a call hangs on (its anchor), when the call falls relative to it
(offsets, in days, weeks or months), how long it may wait (its window), who it is for
(conditions), what stops it, how it is made (a call or a message), how urgent it is, and the
script to read. Every rule points at the row of DOMAIN.md it implements (`ref: R1`...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

Anchor = Literal[
    "purchase", "visit", "first-visit", "appointment", "birthday", "holiday", "season",
    "yearly", "last-visit", "last-contact", "course-day", "course-end", "complaint",
    "guest-visit", "card-expiry", "complaint-closed", "card-low", "product-use",
]
ANCHORS: tuple[str, ...] = get_args(Anchor)
UNITS = ("days", "weeks", "months")
# A call takes a caller's time and counts toward her day; a message (a greeting, season
# tips) is sent to everyone it concerns and is never held by the day's limit.
KINDS = ("call", "message")
# visited / booked: she came or booked since the event; reached: an earlier call of the same
# rule on the same event reached her (the later offsets were only further tries).
STOPS = ("visited", "booked", "reached")
REFS = tuple(f"R{n}" for n in range(1, 25))
UNTIL_CLOSED_STAGES = ("late", "follow-up")  # scripts after the deadline, after a reply
# Anchors whose calls must come before the event: a closed day moves them earlier.
BEFORE_EVENT_ANCHORS = ("appointment", "birthday", "holiday", "course-end", "card-expiry")


@dataclass(frozen=True)
class Conditions:
    """Who a rule is for; None means "any"."""

    categories: tuple[str, ...] = ()
    key: bool | None = None
    gender: str | None = None
    new_product: bool | None = None
    trial: bool | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    ref: str
    title: str
    anchor: Anchor
    script: str
    offsets: tuple[int, ...] = (0,)
    unit: str = "days"
    early: int = 0
    late: int | None = 0  # None: open until done (a lapse, a complaint)
    when: Conditions = field(default_factory=Conditions)
    products: tuple[str, ...] = ()  # product categories, for purchase anchors
    holiday: str | None = None
    yearly: tuple[str, str] | None = None  # ("10-01", "11-30")
    stop_if: tuple[str, ...] = ()
    until_closed: bool = False
    kind: str = "call"  # call | message (rules.yaml also takes the older `channel:`)
    priority: int = 5
    enabled: bool = True
    must: bool = False  # always on the sheet, whatever the day's limit
    sales: bool = False  # an offer or a sale: held off her row while a complaint is open
    topic: str | None = None  # reasons with one topic on a day make one paragraph
    line: int = 0

    def script_for(self, offset: int) -> str:
        return self.script.replace("{offset}", str(offset))

    def script_names(self) -> list[str]:
        """Every script the rule may read: one per offset, and for a rule open until closed
        (a complaint) its late reply and its follow-up too."""
        names = [self.script_for(offset) for offset in self.offsets]
        if self.until_closed:
            names += [f"{name}-{stage}" for name in names for stage in UNTIL_CLOSED_STAGES]
        return list(dict.fromkeys(names))

    @property
    def message(self) -> bool:
        return self.kind == "message"

    @property
    def before_event(self) -> bool:
        return self.anchor in BEFORE_EVENT_ANCHORS or any(o < 0 for o in self.offsets)
