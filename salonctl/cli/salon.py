"""`salonctl init` and `salonctl check`: making a salon folder and validating it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from salonctl import fsutil, model, schema, store
from salonctl.cli.app import app
from salonctl.cli.common import arg, state
from salonctl.errors import DataError


@app.command("init")
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The new salon folder.")],
    name: Annotated[str | None, typer.Option(help="The salon's name.")] = None,
    lang: Annotated[str, typer.Option(help="Language of scripts and sheets: zh-CN or en.")
                    ] = "zh-CN",
) -> None:
    """Create a new salon folder with its settings and empty records."""
    language = arg(lambda v: schema.parse_choice(v, model.LANGUAGES), lang, "--lang")
    title = arg(schema.text, name, "--name") if name is not None else folder.resolve().name
    store.init_salon(folder, title, language)


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
        print(f"warning: {len(loose)} file(s) and folder(s) of the salon may be read by others "
              f"(e.g. {loose[0]}, mode {mode:o}); they hold phone numbers and birthdays: "
              "salonctl check --fix makes them private", file=sys.stderr)
    problems = salon.problems()
    if problems:
        raise DataError(problems)
