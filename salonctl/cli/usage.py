"""The command-line parser's own words in the active language.

Typer's parser (its copy of Click, and pydantic for typed values) writes its messages in
English, with no catalog of its own: "No such option: --limt", "Missing option '--phone'.".
Each message it writes is a pattern here, so a usage error in a Chinese salon is shown in
Chinese, and a message of no known pattern is shown as the parser wrote it.
"""

from __future__ import annotations

import io
from typing import Any, TextIO

from salonctl import i18n
from salonctl.i18n import N_, _

LINES = (N_("Usage: {usage}"), N_("Try '{command}' for help."), N_("Error: {message}"))
MESSAGES = (
    N_("No such option: {option} (Possible options: {options})"),
    N_("No such option: {option}"),
    N_("Invalid value for {parameter}: Value error, {reason}"),
    N_("Invalid value for {parameter}: {reason}"),
    N_("Invalid value: {reason}"),
    N_("Missing argument {name}."),
    N_("Missing option {name}."),
    N_("Missing parameter: {name}"),
    N_("Got unexpected extra argument(s) ({extra})"),
    N_("No such command {name}."),
    N_("Option {name} requires an argument."),
    N_("Option {name} does not take a value."),
    N_("Missing command."),
)
REASONS = (
    N_("{value} is not one of {choices}."),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be a valid boolean, unable to interpret input"),
    N_("Input should be greater than or equal to {low}"),
    N_("Input should be less than or equal to {high}"),
)
HELP_OPTION = N_("Show this message and exit.")


def show(error: Any, file: TextIO) -> None:
    """`error.show()`, in the active language."""
    if i18n.active() == "en":
        error.show(file=file)
        return
    written = io.StringIO()
    error.show(file=written)
    file.write("".join(_line(line) for line in written.getvalue().splitlines(keepends=True)))


def _line(line: str) -> str:
    text = line.rstrip("\n")
    return _spoken(text, LINES, {"message": MESSAGES}) + line[len(text):]


def _spoken(text: str, patterns: tuple[str, ...], nested: dict[str, tuple[str, ...]]) -> str:
    found = i18n.instance_of(text, patterns)
    if found is None:
        return text
    pattern, blanks = found
    for name, inner in nested.items():
        if name in blanks:
            blanks[name] = _spoken(blanks[name], inner, {"reason": REASONS})
    return _(pattern).format(**blanks)
