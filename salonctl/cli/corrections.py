"""Mistakes undone: `visit edit ID --set amount=680`, `visit void ID --reason TEXT`, and the
same for appointments, cards, courses, calls and complaints.

A journal is never rewritten: a correction is appended (journal/corrections/), naming the
entry it voids or the fields it sets, and every listing, plan and the call sheet read the
entry as corrected. The file keeps what was first written and who changed it, and why.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from typing import Annotated, Any

import typer
import yaml

from salonctl.cli.app import appointment_app, call_app, card_app, complaint_app, course_app, visit_app
from salonctl.cli.common import ByOption, State, arg, echo_warnings, state
from salonctl.engine import model
from salonctl.errors import NotFoundError, UsageError
from salonctl.files import audit, codec, parsing, schema, store
from salonctl.i18n import N_, _

# noun, its command group, the prefix of its ids, the command that lists them
KINDS = (
    (N_("visit"), visit_app, "v"), (N_("appointment"), appointment_app, "a"),
    (N_("card"), card_app, "card"), (N_("course"), course_app, "course"),
    (N_("call"), call_app, "call"), (N_("complaint"), complaint_app, "cp"),
)
IdArg = Annotated[str, typer.Argument(metavar="ID", help="The record's id (`... list` shows it).")]
ReasonOption = Annotated[str | None, typer.Option("--reason", help="Why, for whoever reads it later.")]


def _register(noun: str, group: typer.Typer, prefix: str) -> None:
    @group.command("edit", help="Correct fields of one of these records by its id (FIELD=VALUE; "
                                "an empty VALUE clears the field); prints the correction's id.")
    def edit(ctx: typer.Context, entry_id: IdArg,
             changes: Annotated[list[str], typer.Option(
                 "--set", help="FIELD=VALUE, once per field, e.g. --set amount=680.")],
             reason: ReasonOption = None, by: ByOption = None) -> None:
        run = state(ctx)
        _correct(run, noun, prefix, entry_id, dict(_pair(text) for text in changes), reason, by)

    @group.command("void", help="Take back one of these records, made by mistake (it stays in "
                                "its journal, marked void); prints the correction's id.")
    def void(ctx: typer.Context, entry_id: IdArg,
             reason: Annotated[str, typer.Option("--reason", help="Why it is void.")],
             by: ByOption = None) -> None:
        _correct(state(ctx), noun, prefix, entry_id, None, reason, by)


def _pair(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise UsageError(_("--set: {text} is not FIELD=VALUE, e.g. --set amount=680").format(
            text=repr(text)))
    return name.strip(), value.strip()


def _correct(run: State, noun: str, prefix: str, entry_id: str, changes: dict[str, str] | None,
             reason: str | None, by: str | None) -> None:
    salon = run.salon()
    with salon.lock(f"{noun} {'edit' if changes is not None else 'void'}"):
        target = _entry(salon, noun, prefix, entry_id)
        written = None if changes is None else _written_changes(prefix, changes)
        correction = model.Correction(
            "", target.client, run.today(), target.id, void=changes is None, changes=written,
            reason=arg(parsing.text, reason, "--reason") if reason else None, by=by)
        try:
            codec.corrected_fields(correction)
        except parsing.InvalidValue as error:
            raise UsageError(_("--set: {error}").format(error=error)) from None
        _refuse_what_breaks(salon, correction, run.today())
        made = salon.append(lambda new_id: replace(correction, id=new_id))
    echo_warnings(salon)
    print(made.id)


def _refuse_what_breaks(salon: store.Salon, correction: model.Correction, today: Any) -> None:
    """A correction passes the checks an addition passes: the history as it would read with
    it must say nothing `check` refuses that it did not say before (a card below nothing, a
    visit on someone else's card, a visit in the future, a callback before its call...)."""
    entries = salon.journals.entries()
    kept, rules = salon.client_files.kept_ids(), salon.rule_ids()
    where = {entry.id: (path, line) for entry, path, line in entries}

    def said(located: list[Any]) -> list[Any]:
        return audit.history_problems(codec.history_from(located, kept), today, rules, where)

    before = {problem.message for problem in said(entries)}
    new = [p for p in said([*entries, (correction, "", 0)]) if p.message not in before]
    if new:
        raise UsageError(_("--set: {problem}; nothing was written").format(
            problem=new[0].message))


def _entry(salon: store.Salon, noun: str, prefix: str, entry_id: str) -> Any:
    """The entry as it stands now (corrected), or why it cannot be corrected."""
    if entry_id.split("-", 1)[0] != prefix:
        raise UsageError(_("ID: {id} is not the id of a {what} (theirs start {prefix}-); "
                           "salonctl {noun} list shows them").format(
            id=repr(entry_id), what=_(noun), prefix=prefix, noun=noun))
    history = salon.history()
    found = next((e for e in _entries_of(history, prefix) if e.id == entry_id), None)
    if found is not None:
        return found
    voided = next((c for c in history.corrections if c.corrects == entry_id and c.void), None)
    if voided is not None:
        raise UsageError(_("ID: {id} was voided on {day} ({fix}); nothing more to correct")
                         .format(id=entry_id, day=voided.date, fix=voided.id))
    raise NotFoundError(_("ID: no {what} {id}; salonctl {noun} list shows the ids").format(
        what=_(noun), id=repr(entry_id), noun=noun))


def _entries_of(history: model.History, prefix: str) -> tuple[Any, ...]:
    cls = codec.CORRECTABLE[prefix][0]
    return getattr(history, codec.HISTORY_FIELD[cls])  # type: ignore[no-any-return]


def _written_changes(prefix: str, changes: dict[str, str]) -> str:
    """The changes as the journal keeps them, each value read as the field reads it: as
    typed first (amounts, dates, text), else as YAML would read it (7, true, [补水, 清洁])."""
    fields = codec.CORRECTABLE[prefix][1]
    known = {spec.name: spec for spec in fields if spec.name not in codec.FIXED_FIELDS}
    written: dict[str, Any] = {}
    for name, text in changes.items():
        if name not in known:
            raise UsageError(_("--set: {name} is not a field that can be corrected; give one "
                               "of: {fields}").format(name=repr(name), fields=", ".join(known)))
        written[name] = None if text == "" else _read_as_field(known[name], name, text)
    try:
        return schema.change_set(written)
    except parsing.InvalidValue as error:
        raise UsageError(_("--set: {error}").format(error=error)) from None


def _read_as_field(spec: schema.Field, name: str, text: str) -> Any:
    tries: list[Any] = []
    with contextlib.suppress(yaml.YAMLError):
        tries.append(yaml.safe_load(text))
    parts = [part.strip() for part in re.split(r"[,，、]", text) if part.strip()]
    tries += [text, parts, [text]]
    first_error = ""
    for value in tries:
        try:
            spec.read(value)
        except parsing.InvalidValue as error:
            first_error = first_error or str(error)
            continue
        return schema.written(value)
    raise UsageError(_("--set: {name}: {error}").format(name=name, error=first_error))


for _noun, _group, _prefix in KINDS:
    _register(_noun, _group, _prefix)
