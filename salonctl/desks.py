"""Two desks, one salon: each copy of a salon kept in git has a tag (`salonctl desk add`)
that ends every id made there, so copies merged by git never give one id twice; journals
and client files merge line by line (`merge=union`)."""

from __future__ import annotations

import re
from pathlib import Path

from salonctl import fsutil
from salonctl.errors import UsageError
from salonctl.i18n import _

DESK_FILE = ".desk"
DESK_TAG = re.compile(r"[a-z]{1,3}")
TAGGED_CLIENT = re.compile(r"c\d+([a-z]{1,3})")
TAGGED_ENTRY = re.compile(rb"\bid: [a-z]+-\d{8}-\d+([a-z]{1,3})\b")
GIT_IGNORED = (".lock", ".lock-holder", ".mail.lock", ".mail.lock-holder", ".cache/", "*.tmp",
               DESK_FILE)
# Journals only grow and client files gain whole blocks, so a line-wise union keeps what
# both desks wrote; a client edited on both shows as a repeated field that `check` names.
GIT_ATTRIBUTES = ("journal/**/*.yaml merge=union", "clients/*.yaml merge=union")


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
