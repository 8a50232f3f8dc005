"""The salon's write lock, on every system.

Where `fcntl` exists (Linux, macOS) the lock is `flock` on the lock file: the kernel drops it
when the holder dies, and taking it costs nothing at start-up. Elsewhere (Windows) it is
`filelock`, which uses the system's own locking there; it is imported only on that path
because it takes ~0.1 s to import, a third of a record command's whole run.

Who holds the lock is written beside it (`.lock-holder`), so a writer kept waiting can say
whose command it waits for.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from salonctl.disk import fsutil
from salonctl.errors import LockBusyError, StoreIOError
from salonctl.i18n import _

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

NOTICE_SECONDS = 2.0  # a writer kept waiting for the lock says so after this long
POLL_SECONDS = 0.02


class _Lock(Protocol):
    def try_take(self) -> bool: ...
    def release(self) -> None: ...


@contextlib.contextmanager
def locked(folder: Path, command: str, wait_seconds: float, name: str = ".lock") -> Iterator[None]:
    """Hold one of the salon's locks; after `wait_seconds` say who holds it."""
    lock_path = folder / name
    holder_path = folder / f"{name}-holder"
    try:
        lock = _FlockLock(lock_path) if fcntl is not None else _PortableLock(lock_path)
    except OSError as error:
        raise StoreIOError(lock_path, fsutil.reason(error)) from error
    try:
        _wait_for(lock, lock_path, holder_path, wait_seconds)
        _note_holder(holder_path, command)
        yield
    finally:
        lock.release()


def _wait_for(lock: _Lock, lock_path: Path, holder_path: Path, wait_seconds: float) -> None:
    start = time.monotonic()
    told = False
    while not lock.try_take():
        waited = time.monotonic() - start
        holder = _holder_of(holder_path)
        if waited >= wait_seconds:
            raise LockBusyError(_("the salon is busy: {holder} is writing to it ({path}); try "
                                  "again in a moment").format(holder=holder, path=lock_path))
        if waited >= min(NOTICE_SECONDS, wait_seconds) and not told:
            print("salonctl: " + _("waiting for {holder} to finish writing (giving up after "
                                   "{seconds} s)").format(holder=holder, seconds=f"{wait_seconds:.0f}"),
                  file=sys.stderr)
            told = True
        time.sleep(POLL_SECONDS)


class _FlockLock:
    """flock on an open lock file; closing the file releases it."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | fsutil.NOFOLLOW, fsutil.FILE_MODE)

    def try_take(self) -> bool:
        if self.fd < 0:
            return False
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        os.close(self.fd)


class _PortableLock:
    """filelock's lock for the system (msvcrt on Windows; a lock file that is created
    exclusively where neither exists)."""

    def __init__(self, path: Path) -> None:
        with warnings.catch_warnings():  # "only soft file lock" on a system with no locks
            warnings.simplefilter("ignore")  # at all: that is what it gets; not worth a word
            import filelock  # on every run

        self.lock = filelock.FileLock(path, timeout=0, mode=fsutil.FILE_MODE)
        self.timeout = filelock.Timeout

    def try_take(self) -> bool:
        try:
            self.lock.acquire(timeout=0)
        except self.timeout:
            return False
        return True

    def release(self) -> None:
        if self.lock.is_locked:
            self.lock.release()


def _note_holder(path: Path, command: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | fsutil.NOFOLLOW,
                     fsutil.FILE_MODE)
        try:
            fsutil.private(fd)
            os.write(fd, _holder(command).encode())
        finally:
            os.close(fd)
    except OSError as error:
        raise StoreIOError(path, fsutil.reason(error)) from error


def _holder_of(path: Path) -> str:
    try:
        return path.read_bytes()[:400].decode(errors="replace").strip() or "another run"
    except OSError:
        return "another run"


def _holder(command: str) -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError, ImportError):
        user = "?"
    return f"'salonctl {command}' (pid {os.getpid()}, user {user} on {socket.gethostname()})"
