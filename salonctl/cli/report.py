"""`salonctl report day|week|month [DAY] [--by consultant|service|product]`: calls made,
reached and turned into bookings; visits and money; new clients and members; complaints;
the month so far against its target."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from salonctl import lazy
from salonctl.cli.app import app
from salonctl.cli.common import PlanFormatOption, State, arg, parse_when, state
from salonctl.errors import UsageError
from salonctl.files import daynotes, parsing
from salonctl.i18n import N_, _
from salonctl.service.reports import FIGURES, LABELS, report_record, report_title
from salonctl.words import render

if TYPE_CHECKING:
    from salonctl.engine import worklist
else:
    worklist = lazy.module("salonctl.engine.worklist")

Span = Literal["day", "week", "month"]
By = Literal["consultant", "service", "product"]
SPANS = (N_("day"), N_("week"), N_("month"))


@app.command("report")
def report(
    ctx: typer.Context,
    span: Annotated[Span, typer.Argument(help="day, week (Monday to Sunday) or month.")],
    when: Annotated[str, typer.Argument(metavar="[DAY]", help="A day in it (default today).")
                    ] = "today",
    by: Annotated[By | None, typer.Option(
        "--by", help="One row per consultant, service or product.")] = None,
    note: Annotated[str | None, typer.Option(
        "--note", help="Keep a note of the day's problems and fixes (report day); it shows "
                       "in every report that covers the day.")] = None,
    who: Annotated[str | None, typer.Option("--who", help="Who wrote the note.")] = None,
    fmt: PlanFormatOption = "table",
) -> None:
    """The day's, week's or month's results: calls and the bookings they brought, visits
    and money (card sales and card use apart), new clients and members, complaints."""
    run = state(ctx)
    day = arg(lambda v: parse_when(v, run.today()), when, "DAY")
    if note is not None:
        _keep_note(run, span, day, note, who)
    _print(run, report_record(run, span, day, by), fmt)








def _keep_note(run: State, span: str, day: date, note: str, who: str | None) -> None:
    if span != "day":
        raise UsageError(_("--note: a note belongs to a day; give: report day [DAY] --note TEXT"))
    text = arg(parsing.text, note, "--note")
    salon = run.salon()
    with salon.lock("report day --note"):
        daynotes.add(salon.root, daynotes.DayNote(day, text, who))














def _print(run: State, record: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        run.out.write(render.to_json(record))
        return
    rows = record.get("rows") or [{key: record[key] for key in FIGURES}]
    key = record.get("by")
    fields = ((key,) if key else ()) + FIGURES
    if fmt == "csv":
        run.out.write(render.to_csv(rows, fields, run.bom))
        return
    title = report_title(record)
    if key:
        columns = (*render.columns(key),
                   *(render.Column(header, _field(f), justify="right") for header, f in (
                       ("calls", "calls"), ("reached", "reached"),
                       ("booked", "bookings_after_calls"), ("visits", "visits"),
                       ("revenue", "revenue"), ("card_use", "card_use"))))
        listing = render.Listing(rows, columns)
    else:
        listing = render.Listing([{"figure": _(LABELS[f]), "value": record[f]} for f in FIGURES],
                                 (*render.columns("figure"),
                                  render.Column("value", _field("value"), justify="right")))
    notes = [f"{n['date']} {n['note']}" + (f" ({n['by']})" if n["by"] else "")
             for n in record["notes"]]
    if fmt == "markdown":
        run.out.write(f"## {title}\n\n" + render.to_markdown(listing.records, listing.columns)
                      + "".join(f"\n- {line}" for line in notes) + ("\n" if notes else ""))
    else:  # the title on its own line: as a table's title it would wrap at the table's width
        run.line(title)
        run.console.print(render.table(listing))
        for line in notes:
            run.line(line)


def _field(key: str) -> Any:
    return lambda record: record[key]
