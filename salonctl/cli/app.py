"""The Typer application, its global options and its command groups: the command modules
add their commands to these (none defines a group another uses)."""

from __future__ import annotations

from typing import Annotated

import typer

from salonctl import __version__
from salonctl.cli.common import State, arg
from salonctl.files import parsing

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")

app = typer.Typer(
    name="salonctl",
    help="Follow-up calls, call sheets and plans for a beauty salon, over plain YAML files.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["--help", "-h"]},  # -h on every command too
    add_completion=True,  # salonctl --install-completion: commands and options on Tab
    # A traceback with local variables would put client data into a cron e-mail.
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"salonctl {__version__}")
        raise typer.Exit()


@app.callback()
def global_options(
    ctx: typer.Context,
    data: Annotated[str | None, typer.Option(
        "--data", metavar="DIR",
        help="The salon folder. Else $SALONCTL_DATA, else the nearest folder upwards "
             "holding salon.yaml.",
    )] = None,
    today: Annotated[str | None, typer.Option(
        "--today", metavar="YYYY-MM-DD",
        help="The date to treat as today. Else $SALONCTL_TODAY, else the local date.",
    )] = None,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show a traceback when something goes wrong.",
    )] = False,
    lang: Annotated[str | None, typer.Option(
        "--lang", metavar="zh-CN|en",
        help="The language to speak in this run (default: the salon's, else $LANG).",
    )] = None,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", envvar="SALONCTL_NO_PAGER",
        help="Print long tables straight to the terminal instead of through a pager.",
    )] = False,
    bom: Annotated[bool, typer.Option(
        "--bom", envvar="SALONCTL_CSV_BOM",
        help="Start CSV output with a byte-order mark, so Excel reads Chinese right "
             "(or set SALONCTL_CSV_BOM=1 once).",
    )] = False,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", envvar="SALONCTL_ENCODING", metavar="utf-8|utf-8-sig|gb18030",
        help="The encoding of CSV and JSON output (default utf-8; --bom means utf-8-sig; "
             "gb18030 for an older Excel), whatever the console's.",
    )] = None,
    version: Annotated[bool, typer.Option(
        "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.",
    )] = False,
) -> None:
    """Follow-up calls, call sheets and plans for a beauty salon, over plain YAML files."""
    current = ctx.obj if isinstance(ctx.obj, State) else State()
    current.data, current.today_text, current.debug = data, today, debug
    current.bom, current.no_pager = bom, no_pager
    if encoding is not None:
        chosen = arg(lambda v: parsing.parse_choice(v.strip().lower(), ENCODINGS), encoding,
                     "--encoding")
        # utf-8-sig is UTF-8 that starts with a byte-order mark: what --bom writes
        current.encoding = "utf-8" if chosen == "utf-8-sig" else chosen
        current.bom = current.bom or chosen == "utf-8-sig"
    current.today()  # a bad --today is an error whatever the command
    ctx.obj = current


def _group(name: str, help_text: str, **options: object) -> typer.Typer:
    group = typer.Typer(help=help_text, **({"no_args_is_help": True} | options))  # type: ignore[arg-type]
    app.add_typer(group, name=name)
    return group


client_app = _group("client", "Add, list, show, find and edit clients.")
visit_app = _group("visit", "Record visits, with their services and products sold.")
appointment_app = _group("appointment", "Book, cancel and list appointments.")
card_app = _group("card", "Record prepaid, package and trial cards.")
course_app = _group("course", "Record treatment courses in progress.")
call_app = _group("call", "Log the outcome of follow-up calls.")
complaint_app = _group("complaint", "Record complaints and close them.")
product_app = _group("product", "The product catalogue: price, days of use, unit.")
service_app = _group("service", "The salon's service list: price, minutes, category.")
stock_app = _group("stock", "Stock taken in and on the shelf.")
rules_app = _group("rules", "The salon's follow-up rules.")
plan_app = _group("plan", "Yearly and monthly business plans.", no_args_is_help=False,
                  invoke_without_command=True)
desk_app = _group("desk", "Keep one salon at two desks (copies synced by git).")
import_app = _group("import", "Bring a salon's existing records in from a spreadsheet (CSV or XLSX).")
