"""Which language the command line speaks in this run, and its help in that language.

Help texts are written in English beside the options (so they cannot drift from them) and
are looked up in the catalog when the command tree is built for a run; Typer's own words
(Options, Commands, [default: ...]) are set the same way.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from salonctl import i18n
from salonctl.i18n import N_, _

_LANGUAGE_LINE = re.compile(rb"^language:\s*['\"]?([A-Za-z-]+)", re.MULTILINE)

# Typer's own words and where they live: (module, attribute, the English text)
TYPER_WORDS = (
    ("ARGUMENTS_PANEL_TITLE", "Arguments"), ("OPTIONS_PANEL_TITLE", "Options"),
    ("COMMANDS_PANEL_TITLE", "Commands"), ("ERRORS_PANEL_TITLE", "Error"),
    ("DEFAULT_STRING", "[default: {}]"), ("ENVVAR_STRING", "[env var: {}]"),
    ("REQUIRED_LONG_STRING", "[required]"), ("ABORTED_TEXT", "Aborted."),
    ("RICH_HELP", "Try [blue]'{command_path} {help_option}'[/] for help."),
)


def choose(args: list[str], environ: dict[str, str] | os._Environ[str]) -> str:
    """`--lang X` on the command line, else the salon's language, else the system's."""
    given = _option(args, "--lang")
    if given in i18n.LANGUAGES:
        return given
    salon = _salon_folder(args, environ)
    if salon is not None:
        try:
            found = _LANGUAGE_LINE.search((salon / "salon.yaml").read_bytes()[:65536])
        except OSError:
            found = None
        if found and found[1].decode() in i18n.LANGUAGES:
            return found[1].decode()
    return i18n.from_environment(environ)


def _option(args: list[str], name: str) -> str | None:
    for index, arg in enumerate(args):
        if arg == "--":
            return None
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(f"{name}="):
            return arg.partition("=")[2]
    return None


def _salon_folder(args: list[str], environ: dict[str, str] | os._Environ[str]) -> Path | None:
    given = _option(args, "--data") or environ.get("SALONCTL_DATA")
    if given:
        return Path(given)
    here = Path.cwd()
    return next((folder for folder in (here, *here.parents)
                 if (folder / "salon.yaml").is_file()), None)


def speak(command: Any) -> None:
    """Put the command tree's help, and Typer's words, in the active language."""
    loaded = sys.modules.get("typer.rich_utils")
    if loaded is not None:
        _typer_words(loaded)
    elif not any(isinstance(finder, _WhenImported) for finder in sys.meta_path):
        # Typer loads its help formatter only to show help or an error (a tenth of a second):
        # its words are set when it loads, not by loading it on every run.
        sys.meta_path.insert(0, _WhenImported())
    if i18n.active() != "en":
        _speak_help_option()
    for item in walk(command):
        # The English text is kept beside the spoken one: a process that runs salonctl many
        # times (the tests, a script importing it) builds the tree once and speaks it anew.
        english = item.__dict__.setdefault("salonctl_english", {
            attribute: getattr(item, attribute, None) for attribute in ("help", "short_help")})
        for attribute, text in english.items():
            if text:
                setattr(item, attribute, _(text))
        made = getattr(item, "_help_option", None)  # the parser's --help, made once asked for
        if made is not None:
            made.help = _(HELP_OPTION)


def _speak_help_option() -> None:
    """The parser makes each command's --help option when it is first asked for, with its
    help in English: it is made here with the help translated."""
    from typer._click import decorators
    from typer._click.core import Command

    made = getattr(decorators.help_option, "salonctl_made", decorators.help_option)

    def help_option(param_decls: list[str]) -> Callable[[Command], Command]:
        def add(command: Command) -> Command:
            command = made(param_decls)(command)
            option: Any = command.params[-1]  # the option just made
            option.help = _(HELP_OPTION)
            return command
        return add

    # Wrapped once per process, whatever the number of runs in it (a test runs thousands).
    help_option.salonctl_made = made  # type: ignore[attr-defined]
    decorators.help_option = help_option


def _typer_words(module: ModuleType) -> None:
    for attribute, english in TYPER_WORDS:
        setattr(module, attribute, _(english))
    _fold_help(module)


def _fold_help(module: ModuleType) -> None:
    """Help text folds onto the next line instead of being cut with "…": a Chinese sentence
    has no spaces to wrap at, and the end of a line (the outcomes, the date forms) is the
    useful part. Wrapped once a process."""
    made = getattr(module, "_make_rich_text")  # noqa: B009 - a private name
    if getattr(made, "salonctl_folds", False):
        return

    def make_rich_text(**arguments: Any) -> Any:
        text = made(**arguments)
        if hasattr(text, "overflow"):
            text.overflow = "fold"
        return text

    make_rich_text.salonctl_folds = True  # type: ignore[attr-defined]
    setattr(module, "_make_rich_text", make_rich_text)  # noqa: B010 - a private name


class _WhenImported(importlib.abc.MetaPathFinder):
    """Sets Typer's words in its help formatter as it is imported."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> ModuleSpec | None:
        if name != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            _typer_words(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def walk(command: Any) -> Iterator[Any]:
    """Every command of the tree and every parameter of each."""
    yield command
    yield from getattr(command, "params", ())
    for sub in getattr(command, "commands", {}).values():
        yield from walk(sub)


def help_texts(command: Any) -> set[str]:
    """Every help text of the tree, in English: the catalog must have them all."""
    return {text for item in walk(command) for attribute in ("help", "short_help")
            if (text := getattr(item, attribute, None))}


# --- the parser's own words: The command-line parser's own words in the active language. ---

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
