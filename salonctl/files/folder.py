"""A salon folder's files as salonctl reads them: each path shown as the user gave the
folder, each file's bytes checked for size and UTF-8, and the problems a lenient reading
passes over, with the clients they touch."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from salonctl.disk import fsutil, salvage
from salonctl.errors import DataError, Problem, StoreIOError
from salonctl.i18n import _

MAX_FILE_BYTES = 32 * 1024 * 1024


class Folder:
    """The salon folder a run reads: where it is, how strictly it is read, and what the
    reading found to pass over."""

    def __init__(self, root: Path, lenient: bool = False) -> None:
        self.root = root
        fsutil.salon_root(root)
        self.warnings: list[str] = []
        # Lenient reading, for the commands that only read (the sheet, plans): a record that
        # does not read is passed over and the clients it touches are named, instead of the
        # whole salon failing. Writing and `check` stay strict.
        self.lenient = lenient
        self.passed_over: list[Problem] = []
        self.affected: dict[str, Problem] = {}  # client id -> the first problem touching her
        # `check` reads every file afresh: its verdict never depends on what .cache/ holds.
        self.use_cache = True
        # The digest of a file as the derived index last found it sound (given by whoever
        # knows the index; nothing known by default): a writer need not parse it again.
        self.known_digest: Callable[[str], str | None] = lambda path: None

    def rel(self, path: Path) -> str:
        """How a path is shown to the user: under the salon folder as it was given."""
        return str(self.root / path.relative_to(self.root))

    def read(self, path: Path) -> tuple[str, str]:
        data = self.read_bytes(path)
        return self.text(path, data), fsutil.digest(data)

    def read_bytes(self, path: Path) -> bytes:
        try:
            size = path.stat().st_size
        except OSError as error:
            raise StoreIOError(path, error.strerror or str(error)) from error
        if size > MAX_FILE_BYTES:
            raise DataError([Problem(
                self.rel(path), 1, 1,
                _("the file is too large ({size} bytes; at most {most})").format(
                    size=f"{size:,}", most=f"{MAX_FILE_BYTES:,}"),
            )])
        return fsutil.read_bytes(path)

    def text(self, path: Path, data: bytes) -> str:
        """The file's text, its line ends as one: a file saved with CR-only (old Mac) or
        CRLF line ends reads line by line like any other."""
        text, problem = utf8_text(data, self.rel(path))
        if problem is not None:
            raise DataError([problem])
        return text

    def pass_over(self, text: str, problems: list[Problem], owner: re.Pattern[str],
                  always: bool = False) -> None:
        """Leniently (or `always`: a bad client record costs only her, to every command):
        note each problem and the client whose record it is in."""
        if not self.lenient and not always:
            return
        for problem in problems:
            self.passed_over.append(problem)
            client = salvage.owner(text, problem.line, owner)
            if client is not None:
                self.affected.setdefault(client, problem)


def utf8_text(data: bytes, shown: str) -> tuple[str, Problem | None]:
    """A text file salonctl reads, strictly as UTF-8 (a byte-order mark dropped, line ends
    made one): a file in another encoding is a problem at its first bad line, never read as
    replacement characters that would reach a client's ears."""
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return "", Problem(shown, line, 1, _(
            "not UTF-8 text (Windows Notepad's \"ANSI\" is GBK): open it and save it again "
            "with the encoding UTF-8"))
    return (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text), None
