"""Call scripts: plain-text templates with `{field}` slots, filled for one call.

Deliberately small: a slot is a field name and nothing else (`{salutation}`), `{{` and `}}`
are literal braces. There is no attribute access, indexing, conversion or code, so a
template edited by the salon can never reach into the program, and every slot can be
checked before a call sheet is made: an unknown field is an error at `check` time with the
template's file:line:col, never a blank in the middle of a call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from salonctl import model
from salonctl.errors import Problem

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[a-z][a-z_]*")

# Fields every script may use; the anchor of a rule adds its own (see ANCHOR_FIELDS).
COMMON_FIELDS = frozenset({
    "salutation", "name", "salon", "caller", "salon_phone", "last_visit", "days_since_visit",
    "skin_type", "preferences", "hobbies", "allergies", "note",
})
ANCHOR_FIELDS: dict[str, frozenset[str]] = {
    "purchase": frozenset({"products", "sale_date", "days_since"}),
    "visit": frozenset({"services", "visit_date", "days_since"}),
    "first-visit": frozenset({"services", "products", "visit_date", "days_since"}),
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
    "guest-visit": frozenset({"guest"}),
    "card-expiry": frozenset({"card", "card_until"}),
}
ALL_FIELDS = COMMON_FIELDS.union(*ANCHOR_FIELDS.values())


@dataclass(frozen=True)
class Template:
    name: str
    path: str
    text: str

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
        problems = []
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

    def fill(self, values: Mapping[str, str]) -> str:
        """The text with every slot filled; a missing value is a bug, never a blank."""

        def replace(match: re.Match[str]) -> str:
            token = match.group(0)
            if token in ("{{", "}}"):
                return token[0]
            return values[match.group(1)]

        return _TOKEN.sub(replace, self.text).strip()


_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐")


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def surname(name: str) -> str:
    name = name.strip()
    if _is_cjk(name):
        return next((s for s in _COMPOUND_SURNAMES if name.startswith(s)), name[:1])
    return name.split()[-1] if name.split() else name


def salutation(client: model.Client, language: str) -> str:
    """王女士 / 张先生, Ms. Müller / Mr. Chen; the full name when the gender is unknown."""
    if client.gender is None:
        return client.name
    family = surname(client.name)
    if language == "zh-CN":
        return family + ("先生" if client.gender == "male" else "女士")
    return ("Mr. " if client.gender == "male" else "Ms. ") + family
