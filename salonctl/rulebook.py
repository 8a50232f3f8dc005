"""The salon's rules and scripts on disk: rules.yaml and templates/<language>/<script>.txt.

`init` gives a salon a copy of the shipped rules (titled in its language) and of the shipped
scripts of its language, which it then edits. A script the salon does not have falls back
to the shipped one, so a salon made by an older salonctl still gets every script.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from salonctl import fsutil, ruleset, scripts, yamlio
from salonctl.errors import DataError, Problem
from salonctl.ruleset import Rule

RULES_FILE = "rules.yaml"
TEMPLATES_DIR = "templates"
FRAMES = ("greeting-call", "greeting-message", "closing-call", "closing-message")


def _shipped_rules_raw() -> Any:
    text = resources.files("salonctl").joinpath("default_rules.yaml").read_text("utf-8")
    raw, problems = yamlio.parse(text, "default_rules.yaml")
    assert not problems, problems
    return raw


def _localised(raw: Any, language: str) -> Any:
    """The shipped rules with each title in the salon's language."""
    for item in raw:
        item["title"] = item["title"][language]
    return raw


def default_rules(language: str) -> list[Rule]:
    rules, problems = ruleset.read_rules(_localised(_shipped_rules_raw(), language), "default")
    assert not problems, problems
    return rules


def rules_file_text(language: str) -> str:
    header = (
        "# The salon's follow-up rules. Each names the row of DOMAIN.md it implements (ref).\n"
        "# Switch a rule off with `enabled: false`; `salonctl rules list` shows them all,\n"
        "# `salonctl check` checks this file. Offsets count days after the event (negative:\n"
        "# before); window: {early, late} is how many days a call may move or wait.\n"
    )
    return header + yamlio.dump_block(_localised(_shipped_rules_raw(), language))


def load_rules(root: Path, shown: str, language: str) -> tuple[list[Rule], list[Problem]]:
    """The salon's rules.yaml, or the shipped defaults if it has none."""
    path = root / RULES_FILE
    if not path.exists():
        return default_rules(language), []
    raw, problems = yamlio.parse(fsutil.read_bytes(path).decode("utf-8", "replace"), shown)
    if problems:
        return [], problems
    return ruleset.read_rules(raw, shown)


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
            text = fsutil.read_bytes(path).decode("utf-8", "replace")
            found[path.stem] = scripts.Template(
                path.stem, f"{shown_root}/{TEMPLATES_DIR}/{language}/{path.name}", text)
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
        for offset in rule.offsets:
            name = rule.script_for(offset)
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
                        f"script {name!r} does not exist; add {TEMPLATES_DIR}/<language>/{name}.txt")]
    return template.problems(allowed)


def require(problems: list[Problem]) -> None:
    if problems:
        raise DataError(problems)


def write_defaults(root: Path, language: str) -> None:
    """Give a new salon the shipped rules and the scripts of its language."""
    fsutil.write_atomic(root / RULES_FILE, rules_file_text(language).encode("utf-8"))
    folder = root / TEMPLATES_DIR / language
    fsutil.ensure_dir(folder)
    for name, template in sorted(shipped_scripts(language).items()):
        target = folder / f"{name}.txt"
        if not target.exists():
            fsutil.write_atomic(target, template.text.encode("utf-8"))
