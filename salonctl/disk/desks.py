"""Two desks, one salon: each copy of a salon kept in git has a tag (`salonctl desk add`)
that ends every id made there, so copies merged by git never give one id twice; git merges
the client files record by record and the journals entry by entry through salonctl's own
merge driver (`gitmerge`), which `init`, `desk add` and `check --fix` register."""

from __future__ import annotations

import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from salonctl.disk import fsutil
from salonctl.errors import UsageError
from salonctl.i18n import _

DESK_FILE = ".desk"
DESK_TAG = re.compile(r"[a-z]{1,3}")
TAGGED_CLIENT = re.compile(r"c\d+([a-z]{1,3})")
TAGGED_ENTRY = re.compile(rb"\bid: [a-z]+-\d{8}-\d+([a-z]{1,3})\b")
TAGGED_ID = re.compile(r"^(c\d+|[a-z]+-\d{8}-\d+)[a-z]{1,3}$")
GIT_IGNORED = (".lock", ".lock-holder", ".mail.lock", ".mail.lock-holder", ".cache/", "*.tmp",
               DESK_FILE, ".intent")
# Client files merge record by record, journals and the outbox entry by entry (`gitmerge`).
MERGE_DRIVER = "salonctl"
GIT_ATTRIBUTES = (f"journal/**/*.yaml merge={MERGE_DRIVER}",
                  f"clients/*.yaml merge={MERGE_DRIVER}", f"outbox/*.yaml merge={MERGE_DRIVER}")
ATTRIBUTES_FILE = ".gitattributes"
TAG_LETTERS = "abcdefghijklmnopqrstuvwxyz"
TAG_LENGTH = 3  # 17,576 tags: two copies that choose at once almost never choose alike


def read_desk(root: Path) -> str:
    """This copy's desk tag (`salonctl desk add`), "" for a salon kept in one place. Ids made
    here end in it, so two copies merged by git never give one id twice."""
    path = root / DESK_FILE
    try:
        tag = path.read_text("utf-8").strip()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(_("{path}: cannot read this desk's tag ({error}); set it again with: "
                           "salonctl desk add TAG").format(path=path, error=error)) from None
    if not DESK_TAG.fullmatch(tag):
        raise UsageError(_("{path}: {tag} is not a desk tag (1-3 letters a-z); set it again "
                           "with: salonctl desk add TAG").format(path=path, tag=repr(tag)))
    return tag


def write_desk(root: Path, tag: str) -> None:
    fsutil.write_atomic(root / DESK_FILE, f"{tag}\n".encode())


def new_tag(taken: set[str]) -> str:
    """A desk tag no desk has used: random, so two copies that each run `desk add` before
    they sync do not both choose the same one."""
    while True:
        tag = "".join(secrets.choice(TAG_LETTERS) for _ in range(TAG_LENGTH))
        if tag not in taken:
            return tag


def in_git(root: Path) -> bool:
    """Whether the salon folder is the top of a git working copy."""
    return (root / ".git").exists()


def driver_command() -> str:
    """How git runs this salonctl's merge driver: this program by its full path when it
    can be found (git's PATH may not hold salonctl's virtual environment)."""
    ran = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    found = ran if ran is not None and ran.name.startswith("salonctl") and ran.is_file() else None
    beside = Path(sys.executable).with_name("salonctl")
    if found is None and beside.is_file():
        found = beside
    program = str(found.resolve()) if found else (shutil.which("salonctl") or "salonctl")
    return f"{shlex.quote(program)} merge-driver %O %A %B %P"


def merge_driver_ready(root: Path) -> bool:
    """Whether this git copy merges the salon's files with salonctl's driver."""
    attributes = root / ATTRIBUTES_FILE
    wanted = attributes.exists() and all(
        line in attributes.read_text("utf-8", "replace").splitlines() for line in GIT_ATTRIBUTES)
    config = root / ".git" / "config"
    known = config.is_file() and f'[merge "{MERGE_DRIVER}"]' in config.read_text("utf-8", "replace")
    return wanted and known


def register_merge_driver(root: Path) -> bool:
    """Make this git copy merge the salon's files with salonctl's driver: the attributes
    (carried by git) and the driver (in .git/config, which git does not carry: each clone
    registers it). False when git is not at hand."""
    write_attributes(root)
    settings = {"name": "salonctl: client files record by record, journals entry by entry",
                "driver": driver_command()}
    try:
        for key, value in settings.items():
            subprocess.run(["git", "config", "--local", f"merge.{MERGE_DRIVER}.{key}", value],
                           cwd=root, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    return True


def write_attributes(root: Path) -> None:
    """.gitattributes with salonctl's merge lines (an older `merge=union` line replaced; a
    line of the salon's own kept)."""
    path = root / ATTRIBUTES_FILE
    old = path.read_text("utf-8", "replace").splitlines() if path.exists() else []
    ours = {line.split()[0] for line in GIT_ATTRIBUTES}
    kept = [line for line in old if not line.split() or line.split()[0] not in ours]
    text = "".join(f"{line}\n" for line in [*kept, *GIT_ATTRIBUTES])
    if not path.exists() or path.read_text("utf-8", "replace") != text:
        fsutil.write_atomic(path, text.encode("utf-8"))
