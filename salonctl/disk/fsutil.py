"""Writing files so that nothing is ever lost or half-written.

- Whole files go to a temp file in the same folder, are fsynced and `os.replace`d, then the
  folder is fsynced: a crash leaves the old file or the new one, never a mix.
- Journal entries are one `write` on an append-only descriptor, fsynced before the command
  reports success. A line cut off by a crash is set aside by the next writer.
- One lock per salon folder serialises every command that writes.
- Every file is 0600 and every folder 0700 whatever the umask: client files hold phone
  numbers and birthdays.
- No symbolic link is written through: a link where salonctl writes, appends or locks is an
  error naming it (it could point anywhere outside the salon).

For the crash tests, `SALONCTL_FAULT=POINT:kill` (or `:pause`, and `:PATH-PIECE` to pick the
file) stops the process at a named point of a write: after-temp-write, after-fsync,
before-rename, mid-append. It is off unless the variable is set, and costs one dictionary
look-up otherwise.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import json
import os
import signal
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from salonctl.errors import ConflictError, StoreIOError
from salonctl.i18n import _

FILE_MODE = 0o600
DIR_MODE = 0o700
# O_BINARY keeps Windows from turning "\n" into "\r\n" under a journal's feet; POSIX has
# neither it nor a need for it, and Windows has no O_NOFOLLOW (nor symbolic links in use).
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
FAULT_POINTS = ("after-temp-write", "after-fsync", "before-rename", "mid-append", "after-send")


INTENT_FILE = ".intent"


class Intent:
    """A command that writes several files does it all or not at all: before each write,
    what it is about to change is noted in `.intent` (the size a journal had before a line
    is appended; a file's old bytes before it is replaced). If the command dies midway, the
    next command that takes the lock undoes every noted write (`undo_interrupted`), so the
    salon is as it was before the command; when the command completes, the note goes."""

    def __init__(self, root: Path, command: str) -> None:
        self.root = root
        self.path = root / INTENT_FILE
        self.command = command
        self.steps: list[dict[str, object]] = []
        self.noted: set[str] = set()

    def note(self, path: Path, append: bool, size: int | None = None) -> None:
        """Before the first write of this command to `path`: how to undo it (an append: the
        size the file had, None when it is new)."""
        where = os.path.relpath(path, self.root)
        if where in self.noted:
            return
        self.noted.add(where)
        if append:
            self.steps.append({"append": where, "size": size})
        else:
            old = read_bytes(path) if path.exists() else None
            self.steps.append({"replace": where,
                               "old": None if old is None else base64.b64encode(old).decode()})
        _write_durably(self.path, json.dumps({"command": self.command,
                                              "steps": self.steps}).encode())


_INTENT: Intent | None = None


@contextlib.contextmanager
def all_or_nothing(root: Path, command: str) -> Iterator[None]:
    """Every write inside this block happens, or (after a crash, at the next command) none
    does. The caller holds the salon's lock."""
    global _INTENT
    if _INTENT is not None:  # already inside one: it covers these writes too
        yield
        return
    _INTENT = Intent(root, command)
    try:
        yield
    except BaseException:
        undo(_INTENT.root, _INTENT.steps)  # an error (not a kill): undone at once
        raise
    finally:
        intent, _INTENT = _INTENT, None
        if intent is not None and intent.steps:
            intent.path.unlink(missing_ok=True)
            settle(root)


def undo_interrupted(root: Path) -> str | None:
    """Undo the writes of a command that died midway (its `.intent`); which command."""
    path = root / INTENT_FILE
    try:
        note = json.loads(path.read_bytes())
        command, steps = str(note["command"]), list(note["steps"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        command, steps = "?", []  # cut off while it was being written: nothing was changed yet
    undo(root, steps)
    path.unlink(missing_ok=True)
    settle(root)
    return command


def undo(root: Path, steps: list[dict[str, object]]) -> None:
    """Put back every noted file, the last written first."""
    for step in reversed(steps):
        if "append" in step:
            path, size = root / str(step["append"]), step["size"]
            if size is None:
                path.unlink(missing_ok=True)
            elif path.exists() and path.stat().st_size > int(str(size)):
                with path.open("r+b") as handle:
                    handle.truncate(int(str(size)))
                    os.fsync(handle.fileno())
        else:
            path, old = root / str(step["replace"]), step["old"]
            if old is None:
                path.unlink(missing_ok=True)
            elif not path.exists() or read_bytes(path) != base64.b64decode(str(old)):
                _write_durably(path, base64.b64decode(str(old)))


def _write_durably(path: Path, data: bytes) -> None:
    """write_atomic for the intent itself and for undoing (never noted in an intent)."""
    global _INTENT
    intent, _INTENT = _INTENT, None
    try:
        write_atomic(path, data)
    finally:
        _INTENT = intent


def fault_action(point: str, path: Path) -> str | None:
    """What SALONCTL_FAULT asks at this point of a write to `path` ("kill", "pause"), if
    it names the point (and, with a third part, a piece of the file's path:
    `before-rename:kill:clients/`)."""
    wanted = os.environ.get("SALONCTL_FAULT")
    if not wanted:
        return None
    name, action, *only = wanted.split(":", 2)
    if name != point or (only and only[0] not in str(path)):
        return None
    return "pause" if action == "pause" else "kill"


def fault(point: str, path: Path) -> None:
    """The crash tests' hook: stop here if SALONCTL_FAULT names this point."""
    action = fault_action(point, path)
    if action == "pause":
        time.sleep(float(os.environ.get("SALONCTL_FAULT_PAUSE", "5")))
    elif action == "kill":
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def private(fd: int) -> None:
    """Make an open file readable by the salon's user only, where the system has modes
    (Windows keeps access in the folder's ACL instead)."""
    if hasattr(os, "fchmod"):
        os.fchmod(fd, FILE_MODE)


def read_at(fd: int, size: int, offset: int) -> bytes:
    """`size` bytes from `offset` (os.pread is POSIX only; every caller holds the salon's
    lock, so moving the file position is safe, and appends still go to the end)."""
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


_ROOTS: set[Path] = set()  # the salon folders of this run: links inside them are refused


def salon_root(root: Path) -> None:
    """Note a salon folder this run works in: no link inside it is ever written through."""
    _ROOTS.add(Path(root).absolute())


def _inside(path: Path) -> list[Path]:
    """`path` and every folder between it and the salon folder holding it (not the salon
    folder itself: a salon may live behind a link)."""
    absolute = Path(path).absolute()
    root = next((r for r in _ROOTS if absolute.is_relative_to(r) and absolute != r), None)
    if root is None:
        return [absolute]
    return [absolute, *(p for p in absolute.parents if p.is_relative_to(root) and p != root)]


def refuse_link(path: Path) -> None:
    """salonctl writes only real files: a symbolic link at the file or at any folder
    between it and the salon folder (journal/calls, clients, .cache), or a file with a
    second hard link (a write would reach another file), is an error naming it."""
    for place in _inside(path):
        if place.is_symlink():
            raise StoreIOError(place, _("is a symbolic link; salonctl writes only regular "
                                        "files inside the salon folder. Replace the link with "
                                        "the file or folder itself"))
    try:
        status = os.lstat(path)
    except OSError:
        return
    if stat.S_ISREG(status.st_mode) and status.st_nlink > 1:
        raise StoreIOError(path, _("has another hard link, so writing it would change another "
                                   "file too; copy it to a file of its own (cp, then mv) first"))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ensure_dir(path: Path) -> None:
    """Create a folder (and its parents) private to the salon's user."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        except OSError as error:
            raise StoreIOError(folder, reason(error)) from error
        folder.chmod(DIR_MODE)
        fsync_dir(folder.parent)


def fsync_dir(path: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder as a file; its renames are durable
        return
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        raise StoreIOError(path, reason(error)) from error


def settle(folder: Path) -> None:
    """fsync a folder after the change is in place: if that fails the change is still made
    (and cannot be undone), so it is said, not reported as a failure."""
    try:
        fsync_dir(folder)
    except StoreIOError as error:
        print("salonctl: " + _("warning: {error}; the change was made, but the disk did not "
                               "confirm it: check the disk").format(error=error), file=sys.stderr)


def reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full; free some space and run again (nothing was changed)"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; check the folder's owner and permissions (nothing was changed)"
    if error.errno == errno.ELOOP:
        return ("is a symbolic link; salonctl writes only regular files inside the salon folder "
                "(nothing was changed)")
    return f"{error.strerror or error}; nothing was changed"


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise StoreIOError(path, reason(error)) from error


def write_atomic(path: Path, data: bytes, expected_digest: str | None = None) -> None:
    """Replace `path` with `data` all at once.

    `expected_digest` is the digest of the file as it was read; if the file on disk no
    longer matches (someone edited it meanwhile) it is not overwritten.
    """
    refuse_link(path)
    if _INTENT is not None:
        _INTENT.note(path, append=False)
    ensure_dir(path.parent)
    try:
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise StoreIOError(path, reason(error)) from error
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            private(handle.fileno())
            handle.write(data)
            handle.flush()
            fault("after-temp-write", path)
            os.fsync(handle.fileno())
        fault("after-fsync", path)
        if expected_digest is not None:
            _refuse_if_changed(path, expected_digest)
        fault("before-rename", path)
        temp.replace(path)  # os.replace: the same folder, so atomic
        settle(path.parent)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise StoreIOError(path, reason(error)) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _refuse_if_changed(path: Path, expected_digest: str) -> None:
    current = digest(path.read_bytes()) if path.exists() else digest(b"")
    if current != expected_digest:
        raise ConflictError(_("{path}: the file changed on disk since salonctl read it; "
                              "nothing was written. Run the command again.").format(path=path))


def append_line(path: Path, line: bytes) -> str | None:
    """Append one journal line durably; returns a warning if a torn line was set aside.
    On any failure the file is as it was (a file this call created is removed)."""
    refuse_link(path)
    ensure_dir(path.parent)
    created = not path.exists()
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | NOFOLLOW, FILE_MODE)
    except OSError as error:
        raise StoreIOError(path, reason(error)) from error
    try:
        warning = _append(fd, path, line, created)
    except OSError as error:
        if created:
            path.unlink(missing_ok=True)
        raise StoreIOError(path, reason(error)) from error
    finally:
        os.close(fd)
    if created:
        settle(path.parent)
    return warning


def _append(fd: int, path: Path, line: bytes, created: bool = False) -> str | None:
    private(fd)
    warning = set_aside_torn_line(fd, path)
    size = os.fstat(fd).st_size
    if _INTENT is not None:
        _INTENT.note(path, append=True, size=None if created else size)
    try:
        if fault_action("mid-append", path) == "kill":  # the crash tests: half a line, killed
            _write_all(fd, line[: len(line) // 2])
        fault("mid-append", path)  # a pause writes nothing before it
        _write_all(fd, line)
        os.fsync(fd)
    except OSError:
        os.ftruncate(fd, size)  # leave no partial line behind
        raise
    return warning


def remove_last_line(path: Path, line: bytes) -> None:
    """Truncate `line` off the end of `path` if it is the last thing there (a file left
    empty goes: it was made for that line)."""
    try:
        fd = os.open(path, os.O_RDWR | NOFOLLOW)
        try:
            size = os.fstat(fd).st_size
            if size >= len(line) and read_at(fd, len(line), size - len(line)) == line:
                os.ftruncate(fd, size - len(line))
                os.fsync(fd)
                size -= len(line)
        finally:
            os.close(fd)
        if size == 0:
            path.unlink()
    except OSError as error:
        raise StoreIOError(path, reason(error)) from error


def tidy_tail(path: Path) -> int:
    """Set aside a journal's cut-off last line, if it has one; 1 if it did."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return 0
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) in (b"\n", b"\r"):
                return 0
        refuse_link(path)
        fd = os.open(path, os.O_RDWR | NOFOLLOW)
        try:
            torn = set_aside_torn_line(fd, path) is not None
        finally:
            os.close(fd)
    except OSError as error:
        raise StoreIOError(path, reason(error)) from error
    return int(torn)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def complete_line(text: str) -> bool:
    """Whether a journal's last line, without its line end, is a whole entry all the same
    (typed by hand) rather than one cut off by a crash."""
    from salonctl.disk import yamlio

    line = text.strip()
    if not (line.startswith("- {") and line.endswith("}")):
        return False
    raw, problems = yamlio.parse(line + "\n", "line")
    return not problems and isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], dict)


def set_aside_torn_line(fd: int, path: Path) -> str | None:
    """A last line with no newline was cut off mid-write: move it to `<file>.torn`. One that
    reads as a whole entry (typed by hand) gets its line end instead; a file whose lines end
    in CR alone (an old Mac's) is whole."""
    size = os.fstat(fd).st_size
    if size == 0 or read_at(fd, 1, size - 1) in (b"\n", b"\r"):
        return None
    content = read_at(fd, size, 0)
    keep = max(content.rfind(b"\n"), content.rfind(b"\r")) + 1
    if complete_line(content[keep:].decode("utf-8", "replace")):
        _write_all(fd, b"\n")
        os.fsync(fd)
        return None
    torn_path = path.with_name(path.name + ".torn")
    torn_fd = os.open(torn_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | NOFOLLOW, FILE_MODE)
    try:
        private(torn_fd)
        _write_all(torn_fd, content[keep:] + b"\n")
        os.fsync(torn_fd)
    finally:
        os.close(torn_fd)
    os.ftruncate(fd, keep)
    os.fsync(fd)
    return (
        f"warning: {path}: its last line was cut off (a crash while writing?); "
        f"it was moved to {torn_path} for you to check"
    )
