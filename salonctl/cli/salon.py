"""`salonctl init` and `salonctl check`: making a salon folder and validating it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from salonctl import desks, fsutil, model, schema, store
from salonctl.cli.app import app
from salonctl.cli.common import arg, say_long_work, state
from salonctl.errors import DataError, UsageError
from salonctl.i18n import _


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
    language = arg(lambda v: schema.parse_choice(v, model.LANGUAGES), lang, "--lang")
    title = arg(schema.text, name, "--name") if name is not None else folder.resolve().name
    tag = arg(_desk_tag, desk, "--desk") if desk is not None else None
    store.init_salon(folder, title, language)
    if tag:
        desks.write_desk(folder, tag)


desk_app = typer.Typer(help="Keep one salon at two desks (copies synced by git).",
                       no_args_is_help=True)
app.add_typer(desk_app, name="desk")


@desk_app.command("add")
def desk_add(
    ctx: typer.Context,
    tag: Annotated[str | None, typer.Argument(
        help="1-3 letters a-z; default: the first letter from b on that no desk uses.")] = None,
) -> None:
    """Make this copy of the salon a desk of its own: every id it makes ends in its tag, so
    records made here and at another desk on the same day never share an id. Run it once in
    each new copy (after `git clone`); prints the tag."""
    salon = state(ctx).salon()
    with salon.lock("desk add"):
        own = salon.desk()
        seen = salon.desks_seen() - {own}
        chosen = arg(_desk_tag, tag, "TAG") if tag is not None else _free_tag(seen | {own})
        if chosen in seen:
            raise UsageError(_("TAG: {tag} ends ids another desk made; choose another (in use: "
                               "{used})").format(tag=repr(chosen), used=", ".join(sorted(seen))))
        desks.write_desk(salon.root, chosen)
    print(chosen)


@desk_app.command("show")
def desk_show(ctx: typer.Context) -> None:
    """Print this copy's desk tag (nothing for a salon kept at one desk)."""
    tag = state(ctx).salon().desk()
    if tag:
        print(tag)


def _desk_tag(value: str) -> str:
    if not desks.DESK_TAG.fullmatch(value):
        raise schema.InvalidValue(_("{value} is not a desk tag; give 1-3 letters a-z, e.g. b")
                                  .format(value=repr(value)))
    return value


def _free_tag(taken: set[str]) -> str:
    return next(letter for letter in "bcdefghijklmnopqrstuvwxyz" if letter not in taken)


@app.command("check")
def check(
    ctx: typer.Context,
    fix: Annotated[bool, typer.Option(
        "--fix", help="Make files 0600 and folders 0700 (only their owner may read them).")
    ] = False,
) -> None:
    """Validate every file of the salon; print every problem as PATH:LINE:COL: message.

    Prints nothing and exits 0 when all is well (right for cron)."""
    salon = state(ctx).salon()
    loose = salon.loose_modes()
    for path in loose if fix else ():
        path.chmod(fsutil.DIR_MODE if path.is_dir() else fsutil.FILE_MODE)
    if loose and not fix:
        mode = loose[0].stat().st_mode & 0o777
        print(_("warning: {count} file(s) and folder(s) of the salon may be read by others "
                "(e.g. {path}, mode {mode}); they hold phone numbers and birthdays: salonctl "
                "check --fix makes them private").format(
            count=len(loose), path=loose[0], mode=f"{mode:o}"), file=sys.stderr)
    say_long_work(salon.size(), _("checking every file of the salon..."))
    problems = salon.problems()
    if problems:
        raise DataError(problems)
