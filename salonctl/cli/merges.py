"""`salonctl client merge` and `client unmerge`: one client entered twice, made one."""

from __future__ import annotations

import dataclasses
import sys
from typing import Annotated

import typer

from salonctl.cli.clients import client_app
from salonctl.cli.common import client_in_files, echo_warnings, masked_phone, state
from salonctl.engine import model
from salonctl.errors import NotFoundError, UsageError
from salonctl.files import merging, store
from salonctl.i18n import _, ngettext

KeptArg = Annotated[str, typer.Argument(
    metavar="KEEP", help="The record to keep: id, phone number or exact name.")]
SecondArg = Annotated[str, typer.Argument(
    metavar="SECOND", help="The second record of the same client: id, phone number or exact name.")]


@client_app.command("merge")
def merge(
    ctx: typer.Context,
    kept: KeptArg,
    second: SecondArg,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Say what the merge would do; write nothing.")] = False,
) -> None:
    """One client entered twice, made one: SECOND's records become KEEP's.

    SECOND's visits, calls, cards and the rest are read as KEEP's, and SECOND's record is
    hidden (its id and phone still find KEEP). KEEP's record takes what only SECOND's says.
    The journals are not rewritten: `client unmerge SECOND` undoes it."""
    salon = state(ctx).salon()
    with salon.lock("client merge"), salon.all_or_nothing("client merge"):
        keeping = client_in_files(salon, kept, "KEEP")
        leaving = _live_client(salon, second)
        if leaving.id == keeping.id:
            raise UsageError(_("KEEP and SECOND are the same client ({id}); give two records")
                             .format(id=keeping.id))
        result = merging.merge(keeping, leaving)
        # A record merged into SECOND before now points at KEEP: a merge never chains.
        earlier = [dataclasses.replace(c, merged_into=keeping.id)
                   for c in salon.merged_clients() if c.merged_into == leaving.id]
        named = {leaving.id, *(c.id for c in earlier)}
        moved = sum(1 for entry, _where, _line in salon.entries() if entry.client in named)
        if not dry_run:
            salon.replace_clients([result.kept, *earlier, result.second])
    echo_warnings(salon)
    _tell(result, moved, dry_run)


def _live_client(salon: store.Salon, wanted: str) -> model.Client:
    """SECOND: a client of her own (a record merged already is refused, naming where)."""
    for record in salon.merged_clients():
        if record.id == wanted:
            raise UsageError(_("SECOND: {id} was merged into {kept} already").format(
                id=wanted, kept=record.merged_into))
    return client_in_files(salon, wanted, "SECOND")


def _tell(result: merging.Merge, entries: int, dry_run: bool) -> None:
    kept, second = result.kept, result.second
    if dry_run:
        print(_("dry run: nothing was written"), file=sys.stderr)
    print(_("{second} {second_name} merged into {kept} {kept_name}").format(
        second=second.id, second_name=second.name, kept=kept.id, kept_name=kept.name))
    print(ngettext("{count} journal entry of {second} is read as {kept}'s",
                   "{count} journal entries of {second} are read as {kept}'s", entries).format(
        count=entries, second=second.id, kept=kept.id))
    if result.taken:
        print(_("{kept} took from {second}: {fields}").format(
            kept=kept.id, second=second.id, fields=_(", ").join(_label(f) for f in result.taken)))
    for name, mine, theirs in result.differing:
        if name == "phone":
            mine, theirs = masked_phone(mine), masked_phone(theirs)
        print(_("{field}: {kept}'s {mine} stands ({second} said {theirs})").format(
            field=_label(name), kept=kept.id, mine=mine, second=second.id, theirs=theirs))
    if not dry_run:
        print(_("undo: salonctl client unmerge {second}").format(second=second.id))


def _label(field: str) -> str:
    """A client field as `client show` labels it."""
    return _(field).replace("_", " ")


@client_app.command("unmerge")
def unmerge(
    ctx: typer.Context,
    second: Annotated[str, typer.Argument(
        metavar="SECOND", help="The id of the record that was merged into another.")],
) -> None:
    """Undo `client merge`: SECOND is a client of her own again.

    She has her own entries back. What the merge filled into the kept record stays (`client
    edit` changes it)."""
    salon = state(ctx).salon()
    with salon.lock("client unmerge"):
        merged = [*salon.merged_clients(), *(c for c in salon.clients() if c.merged_into)]
        record = next((c for c in merged if c.id == second), None)
        if record is None:
            raise NotFoundError(_("SECOND: {id} is not a record merged into another; "
                                  "`salonctl client show` names a client's merged records")
                                .format(id=repr(second)))
        salon.replace_client(dataclasses.replace(record, merged_into=None))
    echo_warnings(salon)
    print(_("{id} {name} is a client of her own again (she had been merged into {kept})").format(
        id=record.id, name=record.name, kept=record.merged_into))
