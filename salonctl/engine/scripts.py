"""Call scripts: plain-text templates with `{field}` slots, filled for one call.

Deliberately small: a slot is a field name and nothing else (`{salutation}`), `{{` and `}}`
are literal braces. There is no attribute access, indexing, conversion or code, so a
template edited by the salon can never reach into the program, and every slot can be
checked before a call sheet is made: an unknown field is an error at `check` time with the
template's file:line:col, never a blank in the middle of a call.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from salonctl.engine import model
from salonctl.errors import Problem
from salonctl.i18n import _

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[a-z][a-z_]*")
# A line may start with a tag saying what kind of line it is, so one call asks once:
# [book] offers to book a visit (never said when she has a booking, or a complaint open);
# [sell] an offer or a sale (never said while a complaint of hers is open);
# [ask] the rule's own question, asked even when another rule leads the paragraph of the
# same visit; [ask:NAME] a question asked once a paragraph, whichever rule asks it first.
TAGS = ("book", "sell", "ask")
_TAG = re.compile(r"\[([A-Za-z_:-]*)\]\s*")
_ASK = re.compile(r"ask(:[a-z][a-z0-9-]*)?")
MAX_BYTES = 20_000

# Fields every script may use; the anchor of a rule adds its own (see ANCHOR_FIELDS).
COMMON_FIELDS = frozenset({
    "salutation", "name", "salon", "caller", "speaker", "salon_phone", "last_visit", "days_since_visit",
    "skin_type", "preferences", "hobbies", "allergies", "note",
})
ANCHOR_FIELDS: dict[str, frozenset[str]] = {
    "purchase": frozenset({"products", "sale_date", "days_since", "product_pronoun", "area"}),
    "visit": frozenset({"services", "products", "visit", "visit_date", "days_since",
                        "product_pronoun", "area"}),
    "first-visit": frozenset({"services", "products", "visit", "visit_date", "days_since",
                              "product_pronoun", "area"}),
    "appointment": frozenset({"appointment_date", "appointment_time", "service"}),
    "birthday": frozenset({"birthday"}),
    "holiday": frozenset({"holiday", "holiday_date"}),
    "season": frozenset({"season"}),
    "yearly": frozenset({"window_end"}),
    "last-visit": frozenset(),
    "last-contact": frozenset({"last_contact"}),
    "course-day": frozenset({"course", "course_end"}),
    "course-end": frozenset({"course", "course_end"}),
    "complaint": frozenset({"complaint", "complaint_date", "deadline"}),
    "guest-visit": frozenset({"guest", "guest_pronoun"}),
    "card-expiry": frozenset({"card", "card_until"}),
    "card-low": frozenset({"card", "card_left"}),
    "product-use": frozenset({"products", "sale_date", "days_since", "product_pronoun", "area"}),
    "complaint-closed": frozenset({"complaint", "complaint_date", "closed_date"}),
}
ALL_FIELDS = COMMON_FIELDS.union(*ANCHOR_FIELDS.values())


@dataclass(frozen=True)
class Template:
    name: str
    path: str
    text: str
    unreadable: Problem | None = None  # why its file could not be read as text, if so

    def fields(self) -> list[tuple[str, int, int]]:
        """Each slot's field name with its 1-based line and column."""
        found = []
        for match in _TOKEN.finditer(self.text):
            if match.group(0) in ("{{", "}}"):
                continue
            line = self.text.count("\n", 0, match.start()) + 1
            column = match.start() - (self.text.rfind("\n", 0, match.start()) + 1) + 1
            found.append((match.group(1) if match.group(1) is not None else match.group(0),
                          line, column))
        return found

    def problems(self, allowed: frozenset[str]) -> list[Problem]:
        if self.unreadable is not None:
            return [self.unreadable]
        size = len(self.text.encode("utf-8"))
        if size > MAX_BYTES:  # a script is read aloud in a minute: this is no script
            return [Problem(self.path, 1, 1, _(
                "the script is {size:,} bytes; a script is at most {limit:,} (about a minute "
                "read aloud is under 1,000): shorten it").format(size=size, limit=MAX_BYTES))]
        problems = self._tag_problems()
        for name, line, column in self.fields():
            if name in ("{", "}"):
                message = f"a lone '{name}': write '{name * 2}' for a brace, or {{field}} for a slot"
            elif not _NAME.fullmatch(name):
                message = f"{{{name}}} is not a field: a slot is a plain name like {{salutation}}"
            elif name not in allowed:
                message = f"unknown field {{{name}}}; this script may use: " + ", ".join(sorted(allowed))
            else:
                continue
            problems.append(Problem(self.path, line, column, message))
        return problems

    def _tag_problems(self) -> list[Problem]:
        problems = []
        for number, line in enumerate(self.text.splitlines(), 1):
            tag = _TAG.match(line)
            if tag and tag.group(1) not in ("book", "sell") and not _ASK.fullmatch(tag.group(1)):
                problems.append(Problem(self.path, number, 1, _(
                    "[{tag}] is not a tag; a line may start with [book], [sell], [ask] or "
                    "[ask:NAME], or not with '['").format(tag=tag.group(1))))
        if not self.text.strip():
            problems.append(Problem(self.path, 1, 1, _("the script is empty; write what to say")))
        return problems

    def fill(self, values: Mapping[str, str]) -> str:
        """The text with every slot filled (tags dropped); a missing value is a bug."""
        return "\n".join(text for _, text in self.lines(values))

    def lines(self, values: Mapping[str, str]) -> list[tuple[str, str]]:
        """Each non-blank line filled, with its tag ("" for a plain line; "ask:NAME" for a
        named question)."""

        def replace(match: re.Match[str]) -> str:
            token = match.group(0)
            if token in ("{{", "}}"):
                return token[0]
            return values[match.group(1)]

        found = []
        for line in self.text.splitlines():
            tag = _TAG.match(line)
            kind = tag.group(1) if tag and (tag.group(1) in TAGS or _ASK.fullmatch(tag.group(1))) \
                else ""
            body = line[tag.end():] if kind and tag else line
            filled = _TOKEN.sub(replace, body).strip()
            if filled:
                found.append((kind, filled))
        return found


_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐")
# Words that belong to a family name before its last word: "Sophie van der Berg" -> van der Berg.
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "di", "du", "des", "del", "della",
                        "la", "le", "dos", "das", "do", "ten", "ter", "bin", "binti", "al", "el"})
# Surnames read differently from the everyday reading of their character.
_SURNAME_PINYIN = {"单": "Shan", "曾": "Zeng", "仇": "Qiu", "解": "Xie", "区": "Ou", "查": "Zha",
                   "乐": "Yue", "朴": "Piao", "缪": "Miao", "覃": "Qin", "盖": "Ge", "种": "Chong",
                   "秘": "Bi", "那": "Na", "华": "Hua", "任": "Ren", "沈": "Shen", "尉迟": "Yuchi"}


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def surname(name: str) -> str:
    """The family name: a Chinese name's first character (or compound surname), else the
    last word with the particles before it."""
    name = name.strip()
    if _is_cjk(name):
        return next((s for s in _COMPOUND_SURNAMES if name.startswith(s)), name[:1])
    words = name.split()
    if not words:
        return name
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(words[start:])


def _romanised(family: str) -> str:
    """A Chinese surname in pinyin, for an English script: 王 -> Wang."""
    if family in _SURNAME_PINYIN:
        return _SURNAME_PINYIN[family]
    # Loaded only by English salons with Chinese names; one character needs no phrase table
    # (skipping it makes the import ten times faster).
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(family, style=Style.NORMAL)).capitalize()


def salutation(client: model.Client, language: str) -> str:
    """Her own `salutation` if set; else 王女士 / 张先生, Ms. Wang / Mr. van der Berg; no title
    when her gender is unknown (her name as written)."""
    if client.salutation:
        return client.salutation
    if client.gender is None:
        return client.name
    family = surname(client.name)
    if language == "zh-CN":
        return family + ("先生" if client.gender == "male" else "女士")
    if _is_cjk(family):
        family = _romanised(family)
    return ("Mr. " if client.gender == "male" else "Ms. ") + family
