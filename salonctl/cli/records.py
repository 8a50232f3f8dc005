"""Commands that record what happened: visits and sales, appointments, cards, courses,
calls and complaints. Each appends one journal entry under the salon's lock."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

import typer

from salonctl.cli.app import appointment_app, call_app, card_app, complaint_app, course_app, visit_app
from salonctl.cli.common import (
    CALL_FIELDS,
    VISIT_FIELDS,
    ByOption,
    ClientArg,
    DateOption,
    FormatOption,
    FromOption,
    OneClientArg,
    State,
    ToOption,
    arg,
    arg_date,
    client_names,
    complete_listed,
    complete_outcome,
    echo_warnings,
    emit_listing,
    log_call,
    not_in_future,
    record_entry,
    selected,
    state,
    window_of,
    within,
)
from salonctl.engine import cards, catalogue, model
from salonctl.errors import NotFoundError, UsageError
from salonctl.files import catalogfile, parsing, schema
from salonctl.i18n import N_, _
from salonctl.service.day import known_rule_ids
from salonctl.words import render, spoken

# --- visits --------------------------------------------------------------------------


def _product(text: str, items: list[catalogue.Item]) -> model.Product:
    """NAME=CATEGORY, or the NAME of a catalogue product (its category and days of use
    come with it)."""
    name, sep, category = text.rpartition("=")
    listed = catalogue.find(items, name if sep else text)
    if listed is not None and (not sep or category.strip() == listed.category):
        return catalogue.sold_as(listed)
    if not sep or not name.strip():
        raise parsing.InvalidValue(_("{text} is not in the catalogue; give NAME=CATEGORY, e.g. "
                                    "玻尿酸精华=care, or add it with salonctl product add").format(
            text=repr(text)))
    parsed = parsing.parse_spelled(category.strip(), model.PRODUCT_CATEGORIES, "product")
    return model.Product(name.strip(), parsed)  # type: ignore[arg-type]


@visit_app.command("add")
def visit_add(
    ctx: typer.Context,
    client: ClientArg,
    day: DateOption = None,
    services: Annotated[list[str] | None, typer.Option(
        "--service", "-s", help="A service done (repeatable).",
        autocompletion=complete_listed("service"))] = None,
    products: Annotated[list[str] | None, typer.Option(
        "--product", "-p", metavar="NAME[=CATEGORY]", autocompletion=complete_listed("product"),
        help="A product taken home (repeatable): a catalogue product's name, or NAME=CATEGORY "
             "(treatment, brand, supplement, care)."
    )] = None,
    amount: Annotated[str | None, typer.Option("--amount", "-a", help="What the client paid.")
                      ] = None,
    by: ByOption = None,
    card: Annotated[str | None, typer.Option(
        "--card", "-c", metavar="ID", help="Paid with this card: one session, or the amount, off it.")
    ] = None,
    use_card: Annotated[bool, typer.Option(
        "--use-card", help="Paid with her card (the one she can use; else name it with --card).")
    ] = False,
    again: Annotated[bool, typer.Option(
        "--again", help="Record it even though the same visit is recorded that day.")] = False,
) -> None:
    """Record a visit: services done and/or products sold; prints the visit's id."""
    run = state(ctx)
    today = run.today()
    when = not_in_future(arg_date(day, "--date", today), today, "--date", N_("visit"))
    items = catalogfile.read(run.salon().root) if products else []
    sold = tuple(arg(lambda text: _product(text, items), p, "--product") for p in products or ())
    listed = catalogfile.read_services(run.salon().root) if services else []
    typed_services = [typed.strip() for typed in services or () if typed.strip()]
    chosen = [_service(typed, listed) for typed in typed_services]
    done = tuple(found.name if found else typed
                 for typed, found in zip(typed_services, chosen, strict=True))
    paid = arg(parsing.parse_money, amount, "--amount") if amount is not None else \
        catalogue.visit_price(chosen, items, sold)

    paying: list[cards.CardState] = []

    def make(found: model.Client, entry_id: str) -> model.Visit:
        if not again:
            _refuse_twice(run.salon().journals.of_day("visits", when, found.id), found, when,
                          (done, sold, paid))
        used = None
        if card or use_card:
            held = cards.states(run.salon().history()).values()
            paying.append(cards.paying_card(held, found, when, paid, card))
            used = paying[-1].card.id
        return model.Visit(entry_id, found.id, when, done, sold, paid, by, used)

    visit = record_entry(run, "visit add", client, make)
    if paying:  # the desk tells her what is left; stdout stays the id alone, for scripts
        before = paying[-1]
        after = cards.state_of(before.card, [*before.uses, visit], list(before.topups))
        print(_("card {id} {type}: {left} left").format(
            id=after.card.id, type=after.card.type, left=after.left_text() or "-"),
            file=sys.stderr)


def _service(typed: str, listed: list[catalogue.Service]) -> catalogue.Service | None:
    """The service on the salon's list that `typed` names (a part of its name, its pinyin
    initials); None when the list has none such (the service is kept as typed)."""
    named = catalogue.services_named(listed, typed)
    if len(named) > 1:
        raise UsageError(_("--service: {typed} could be {services}; type more of its name")
                         .format(typed=repr(typed), services=", ".join(s.name for s in named)))
    return named[0] if named else None


def _refuse_twice(that_day: list[model.Entry], client: model.Client, day: date,
                  what: tuple[Any, ...]) -> None:
    """The same visit twice in a day is nearly always one typed twice (two staff, or a
    command run again): said, and recorded only with --again."""
    same = [v for v in that_day if isinstance(v, model.Visit) and v.client == client.id
            and v.date == day and (v.services, v.products, v.amount) == what]
    if same:
        raise UsageError(_("{name} already has this visit on {day} ({id}); to record a second "
                           "one, add --again").format(name=client.name, day=day, id=same[0].id))


APPOINTMENT_FIELDS = ("id", "client", "name", "date", "time", "service", "status")
COMPLAINT_FIELDS = ("id", "client", "name", "date", "text", "status", "closed")


def visit_record(visit: model.Visit, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": visit.id, "client": visit.client, "name": names.get(visit.client),
        "date": visit.date, "services": list(visit.services),
        "products": [schema.plain(p) for p in visit.products],
        "amount": visit.amount, "by": visit.by, "card": visit.card,
    }


@visit_app.command("list")
def visit_list(
    ctx: typer.Context,
    client: OneClientArg = None,
    start: FromOption = None, end: ToOption = None, fmt: FormatOption = "table",
) -> None:
    """Visits in date order, optionally for one client and between two days."""
    run = state(ctx)
    names = client_names(run)
    visits = selected(run, run.salon().history().visits, client, start, end)
    records = [visit_record(v, names) for v in visits]
    columns = (*render.columns("id", "date", "name", "services", wrap=("services",)),
               render.Column("products", lambda r: [p["name"] for p in r["products"]], wrap=True),
               render.Column("amount", lambda r: r["amount"], justify="right"))
    emit_listing(run, fmt, records, columns, N_("no visits"), VISIT_FIELDS)


# --- appointments ----------------------------------------------------------------------

AtOption = Annotated[str, typer.Option(
    "--at", help="Day and time: '2026-11-26 9:00', '明天 14:30', 'friday 10:00'.")]


@appointment_app.command("add")
def appointment_add(
    ctx: typer.Context, client: ClientArg, at: AtOption,
    service: Annotated[str | None, typer.Option(help="The service booked.")] = None,
    by: ByOption = None,
) -> None:
    """Book an appointment; prints its id."""
    run = state(ctx)
    day, time = arg(lambda text: spoken.parse_moment(text, run.today()), at, "--at")

    def make(found: model.Client, entry_id: str) -> model.Appointment:
        if _booked(run, found.id, day, time):
            raise UsageError(_("--at: {name} is already booked at {day} {time}").format(
                name=found.name, day=day, time=time))
        return model.Appointment(entry_id, found.id, day, time, service, run.today(), by)

    record_entry(run, "appointment add", client, make)


def _booked(run: State, client_id: str, day: date, time: str) -> model.Appointment | None:
    live = run.salon().history().live_appointments()
    return next((a for a in live if (a.client, a.date, a.time) == (client_id, day, time)), None)


@appointment_app.command("cancel")
def appointment_cancel(ctx: typer.Context, client: ClientArg, at: AtOption) -> None:
    """Cancel a booked appointment (it stays in the journal, marked cancelled)."""
    run = state(ctx)
    day, time = arg(lambda text: spoken.parse_moment(text, run.today()), at, "--at")

    def make(found: model.Client, entry_id: str) -> model.Cancellation:
        booked = _booked(run, found.id, day, time)
        if booked is None:
            mine = [f"  {a.date} {a.time}" for a in run.salon().history().live_appointments()
                    if a.client == found.id]
            listed = (_("; her appointments:") + "\n" + "\n".join(mine)) if mine else \
                _("; she has no appointment booked")
            raise NotFoundError(_("--at: {name} has no appointment at {day} {time}").format(
                name=found.name, day=day, time=time) + listed)
        return model.Cancellation(entry_id, found.id, run.today(), booked.id)

    record_entry(run, "appointment cancel", client, make)


@appointment_app.command("list")
def appointment_list(
    ctx: typer.Context, start: FromOption = None, end: ToOption = None,
    cancelled: Annotated[bool, typer.Option(
        "--cancelled", help="Include cancelled appointments.")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Appointments from today on (or between --from and --to), in time order."""
    run = state(ctx)
    low, high = window_of(run, start, end)
    low = low or (None if end else run.today())
    history, names = run.salon().history(), client_names(run)
    gone = history.cancelled_ids()
    records = [
        {"id": a.id, "client": a.client, "name": names.get(a.client), "date": a.date,
         "time": a.time, "service": a.service,
         "status": "cancelled" if a.id in gone else "booked"}
        for a in sorted(history.appointments, key=lambda a: (a.date, a.time))
        if within(a.date, low, high) and (cancelled or a.id not in gone)
    ]
    emit_listing(run, fmt, records, render.columns("date", "time", "name", "service", "status"),
          N_("no appointments"), APPOINTMENT_FIELDS)


# --- cards and courses ---------------------------------------------------------------


@card_app.command("add")
def card_add(
    ctx: typer.Context, client: ClientArg,
    card_type: Annotated[str, typer.Option("--type", help="The card, e.g. 年卡, 10次卡.")],
    until: Annotated[str | None, typer.Option(
        help="Valid until: YYYY-MM-DD, or days from today (+365d, +52w).")] = None,
    sessions: Annotated[int | None, typer.Option(help="Sessions on the card.", min=0)] = None,
    balance: Annotated[str | None, typer.Option(help="Money on the card.")] = None,
    trial: Annotated[bool, typer.Option(
        "--trial", help="A trial or discount card for a new client (R14).")] = False,
    price: Annotated[str | None, typer.Option(
        help="What she paid for it: revenue on the day it is sold.")] = None,
    day: DateOption = None,
) -> None:
    """Record a card sold or given; a new client with a real card becomes a member."""
    run = state(ctx)
    if sessions is not None and balance is not None:
        raise UsageError(_("--sessions, --balance: a card holds sessions or a balance, not both"))
    today = run.today()
    sold = not_in_future(arg_date(day, "--date", today), today, "--date", N_("card"))
    valid = arg_date(until, "--until", run.today()) if until else None
    money = arg(parsing.parse_money, balance, "--balance") if balance is not None else None
    kind = arg(parsing.text, card_type, "--type")
    paid = arg(parsing.parse_money, price, "--price") if price is not None else None
    record_entry(run, "card add", client, lambda c, entry_id: model.Card(
        entry_id, c.id, sold, kind, valid, sessions, money, trial, paid),
        then=None if trial else lambda found: _make_member(run, found))


def _make_member(run: State, found: model.Client) -> None:
    """Holding a real card is what makes a member (DOMAIN glossary)."""
    if found.category != "member":
        run.salon().replace_client(replace(found, category="member"))
        print(_("note: {name} is now a member").format(name=found.name), file=sys.stderr)


def _check_days(text: str) -> tuple[int, ...]:
    try:
        days = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise parsing.InvalidValue(_("{text} is not a list of days like 10,20,30").format(
            text=repr(text))) from None
    if not days or not all(1 <= d <= 31 for d in days):
        raise parsing.InvalidValue(_("{text}: days of the month are 1-31").format(text=repr(text)))
    return tuple(sorted(set(days)))


@course_app.command("add")
def course_add(
    ctx: typer.Context, client: ClientArg,
    name: Annotated[str, typer.Option("--name", help="The course, e.g. 祛斑疗程.")],
    start: Annotated[str, typer.Option("--start", help="First day: YYYY-MM-DD, today, +3d.")],
    end: Annotated[str, typer.Option("--end", help="Last day: YYYY-MM-DD, +8w.")],
    check_days: Annotated[str, typer.Option(
        "--check-days", help="Check-in days of the month; 30 means the month's end.")
    ] = "10,20,30",
) -> None:
    """Record a treatment course in progress, with its check-in days (R17, R18)."""
    run = state(ctx)
    first = arg_date(start, "--start", run.today())
    last = arg_date(end, "--end", run.today())
    if last < first:
        raise UsageError(_("--end: {last} is before --start {first}").format(last=last, first=first))
    days = arg(_check_days, check_days, "--check-days")
    title = arg(parsing.text, name, "--name")
    record_entry(run, "course add", client, lambda c, entry_id: model.Course(
        entry_id, c.id, first, title, first, last, days))


COURSE_FIELDS = ("id", "client", "name", "date", "course", "start", "end", "check_days", "status")


@course_app.command("list")
def course_list(
    ctx: typer.Context, client: OneClientArg = None,
    start: FromOption = None, end: ToOption = None, fmt: FormatOption = "table",
) -> None:
    """Treatment courses in date order, with whether each is under way, ahead or over."""
    run = state(ctx)
    names, today = client_names(run), run.today()
    courses = selected(run, run.salon().history().courses, client, start, end)
    records = [
        {"id": c.id, "client": c.client, "name": names.get(c.client), "date": c.date,
         "course": c.name, "start": c.start, "end": c.end, "check_days": list(c.check_days),
         "status": "over" if c.end < today else "ahead" if c.start > today else "under way"}
        for c in courses]
    emit_listing(run, fmt, records, render.columns("id", "name", "course", "start", "end", "status",
                                                    wrap=("course",)),
          N_("no courses"), COURSE_FIELDS)


# --- calls -------------------------------------------------------------------------


@call_app.command("log")
def call_log(
    ctx: typer.Context, client: ClientArg,
    outcome: Annotated[str, typer.Option(
        "--outcome", "-o", autocompletion=complete_outcome,
        help="reached, no-answer, not-convenient, refused or wrong-number; or as the desk "
             "says it: 接通, 未接, 不方便, 拒绝, 空号.")],
    day: DateOption = None,
    rules: Annotated[list[str] | None, typer.Option(
        "--rule", help="The rule this call answers (repeatable); default: all due.")] = None,
    callback: Annotated[str | None, typer.Option(
        help="When she asked to be called back: YYYY-MM-DD, tomorrow, 明天, +3d, friday.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="What was said.")] = None,
    by: ByOption = None,
) -> None:
    """Write a call's outcome in the callback log; prints the call's id."""
    run = state(ctx)
    today = run.today()
    when = not_in_future(arg_date(day, "--date", today), today, "--date", N_("call"))
    result = arg(lambda v: parsing.parse_spelled(v, model.OUTCOMES, "outcome"), outcome,
                 "--outcome")
    again = arg(lambda v: spoken.parse_day(v, when), callback, "--callback") if callback else None
    if again is not None and again <= when:
        raise UsageError(_("--callback: {again} is not after the call's day {when}").format(
            again=again, when=when))
    answered = known_rule_ids(run.salon(), tuple(arg(parsing.parse_id, r, "--rule") for r in rules or ()))
    log_call(run, client, when, result, answered, again, note, by)




@call_app.command("list")
def call_list(
    ctx: typer.Context,
    client: OneClientArg = None,
    start: FromOption = None, end: ToOption = None, fmt: FormatOption = "table",
) -> None:
    """The callback log, in date order."""
    run = state(ctx)
    names = client_names(run)
    calls = selected(run, run.salon().history().calls, client, start, end)
    records = [{**schema.plain(c), "name": names.get(c.client)} for c in calls]
    columns = (*render.columns("id", "date", "name"),
               render.Column("outcome", _outcome_shown),
               *render.columns("rules", "note", wrap=("rules", "note")))
    emit_listing(run, fmt, records, columns,
          N_("no calls logged"), CALL_FIELDS)


def _outcome_shown(record: dict[str, Any]) -> str:
    callback = record["callback"]
    return f"{record['outcome']} → {callback:%m-%d}" if callback else str(record["outcome"])


# --- complaints --------------------------------------------------------------------


@complaint_app.command("add")
def complaint_add(
    ctx: typer.Context, client: ClientArg,
    text: Annotated[str, typer.Option("--text", help="What she complained about.")],
    day: DateOption = None,
) -> None:
    """Record a complaint (a reply is owed within 48 hours); prints its id."""
    run = state(ctx)
    today = run.today()
    when = not_in_future(arg_date(day, "--date", today), today, "--date", N_("complaint"))
    said = arg(parsing.text, text, "--text")
    record_entry(run, "complaint add", client, lambda c, entry_id: model.Complaint(
        entry_id, c.id, when, said))


@complaint_app.command("close")
def complaint_close(
    ctx: typer.Context,
    complaint_id: Annotated[str, typer.Argument(metavar="ID", help="The complaint's id.")],
    note: Annotated[str | None, typer.Option(help="How it was resolved.")] = None,
) -> None:
    """Close a complaint once it is resolved."""
    run = state(ctx)
    salon = run.salon()
    with salon.lock("complaint close"):
        history = salon.history()
        complaint = next((c for c in history.complaints if c.id == complaint_id), None)
        if complaint is None:
            open_ids = ", ".join(c.id for c in history.open_complaints()) or "none"
            raise NotFoundError(_("ID: no complaint {id}; open complaints: {open}").format(
                id=repr(complaint_id), open=open_ids))
        if complaint not in history.open_complaints():
            raise UsageError(_("ID: complaint {id} is already closed").format(id=complaint_id))
        entry = salon.append(lambda entry_id: model.ComplaintClosed(
            entry_id, complaint.client, max(run.today(), complaint.date), complaint.id, note))
    echo_warnings(salon)
    print(entry.id)


@complaint_app.command("list")
def complaint_list(
    ctx: typer.Context,
    only_open: Annotated[bool, typer.Option("--open", help="Only complaints still open.")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Complaints in date order, with whether each is still open."""
    run = state(ctx)
    history, names = run.salon().history(), client_names(run)
    still_open = set(history.open_complaints())
    closures = {c.closes: c for c in history.closures}
    records = [
        {"id": c.id, "client": c.client, "name": names.get(c.client), "date": c.date,
         "text": c.text, "status": "open" if c in still_open else "closed",
         "closed": closures[c.id].date if c.id in closures else None}
        for c in history.complaints if c in still_open or not only_open
    ]
    columns = render.columns("id", "date", "name", "text", "status")
    emit_listing(run, fmt, records, columns, N_("no complaints"), COMPLAINT_FIELDS)
