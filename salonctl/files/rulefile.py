"""rules.yaml read into the rule model, with a Problem at the line of every bad rule: the
rule vocabulary itself is in `ruleset` (pure), the files in `rulebook`."""

from __future__ import annotations

from typing import Any

from salonctl.disk.yamlio import LocatedDict
from salonctl.engine import model
from salonctl.engine.calendar import HOLIDAYS
from salonctl.engine.ruleset import ANCHORS, KINDS, REFS, STOPS, UNITS, Conditions, Rule
from salonctl.errors import Problem
from salonctl.files import parsing, schema
from salonctl.i18n import _


def _month_day(value: Any) -> str:
    """A day of the year, MM-DD (checked against a leap year, so 02-29 is allowed)."""
    text = parsing.text(value).strip()
    try:
        day = parsing.parse_date(f"2028-{text}")
    except parsing.InvalidValue:
        raise parsing.InvalidValue(_("{text} is not a day of the year; expected MM-DD").format(
            text=repr(text))) from None
    return f"{day.month:02d}-{day.day:02d}"


def _offset(value: Any) -> int:
    number: int = parsing.integer(-400, 400)(value)
    return number


def _window(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not set(value) <= {"early", "late"}:
        raise parsing.InvalidValue(_("must be {early: DAYS, late: DAYS}; late: null keeps it open"))
    early = parsing.integer(0, 60)(value.get("early", 0))
    late = value.get("late", 0)
    return {"early": early, "late": None if late is None else parsing.integer(0, 400)(late)}


def _yearly(value: Any) -> tuple[str, str]:
    if not isinstance(value, dict) or set(value) != {"from", "to"}:
        raise parsing.InvalidValue(_("must be {from: MM-DD, to: MM-DD}"))
    return _month_day(value["from"]), _month_day(value["to"])


CONDITION_FIELDS = (
    schema.Field("category", parsing.list_of(parsing.choice(model.CATEGORIES))),
    schema.Field("key", parsing.boolean),
    schema.Field("gender", parsing.choice(model.GENDERS)),
    schema.Field("new_product", parsing.boolean),
    schema.Field("trial", parsing.boolean),
)

RULE_FIELDS = (
    schema.Field("id", parsing.identifier, required=True),
    schema.Field("ref", parsing.choice(REFS), required=True),
    schema.Field("title", parsing.text, required=True),
    schema.Field("anchor", parsing.choice(ANCHORS), required=True),
    schema.Field("script", parsing.text, required=True),
    schema.Field("offsets", parsing.list_of(_offset)),
    schema.Field("unit", parsing.choice(UNITS)),
    schema.Field("window", _window),
    schema.Field("when", lambda v: v),
    schema.Field("products", parsing.list_of(parsing.choice(model.PRODUCT_CATEGORIES))),
    schema.Field("holiday", parsing.choice(tuple(HOLIDAYS))),
    schema.Field("yearly", _yearly),
    schema.Field("stop_if", parsing.list_of(parsing.choice(STOPS))),
    schema.Field("until", parsing.choice(("closed",))),
    schema.Field("kind", parsing.choice(KINDS)),
    schema.Field("channel", parsing.choice(KINDS)),  # the older name of `kind`
    schema.Field("priority", parsing.integer(1, 9)),
    schema.Field("enabled", parsing.boolean),
    schema.Field("must", parsing.boolean),
    schema.Field("sales", parsing.boolean),
    schema.Field("topic", parsing.identifier),
)


def read_rules(raw: Any, where: str) -> tuple[list[Rule], list[Problem]]:
    """Every rule of a rules file, or a problem at the line of each bad one."""
    if raw is None or raw == []:
        return [], [Problem(where, 1, 1, _("the rules file holds no rules, so no call would "
                                           "ever be due; switch rules off with 'enabled: false' "
                                           "instead"))]
    if not isinstance(raw, list):
        return [], [Problem(where, 1, 1, _("a rules file is a list of rules, each '- id: ...'"))]
    rules: list[Rule] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for item in raw:
        rule, found = _read_rule(item, where)
        problems += found
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(Problem(where, rule.line, 3,
                                    _("rule id {id} is used twice (also line {line})").format(
                                        id=repr(rule.id), line=seen[rule.id])))
        seen[rule.id] = rule.line
        rules.append(rule)
    return rules, problems


def _read_rule(item: Any, where: str) -> tuple[Rule | None, list[Problem]]:
    at = item.position if isinstance(item, LocatedDict) else (1, 1)
    values, problems = schema.read_record(item, RULE_FIELDS, where, at)
    if values is None:
        return None, problems
    when, problems = _conditions(item, values.pop("when", None), where)
    window = values.pop("window", {})
    values["until_closed"] = values.pop("until", None) == "closed"
    older = values.pop("channel", None)
    if older is not None and values.setdefault("kind", older) != older:
        line, column = item.where("channel") if isinstance(item, LocatedDict) else at
        return None, [*problems, Problem(where, line, column, _(
            "channel: is the older name of kind:, and they disagree here; keep kind: only"))]
    rule = Rule(**values, when=when, line=at[0], **window)
    problems += _coherence(rule, item, where)
    return (None if problems else rule), problems


def _conditions(item: LocatedDict, raw: Any, where: str) -> tuple[Conditions, list[Problem]]:
    if raw is None:
        return Conditions(), []
    values, problems = schema.read_record(raw, CONDITION_FIELDS, where, item.where("when"))
    if values is None:
        return Conditions(), problems
    values["categories"] = values.pop("category", ())
    return Conditions(**values), []


def _coherence(rule: Rule, item: LocatedDict, where: str) -> list[Problem]:
    """What each anchor needs: a holiday names which, a yearly window its dates."""
    needs = {"holiday": rule.holiday, "yearly": rule.yearly}
    problems = [
        Problem(where, *item.position, _("anchor {anchor} needs '{key}:'").format(
            anchor=rule.anchor, key=key))
        for key, value in needs.items() if rule.anchor == key and value is None
    ]
    if rule.products and rule.anchor != "purchase":
        problems.append(Problem(where, *item.where("products"),
                                _("products: only a purchase anchor has products")))
    if not rule.offsets:
        problems.append(Problem(where, *item.where("offsets"), _("offsets: give at least one")))
    return problems
