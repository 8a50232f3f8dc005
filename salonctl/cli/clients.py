"""`salonctl client ...`: the client files."""

from __future__ import annotations

import dataclasses
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import typer

from salonctl.cli.app import client_app
from salonctl.cli.common import (
    CLIENT_FIELDS,
    FormatOption,
    RecordFormatOption,
    arg,
    client_record,
    echo_warnings,
    state,
)
from salonctl.disk import yamlio
from salonctl.engine import model, value
from salonctl.errors import ConflictError, DataError, NotFoundError, UsageError
from salonctl.files import clientfiles, merging, parsing, schema, store
from salonctl.i18n import N_, _, ngettext
from salonctl.service.lookup import as_kept, client_in_files, client_in_store, derived_store, every_record
from salonctl.words import render

T = TypeVar("T")

_BOOLEAN_FIELDS = {"key", "do_not_contact", "lunar_leap"}
_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}




def _given(parse: Callable[[str], T], value: str | None, name: str) -> T | None:
    return None if value is None else arg(parse, value, name)


def _choice(value: str | None, choices: tuple[str, ...], name: str) -> Any:
    """One of `choices`, or the word staff use for it (女, 会员, 微信...)."""
    kind = name.removeprefix("--")
    return None if value is None else arg(lambda v: parsing.parse_spelled(v, choices, kind),
                                          value, name)


@client_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The client's name, as she writes it.")],
    phone: Annotated[str, typer.Option("--phone", help="Phone number, kept exactly as typed.")],
    client_id: Annotated[str | None, typer.Option("--id", help="Id (letters, digits, - _).")] = None,
    gender: Annotated[str | None, typer.Option(help="female or male (女, 男).")] = None,
    birthday: Annotated[str | None, typer.Option(
        help="Birthday, YYYY-MM-DD; or MM-DD (5月7日) when she gives no year.")] = None,
    lunar_birthday: Annotated[str | None, typer.Option(
        "--lunar-birthday", help="Lunar birthday MM-DD, if she keeps one.")] = None,
    lunar_leap: Annotated[bool, typer.Option(
        "--lunar-leap", help="The lunar birthday is in a leap month.")] = False,
    category: Annotated[str, typer.Option(help="new, member or guest (新客, 会员, 散客).")] = "new",
    key: Annotated[bool, typer.Option("--key", help="A key client, checked on more often.")] = False,
    referred_by: Annotated[str | None, typer.Option(
        "--referred-by", help="The client who brought her.")] = None,
    source: Annotated[str | None, typer.Option(help="How she heard of the salon.")] = None,
    consultant: Annotated[str | None, typer.Option(help="Her consultant.")] = None,
    channel: Annotated[str, typer.Option(help="phone, sms, wechat or email.")] = "phone",
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    do_not_contact: Annotated[bool, typer.Option(
        "--do-not-contact", help="Never call or message her.")] = False,
    note: Annotated[str | None, typer.Option(help="A free note.")] = None,
    salutation: Annotated[str | None, typer.Option(
        help="How scripts address her (e.g. 王姐, Dr. Chen); default: title and family name.")
    ] = None,
) -> None:
    """Open a client file; prints the new client's id."""
    run = state(ctx)
    if lunar_leap and lunar_birthday is None:
        raise UsageError(_("--lunar-leap: give --lunar-birthday MM-DD with it"))
    no_year = _given(parsing.parse_month_day, birthday, "--birthday")
    fields: dict[str, Any] = {
        "name": arg(parsing.text, name, "NAME").strip(),
        "phone": arg(parsing.parse_phone, phone, "--phone"),
        "gender": _choice(gender, model.GENDERS, "--gender"),
        # a date, not "+3d"; or a month and day, when she gives no year (05-07, 5月7日)
        "birthday": None if no_year else _given(parsing.parse_birthday, birthday, "--birthday"),
        "birthday_month_day": no_year,
        "lunar_birthday": _given(
            lambda v: parsing.parse_lunar(v, lunar_leap), lunar_birthday, "--lunar-birthday"),
        "category": _choice(category, model.CATEGORIES, "--category"),
        "key": key, "source": source, "consultant": consultant,
        "channel": _choice(channel, model.CHANNELS, "--channel"),
        "email": _given(parsing.parse_email, email, "--email"),
        "do_not_contact": do_not_contact, "note": note,
        "salutation": _given(parsing.single_line, salutation, "--salutation"),
    }
    new_id = _given(parsing.parse_id, client_id, "--id")
    salon = run.salon()
    with salon.lock("client add"):
        indexed = derived_store(store.Salon(salon.root, lenient=True))
        # Through the store's index when it serves (every id it holds is every id used: it
        # serves only a salon whose every record reads); else from every file.
        used = indexed[0].used_ids() if indexed else salon.used_client_ids()
        if new_id and new_id in used:
            raise UsageError(_("--id: {id} is or was a client's id; choose another").format(
                id=repr(new_id)))
        if referred_by is not None:
            fields["referred_by"] = (
                client_in_store(indexed[0], referred_by, "--referred-by") if indexed
                else client_in_files(salon, referred_by, "--referred-by")).id
        region = salon.phone_region()
        _note_shared_phone(indexed[0].lookup(fields["phone"]) if indexed else salon.clients(),
                           parsing.phone_key(fields["phone"], region), region)
        client = model.Client(
            id=new_id or clientfiles.next_client_id(used, salon.desk()), since=run.today(), **fields)
        salon.add_client(client, used if indexed else None)
    echo_warnings(salon)
    print(client.id)


def _note_shared_phone(clients: list[model.Client], number: str, region: str) -> None:
    for other in clients:
        if parsing.phone_key(other.phone, region) == number and not other.merged_into:
            print(_("note: {id} {name} has the same phone number").format(
                id=other.id, name=other.name), file=sys.stderr)




_LIST_COLUMNS = (*render.columns("id", "name", "phone"),
                 render.Column("category", lambda r: f"{_(r['category'])}{' ★' if r['key'] else ''}"),
                 *render.columns("consultant"))


@client_app.command("list")
def list_clients(
    ctx: typer.Context,
    sort: Annotated[Literal["added", "value"], typer.Option(
        help="added (the order they came), or value: most spent in the last 12 months first, "
             "with each client's tier.")] = "added",
    fmt: FormatOption = "table",
) -> None:
    """Every client, in the order they were added (or by what she is worth to the salon)."""
    run = state(ctx)
    salon = run.salon()
    clients = salon.clients()
    records = [client_record(c) for c in clients]
    columns, fields = _LIST_COLUMNS, CLIENT_FIELDS
    if sort == "value":
        worth = value.values_of(clients, salon.history(), run.today(), salon.settings().follow_up)
        records = sorted(({**r, "spend_12m": worth[r["id"]].spend,
                           "visits_12m": worth[r["id"]].visits, "tier": worth[r["id"]].tier}
                          for r in records), key=lambda r: (-r["spend_12m"], r["id"]))
        columns = (*_LIST_COLUMNS[:3],
                   render.Column("spend_12m", lambda r: r["spend_12m"], justify="right"),
                   render.Column("visits_12m", lambda r: r["visits_12m"], justify="right"),
                   render.Column("tier", lambda r: _(r["tier"])))
        fields = (*CLIENT_FIELDS, "spend_12m", "visits_12m", "tier")
    listing = render.Listing(records, columns, empty=N_("no clients yet"), fields=fields)
    with run.paged(fmt == "table"):
        render.emit(listing, fmt, run.console, run.bom, run.out)


@client_app.command("find")
def find(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="Part of a name, phone number or note.")],
    fmt: FormatOption = "table",
) -> None:
    """Clients whose name, phone or note contains TEXT."""
    run = state(ctx)
    salon = run.salon()
    region = salon.phone_region()
    wanted, digits, number = text.casefold(), parsing.phone_digits(text), \
        parsing.phone_key(text, region)
    indexed = derived_store(salon)
    if indexed:
        candidates = indexed[0].search(text)
        kept: Callable[[str], model.Client] = indexed[0].client
    else:
        candidates, kept = every_record(salon)
    found = as_kept([
        c for c in candidates
        if wanted in c.name.casefold()
        or (digits and (digits in parsing.phone_digits(c.phone)
                        or digits in parsing.phone_key(c.phone, region)))
        or (len(digits) >= 5 and number == parsing.phone_key(c.phone, region))
        or (c.note and wanted in c.note.casefold())
    ], kept)
    listing = render.Listing([client_record(c) for c in found], _LIST_COLUMNS,
                             empty=_("no client matches {text}").format(text=repr(text)))
    render.emit(listing, fmt, run.console, run.bom, run.out)


@client_app.command("show")
def show(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(metavar="CLIENT", help="Id, phone number or exact name.")],
    fmt: RecordFormatOption = "table",
) -> None:
    """A client's profile and her history: visits, sales, appointments, calls, complaints."""
    from salonctl.words.profile import client_profile, print_profile

    run = state(ctx)
    salon = run.salon()
    indexed = derived_store(salon)
    if indexed is None:
        found = client_in_files(salon, client)
        profile = client_profile(found, salon.history(), run.today(),
                                 salon.settings().follow_up)
        merged = [c.id for c in salon.merged_clients() if c.merged_into == found.id]
    else:
        found = client_in_store(indexed[0], client)
        profile = client_profile(found, indexed[0].history([found.id]), run.today(),
                                 salon.settings().follow_up)
        merged = indexed[0].merged_into(found.id)
    if merged:  # her second records (`client merge`), whose entries are hers
        profile = {"merged": merged, **profile}
    echo_warnings(salon)
    if fmt == "json":
        run.out.write(render.to_json(profile))
    else:
        print_profile(profile, run.console)


@client_app.command("edit")
def edit(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(metavar="CLIENT", help="Id, phone number or exact name.")],
    changes: Annotated[list[str] | None, typer.Option(
        "--set", metavar="FIELD=VALUE",
        help="Set one field (repeatable); an empty VALUE clears it. Without --set, "
             "opens $EDITOR at the record.")] = None,
) -> None:
    """Change a client's file, field by field or in your editor."""
    salon = state(ctx).salon()
    if changes:
        with salon.lock("client edit"):
            current = client_in_files(salon, client)
            salon.replace_client(_apply_changes(current, changes))
    else:
        _edit_in_editor(salon, client_in_files(salon, client).id)
    echo_warnings(salon)


def _apply_changes(client: model.Client, changes: list[str]) -> model.Client:
    data = schema.client_fields(client)
    known = {f.name for f in schema.CLIENT_FIELDS}
    for change in changes:
        name, sep, value = change.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in known:
            raise UsageError(_("--set: {change} is not FIELD=VALUE with a known field; "
                               "fields: {fields}").format(
                change=repr(change), fields=", ".join(sorted(known - {"id", "merged_into"}))))
        if name == "id":
            raise UsageError(_("--set: a client's id never changes (calls and visits refer to it)"))
        if name == "merged_into":
            raise UsageError(_("--set: merged_into is set by `salonctl client merge` and undone "
                               "by `salonctl client unmerge`"))
        data[name] = _cli_value(name, value)
        if data.get("conflicts") and name in data["conflicts"]:  # settled: the note goes
            data["conflicts"] = {k: v for k, v in data["conflicts"].items() if k != name} or None
    return _validated(data, "--set")


def _cli_value(name: str, value: str) -> Any:
    if name in _BOOLEAN_FIELDS:
        if value.lower() not in _TRUE | _FALSE:
            raise UsageError(_("--set {name}: {value} is not true or false").format(
                name=name, value=repr(value)))
        return value.lower() in _TRUE
    return value if value != "" else None


def _validated(data: dict[str, Any], where: str) -> model.Client:
    located = yamlio.LocatedDict()
    located.update({k: v for k, v in data.items() if v is not None})
    values, problems = schema.read_record(located, schema.CLIENT_FIELDS, where)
    if values is None:
        raise UsageError("\n".join(f"{where} {p.message}" for p in problems))
    return schema.build_client(values)


def _edit_in_editor(salon: store.Salon, client_id: str) -> None:
    """Open the record in $EDITOR; keep the edit only if it is valid and nobody else
    changed the client meanwhile (the lock is not held while a person types)."""
    before = next(c for c in salon.clients() if c.id == client_id)
    record = schema.without_defaults(schema.client_fields(before), schema.CLIENT_DEFAULTS)
    with tempfile.TemporaryDirectory(prefix="salonctl-") as folder:
        path = Path(folder) / f"{client_id}.yaml"
        path.write_text(yamlio.dump_block(record), encoding="utf-8")
        path.chmod(0o600)
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        if subprocess.run([*shlex.split(editor), str(path)], check=False).returncode != 0:
            raise UsageError(_("the editor ({editor}) failed; the client was not changed")
                             .format(editor=editor))
        after = _read_edited(path, client_id)
    if after == before:
        print(_("no change"), file=sys.stderr)
        return
    with salon.lock("client edit"):
        fresh = store.Salon(salon.root)
        current = next((c for c in fresh.clients() if c.id == client_id), None)
        if current != before:
            raise ConflictError(_(
                "client {id} was changed by someone else while you were editing; your edit "
                "was not kept. Run the command again.").format(id=client_id))
        fresh.replace_client(after)


def _read_edited(path: Path, client_id: str) -> model.Client:
    where = _("{id} (your edit)").format(id=client_id)
    raw, problems = yamlio.parse(path.read_text(encoding="utf-8"), where)
    if not problems:
        values, problems = schema.read_record(raw, schema.CLIENT_FIELDS, where)
    if problems:
        raise DataError(problems, hint=_("the edit was not kept; the client is unchanged"))
    assert values is not None
    if values["id"] != client_id:
        raise UsageError(_("the edit changed the client's id, which never changes; not kept"))
    if values.get("merged_into"):
        raise UsageError(_("the edit merged the client into another; use `salonctl client "
                           "merge`, which also fills in her record. Not kept"))
    return schema.build_client(values)


# --- one client entered twice, made one: client merge, client unmerge ---

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
            mine, theirs = parsing.masked_phone(mine), parsing.masked_phone(theirs)
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
