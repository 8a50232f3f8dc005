"""The salon's editable know-how on disk: rules.yaml, templates/<language>/<script>.txt and
cycle.yaml (its year month by month, for the plans).

`init` gives a salon a copy of the shipped rules (titled in its language) and of the shipped
scripts of its language, which it then edits. A script the salon does not have falls back
to the shipped one, so a salon made by an older salonctl still gets every script.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from salonctl.disk import fsutil, yamlio
from salonctl.disk.yamlio import LocatedDict
from salonctl.engine import model, scripts
from salonctl.engine.ruleset import Rule
from salonctl.errors import DataError, Problem
from salonctl.files import parsing, rulefile, schema
from salonctl.files.folder import utf8_text
from salonctl.i18n import _

RULES_FILE = "rules.yaml"
CYCLE_FILE = "cycle.yaml"
TEMPLATES_DIR = "templates"
FRAMES = ("greeting-call", "greeting-message", "closing-call", "closing-message")


def _shipped(name: str) -> Any:
    """A data file shipped in the package (parsed afresh: callers localise it in place)."""
    text = resources.files("salonctl").joinpath(name).read_text("utf-8")
    raw, problems = yamlio.parse(text, name)
    assert not problems, problems
    return raw


def _salon_yaml(path: Path, shown: str) -> tuple[Any, list[Problem]]:
    text, problem = utf8_text(fsutil.read_bytes(path), shown)
    return (None, [problem]) if problem is not None else yamlio.parse(text, shown)


def _localised(raw: Any, language: str) -> Any:
    """The shipped rules with each title in the salon's language."""
    for item in raw:
        item["title"] = item["title"][language]
    return raw


def default_rules(language: str) -> list[Rule]:
    rules, problems = rulefile.read_rules(_localised(_shipped("default_rules.yaml"), language), "default")
    assert not problems, problems
    return rules


def rules_file_text(language: str) -> str:
    header = (
        "# The salon's follow-up rules. Each names the row of DOMAIN.md it implements (ref).\n"
        "# Switch a rule off with `enabled: false`; `salonctl rules list` shows them all,\n"
        "# `salonctl check` checks this file. Offsets count days after the event (negative:\n"
        "# before); window: {early, late} is how many days a call may move or wait.\n"
    )
    return header + yamlio.dump_block(_localised(_shipped("default_rules.yaml"), language))


def load_rules(root: Path, shown: str, language: str) -> tuple[list[Rule], list[Problem]]:
    """The salon's rules.yaml, or the shipped defaults if it has none."""
    path = root / RULES_FILE
    if not path.exists():
        return default_rules(language), []
    raw, problems = _salon_yaml(path, shown)
    if problems:
        return [], problems
    return rulefile.read_rules(raw, shown)


def shipped_scripts(language: str) -> dict[str, scripts.Template]:
    folder = resources.files("salonctl.templates").joinpath(language)
    return {
        entry.name[:-4]: scripts.Template(entry.name[:-4], f"(shipped) {language}/{entry.name}",
                                          entry.read_text("utf-8"))
        for entry in folder.iterdir() if entry.name.endswith(".txt")
    }


def load_scripts(root: Path, shown_root: str, language: str) -> dict[str, scripts.Template]:
    found = shipped_scripts(language)
    folder = root / TEMPLATES_DIR / language
    if folder.is_dir():
        for path in sorted(folder.glob("*.txt")):
            shown = f"{shown_root}/{TEMPLATES_DIR}/{language}/{path.name}"
            text, problem = utf8_text(fsutil.read_bytes(path), shown)
            found[path.stem] = scripts.Template(path.stem, shown, text, problem)
    return found


def script_problems(rules: list[Rule], library: dict[str, scripts.Template],
                    rules_path: str) -> list[Problem]:
    """Every script an enabled rule needs exists and uses only fields it will have."""
    problems: list[Problem] = []
    checked: set[tuple[str, str]] = set()
    for name in FRAMES:
        problems += _one_script(name, library, scripts.COMMON_FIELDS, rules_path, 1, checked)
    for rule in rules:
        if not rule.enabled:
            continue
        allowed = scripts.COMMON_FIELDS | scripts.ANCHOR_FIELDS[rule.anchor]
        for name in rule.script_names():
            problems += _one_script(name, library, allowed, rules_path, rule.line, checked)
    return problems


def _one_script(name: str, library: dict[str, scripts.Template], allowed: frozenset[str],
                rules_path: str, line: int, checked: set[tuple[str, str]]) -> list[Problem]:
    if (name, ",".join(sorted(allowed))) in checked:
        return []
    checked.add((name, ",".join(sorted(allowed))))
    template = library.get(name)
    if template is None:
        return [Problem(rules_path, line, 3,
                        _("script {name} does not exist; add {folder}/<language>/{file}.txt")
                        .format(name=repr(name), folder=TEMPLATES_DIR, file=name))]
    return template.problems(allowed)


def require(problems: list[Problem]) -> None:
    if problems:
        raise DataError(problems)


def write_defaults(root: Path, language: str) -> None:
    """Give a new salon the shipped rules, scripts and cycle in its language."""
    fsutil.write_atomic(root / RULES_FILE, rules_file_text(language).encode("utf-8"))
    fsutil.write_atomic(root / CYCLE_FILE, cycle_file_text(language).encode("utf-8"))
    folder = root / TEMPLATES_DIR / language
    fsutil.ensure_dir(folder)
    for name, template in sorted(shipped_scripts(language).items()):
        target = folder / f"{name}.txt"
        if not target.exists():
            fsutil.write_atomic(target, template.text.encode("utf-8"))


# --- the demand cycle ---------------------------------------------------------------------


def _cycle_localised(raw: Any, language: str) -> Any:
    for month in raw["months"]:
        for key in ("season", "wants", "focus"):
            month[key] = month[key][language]
    return raw


def cycle_file_text(language: str) -> str:
    header = (
        "# The salon's year, month by month, for `salonctl plan`. weight: demand against an\n"
        "# average month (before the Spring Festival rush, which follows the lunar date).\n"
    )
    return header + yamlio.dump_block(_cycle_localised(_shipped("default_cycle.yaml"), language))


def default_cycle(language: str) -> model.Cycle:
    cycle, problems = read_cycle(_cycle_localised(_shipped("default_cycle.yaml"), language), "default")
    assert cycle is not None, problems
    return cycle


def load_cycle(root: Path, shown: str, language: str) -> tuple[model.Cycle | None, list[Problem]]:
    path = root / CYCLE_FILE
    if not path.exists():
        return default_cycle(language), []
    raw, problems = _salon_yaml(path, shown)
    return (None, problems) if problems else read_cycle(raw, shown)


_MONTH_FIELDS = (
    schema.Field("month", parsing.integer(1, 12), required=True),
    schema.Field("season", parsing.text, required=True),
    schema.Field("demand", parsing.choice(("low", "medium", "high", "peak")), required=True),
    schema.Field("weight", parsing.money, required=True),
    schema.Field("wants", parsing.text),
    schema.Field("focus", parsing.list_of(parsing.text)),
)
_RUSH_FIELDS = (
    schema.Field("weight", parsing.money, required=True),
    schema.Field("days_before", parsing.integer(1, 60), required=True),
)
_CYCLE_FIELDS = (
    schema.Field("spring_festival_rush", lambda v: v),
    schema.Field("months", lambda v: v, required=True),
)


def read_cycle(raw: Any, where: str) -> tuple[model.Cycle | None, list[Problem]]:
    values, problems = schema.read_record(raw, _CYCLE_FIELDS, where)
    if values is None:
        return None, problems
    rush, problems = schema.read_record(values.get("spring_festival_rush") or LocatedDict(),
                                        _RUSH_FIELDS, where, raw.where("spring_festival_rush"))
    months: list[model.CycleMonth] = []
    for item in values["months"] if isinstance(values["months"], list) else []:
        at = item.position if isinstance(item, LocatedDict) else raw.where("months")
        month, found = schema.read_record(item, _MONTH_FIELDS, where, at)
        problems += found
        if month is not None:
            months.append(model.CycleMonth(**{"wants": "", "focus": (), **month}))
    if sorted(m.month for m in months) != list(range(1, 13)) and not problems:
        line, column = raw.where("months")
        problems.append(Problem(where, line, column, _("months: give each month 1-12 once")))
    if problems or rush is None:
        return None, problems
    return model.Cycle(tuple(sorted(months, key=lambda m: m.month)), rush["weight"],
                       rush["days_before"]), []
