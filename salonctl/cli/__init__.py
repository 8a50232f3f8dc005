"""The command line: parse, call the domain, print. `main` is the single exit point that
turns every error into one message and an exit code."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import traceback
from typing import Any

import typer
from typer.exceptions import TyperException

from salonctl import i18n
from salonctl.cli import (  # noqa: F401 - they register commands
    clients,
    corrections,
    due,
    language,
    mail,
    plans,
    records,
    report,
    rules,
    sales,
    salon,
    transfer,
    why,
)
from salonctl.cli.app import app
from salonctl.cli.common import State
from salonctl.errors import EXIT_BUG, EXIT_DATA, EXIT_IO, DataError, SalonError
from salonctl.i18n import _

__all__ = ["app", "main"]


def _passed_over(run: State) -> int:
    """The records a sheet or a plan read past: named once each, and exit 65 so cron sees it."""
    lines = run.passed_over()
    for line in lines:
        print(line, file=sys.stderr)
    return EXIT_DATA if lines else 0


@functools.cache
def _command_tree() -> Any:
    """The parser's command tree, built from the Typer app once a process (a tenth of a
    second and more: every command's signature is read)."""
    return typer.main.get_command(app)


def main(argv: list[str] | None = None) -> int:
    """Run salonctl; returns the exit code (the console script exits with it)."""
    args = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show a character shows ?
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    run = State()
    i18n.use(language.choose(args, os.environ))
    command = _command_tree()
    language.speak(command)
    try:
        result = command.main(args=args, prog_name="salonctl", standalone_mode=False, obj=run)
        code = result if isinstance(result, int) else 0
        passed_over = _passed_over(run)
        return code or passed_over
    except TyperException as error:  # bad usage found by the parser: it shows the usage line
        if callable(getattr(error, "show", None)):
            language.show(error, sys.stderr)
        else:
            print(f"salonctl: {error.format_message()}", file=sys.stderr)
        return error.exit_code
    except DataError as error:
        print(error, file=sys.stderr)
        return error.exit_code
    except SalonError as error:
        print(f"salonctl: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # `salonctl due | head`: the reader has what it wanted
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as error:  # a read or write the store did not wrap: still one line, 74
        where = f"{error.filename}: " if error.filename else ""
        print("salonctl: " + _("{where}{reason}; nothing was changed").format(
            where=where, reason=error.strerror or error), file=sys.stderr)
        return EXIT_IO
    except (typer.Abort, KeyboardInterrupt):
        print("salonctl: " + _("interrupted; nothing more was written"), file=sys.stderr)
        return 130
    except Exception as error:
        if run.debug or "--debug" in args:
            traceback.print_exc()
        else:
            print("salonctl: " + _("internal error ({kind}); this is a bug. Run again with "
                                   "--debug to see where it happened.").format(
                kind=type(error).__name__), file=sys.stderr)
        return EXIT_BUG
