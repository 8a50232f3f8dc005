"""`salonctl rules list|show`: the salon's follow-up rules and the scripts they read."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salonctl.cli.app import rules_app
from salonctl.cli.common import FormatOption, RecordFormatOption, complete_listed, state
from salonctl.engine.ruleset import Rule
from salonctl.errors import NotFoundError
from salonctl.i18n import N_, _
from salonctl.words import render


def _rule_record(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id, "ref": rule.ref, "title": rule.title, "anchor": rule.anchor,
        "offsets": list(rule.offsets), "unit": rule.unit,
        "window": {"early": rule.early, "late": rule.late}, "kind": rule.kind,
        "channel": rule.kind,  # its older name
        "priority": rule.priority, "script": rule.script, "enabled": rule.enabled,
        "must": rule.must, "sales": rule.sales, "topic": rule.topic,
    }


@rules_app.command("list")
def rules_list(ctx: typer.Context, fmt: FormatOption = "table") -> None:
    """Every rule, with the row of DOMAIN.md it implements."""
    run = state(ctx)
    records = [_rule_record(r) for r in run.salon().rules()]
    columns = render.columns("id", "ref", "title", "offsets", "enabled", wrap=("title",))
    render.emit(render.Listing(records, columns, empty=N_("no rules")), fmt, run.console, run.bom, run.out)


@rules_app.command("show")
def rules_show(
    ctx: typer.Context,
    rule_id: Annotated[str, typer.Argument(
        metavar="RULE", help="The rule's id, or the R number the sheet shows (R1).",
        autocompletion=complete_listed("rule"))],
    fmt: RecordFormatOption = "table",
) -> None:
    """One rule and the scripts it reads; an R number shows every rule of that row."""
    run = state(ctx)
    rule_set = run.salon().rules()
    by_id = [r for r in rule_set if r.id == rule_id]
    by_ref = [r for r in rule_set if r.ref.casefold() == rule_id.strip().casefold()]
    if not by_id and not by_ref:
        raise NotFoundError(_("RULE: no rule {id}; `salonctl rules list` shows them").format(
            id=repr(rule_id)))
    library = run.salon().scripts()
    records = []
    for rule in by_id or by_ref:
        record = _rule_record(rule)
        record["scripts"] = {name: library[name].text.strip() if name in library else None
                             for name in rule.script_names()}
        records.append(record)
    if fmt == "json":  # an id is one rule; an R number is its row's rules, a list
        run.out.write(render.to_json(records[0] if by_id else records))
        return
    for number, record in enumerate(records):
        if number:
            run.line("")
        for key, value in record.items():
            run.line(f"{key}: {render.cell_text(value)}")

