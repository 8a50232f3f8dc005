"""`salonctl init` and `salonctl check`: making a salon folder and validating it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from salonctl.cli.app import app, desk_app
from salonctl.cli.common import arg, state
from salonctl.disk import desks, fsutil
from salonctl.engine import model
from salonctl.errors import DataError, UsageError
from salonctl.files import parsing, store
from salonctl.i18n import _
from salonctl.service.lookup import say_long_work


@app.command("init")
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The new salon folder.")],
    name: Annotated[str | None, typer.Option(help="The salon's name.")] = None,
    lang: Annotated[str, typer.Option(help="Language of scripts and sheets: zh-CN or en.")
                    ] = "zh-CN",
    desk: Annotated[str | None, typer.Option(
        help="A tag for this copy (1-3 letters) when the salon will be kept at more than one "
             "desk; see `salonctl desk add`.")] = None,
) -> None:
    """Create a new salon folder with its settings and empty records."""
    language = arg(lambda v: parsing.parse_choice(v, model.LANGUAGES), lang, "--lang")
    title = arg(parsing.text, name, "--name") if name is not None else folder.resolve().name
    tag = arg(_desk_tag, desk, "--desk") if desk is not None else None
    store.init_salon(folder, title, language)
    if tag:
        desks.write_desk(folder, tag)
    if desks.in_git(folder):  # made inside a git copy: git merges its files salonctl's way
        desks.register_merge_driver(folder)




@desk_app.command("add")
def desk_add(
    ctx: typer.Context,
    tag: Annotated[str | None, typer.Argument(
        help="1-3 letters a-z; default: three random letters no desk has used.")] = None,
) -> None:
    """Make this copy of the salon a desk of its own: every id it makes ends in its tag, so
    records made here and at another desk on the same day never share an id; and have git
    merge its files with salonctl's merge driver. Run it once in each new copy (after `git
    clone`); prints the tag."""
    salon = state(ctx).salon()
    with salon.lock("desk add"):
        own = salon.desk()
        seen = salon.desks_seen() - {own}
        chosen = arg(_desk_tag, tag, "TAG") if tag is not None else desks.new_tag(seen | {own})
        if chosen in seen:
            raise UsageError(_("TAG: {tag} ends ids another desk made; choose another (in use: "
                               "{used})").format(tag=repr(chosen), used=", ".join(sorted(seen))))
        desks.write_desk(salon.root, chosen)
        if desks.in_git(salon.root) and not desks.register_merge_driver(salon.root):
            print(_("warning: git could not be run to register salonctl's merge driver; run "
                    "`salonctl check --fix` where git is at hand"), file=sys.stderr)
    print(chosen)


@app.command("merge-driver")
def merge_driver(
    base: Annotated[Path, typer.Argument(metavar="BASE", help="git's %O: the common ancestor.")],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help="git's %A: this side, and the result.")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="git's %B: the other side.")],
    where: Annotated[str, typer.Argument(metavar="PATH", help="git's %P: the file's path.")],
) -> None:
    """git's merge driver for a salon's files (registered by init, desk add and check
    --fix): client files record by record, journals entry by entry; nothing is lost."""
    code = gitmerge_file(base, ours, theirs, where)
    if code:
        raise typer.Exit(code)


@desk_app.command("show")
def desk_show(ctx: typer.Context) -> None:
    """Print this copy's desk tag (nothing for a salon kept at one desk)."""
    tag = state(ctx).salon().desk()
    if tag:
        print(tag)


def _desk_tag(value: str) -> str:
    if not desks.DESK_TAG.fullmatch(value):
        raise parsing.InvalidValue(_("{value} is not a desk tag; give 1-3 letters a-z, e.g. b")
                                  .format(value=repr(value)))
    return value


def gitmerge_file(base: Path, ours: Path, theirs: Path, where: str) -> int:
    """Merge one file as git asks (the result goes to `ours`); 0 when merged, else git's own
    merge's count of conflicts, its markers left in the file for a person."""
    from salonctl.files import gitmerge

    merge = gitmerge.merge_clients if where.replace("\\", "/").split("/")[-2:-1] == ["clients"] \
        else gitmerge.merge_journal
    try:
        texts = [fsutil.read_bytes(path).decode("utf-8") for path in (base, ours, theirs)]
        merged = merge(*texts)
    except (UnicodeDecodeError, gitmerge.Unmergeable):
        print(_("{path}: not as salonctl writes it; git's own merge marks what differs")
              .format(path=where), file=sys.stderr)
        done = subprocess.run(["git", "merge-file", "-L", "this desk", "-L", "before", "-L",
                               "other desk", str(ours), str(base), str(theirs)], check=False)
        return min(done.returncode, 127) or 0
    fsutil.write_atomic(ours, merged.text.encode("utf-8"))
    for note in merged.notes:
        print(f"{where}: {note}", file=sys.stderr)
    return 0


@app.command("check")
def check(
    ctx: typer.Context,
    fix: Annotated[bool, typer.Option(
        "--fix", help="Make files 0600 and folders 0700 (only their owner may read them), "
                      "and register salonctl's merge driver in a git copy.")
    ] = False,
) -> None:
    """Validate every file of the salon; print every problem as PATH:LINE:COL: message.

    Prints nothing and exits 0 when all is well (right for cron)."""
    salon = state(ctx).salon()
    salon.use_cache = False  # the verdict comes from the files alone, never from .cache/
    loose = salon.loose_modes()
    for path in loose if fix else ():
        path.chmod(fsutil.DIR_MODE if path.is_dir() else fsutil.FILE_MODE)
    if desks.in_git(salon.root) and not desks.merge_driver_ready(salon.root):
        if fix and desks.register_merge_driver(salon.root):
            print(_("registered salonctl's merge driver for this git copy"), file=sys.stderr)
        else:
            print(_("warning: git does not merge this copy's files with salonctl's merge driver, "
                    "so two desks' records may clash; salonctl check --fix registers it"),
                  file=sys.stderr)
    if loose and not fix:
        mode = loose[0].stat().st_mode & 0o777
        print(_("warning: {count} file(s) and folder(s) of the salon may be read by others "
                "(e.g. {path}, mode {mode}); they hold phone numbers and birthdays: salonctl "
                "check --fix makes them private").format(
            count=len(loose), path=loose[0], mode=f"{mode:o}"), file=sys.stderr)
    say_long_work(salon.size(), _("checking every file of the salon..."))
    problems = salon.problems(state(ctx).today())
    if problems:
        raise DataError(problems)
    for first, second in _entered_twice(salon):
        print(_("note: {first} and {second} are both {name} with one phone number (ending "
                "{tail}); if she is one client: salonctl client merge {first} {second}").format(
            first=first.id, second=second.id, name=first.name,
            tail=parsing.masked_phone(second.phone)), file=sys.stderr)


def _entered_twice(salon: store.Salon) -> list[tuple[model.Client, model.Client]]:
    """Two records of one name and one phone (+86 or not, spaces or not): most likely one
    client typed in twice. A family sharing a phone has two names and is left alone."""
    region = salon.phone_region()
    first_of: dict[tuple[str, str], model.Client] = {}
    pairs = []
    for client in salon.clients():
        key = (client.name.casefold(), parsing.phone_key(client.phone, region))
        if key in first_of:
            pairs.append((first_of[key], client))
        else:
            first_of[key] = client
    return pairs
