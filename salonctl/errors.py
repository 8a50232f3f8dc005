"""Every error a user can cause, each with the exit code a script can act on.

The codes follow sysexits(3) where one fits, so cron users can tell "fix your data" from
"try again later". The CLI maps these to messages in one place (`cli.main`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_BUG = 1
EXIT_USAGE = 2
EXIT_DATA = 65
EXIT_UNAVAILABLE = 69  # mail: the server refused for good (5xx, login); fix and run again
EXIT_IO = 74
EXIT_TEMPFAIL = 75
EXIT_PROTOCOL = 76  # mail: handed over but unconfirmed; check before --resend


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a data file, at a place a person can open in an editor."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class SalonError(Exception):
    """Base of every error that is the user's input or environment, not a bug."""

    exit_code = EXIT_BUG


class UsageError(SalonError):
    """A bad argument: names the argument and what is expected."""

    exit_code = EXIT_USAGE


class NotFoundError(UsageError):
    """A client or record named on the command line does not exist (or is ambiguous)."""


class CardRefusedError(SalonError):
    """A card that cannot pay for a visit: expired, used up, or not hers; says what is left."""

    exit_code = EXIT_DATA


class DataError(SalonError):
    """One or more data files are invalid; carries every problem found."""

    exit_code = EXIT_DATA

    def __init__(self, problems: list[Problem], hint: str | None = None) -> None:
        self.problems = sorted(problems)
        lines = [str(p) for p in self.problems] + ([hint] if hint else [])
        super().__init__("\n".join(lines))


class StoreIOError(SalonError):
    """Reading or writing a file failed (disk full, permission...); nothing was changed."""

    exit_code = EXIT_IO

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class LockBusyError(SalonError):
    """Another salonctl run holds the salon's lock: try again shortly."""

    exit_code = EXIT_TEMPFAIL


class ConflictError(SalonError):
    """A file changed on disk since it was read; it is not overwritten."""

    exit_code = EXIT_TEMPFAIL
