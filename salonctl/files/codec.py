"""The salon's files as records and back: what each YAML file holds, read into the model
with a Problem at the line of everything that is wrong, and the model written out in the
files' own layout. Pure: text and values in, values and text out; `store` does the I/O.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from salonctl.disk import yamlio
from salonctl.engine import model
from salonctl.errors import Problem, UsageError
from salonctl.files import merging, parsing, schema
from salonctl.i18n import _

JOURNAL_DIR = "journal"


@dataclass(frozen=True)
class JournalKind:
    """One journal: its folder, and the entry types it holds (told apart by a marker key)."""

    folder: str
    variants: tuple[tuple[type[Any], tuple[schema.Field, ...], str | None, str], ...]

    def variant_for(self, raw: Any) -> tuple[type[Any], tuple[schema.Field, ...]]:
        for cls, fields, marker, _prefix in self.variants:
            if marker is None or (isinstance(raw, dict) and marker in raw):
                return cls, fields
        raise AssertionError("the last variant has no marker")  # pragma: no cover


# Variants with a marker key come first; the plain entry type is the fallback.
JOURNALS: tuple[JournalKind, ...] = (
    JournalKind("visits", ((model.Visit, schema.VISIT_FIELDS, None, "v"),)),
    JournalKind("appointments", (
        (model.Cancellation, schema.CANCELLATION_FIELDS, "cancels", "ax"),
        (model.Appointment, schema.APPOINTMENT_FIELDS, None, "a"),
    )),
    JournalKind("cards", (
        (model.CardTopUp, schema.TOPUP_FIELDS, "tops_up", "topup"),
        (model.Card, schema.CARD_FIELDS, None, "card"),
    )),
    JournalKind("courses", ((model.Course, schema.COURSE_FIELDS, None, "course"),)),
    JournalKind("calls", ((model.Call, schema.CALL_FIELDS, None, "call"),)),
    JournalKind("complaints", (
        (model.ComplaintClosed, schema.CLOSURE_FIELDS, "closes", "cpx"),
        (model.Complaint, schema.COMPLAINT_FIELDS, None, "cp"),
    )),
    JournalKind("corrections", ((model.Correction, schema.CORRECTION_FIELDS, None, "fix"),)),
)


KIND_OF = {v[0]: (kind, v[3]) for kind in JOURNALS for v in kind.variants}


HISTORY_FIELD = {
    model.Visit: "visits", model.Appointment: "appointments",
    model.Cancellation: "cancellations", model.Card: "cards", model.CardTopUp: "topups",
    model.Course: "courses",
    model.Call: "calls", model.Complaint: "complaints", model.ComplaintClosed: "closures",
    model.Correction: "corrections",
}
# What a correction may correct, by its id's prefix (v-20261124-1 is a visit), and how.
CORRECTABLE = {prefix: (cls, fields) for kind in JOURNALS for cls, fields, marker, prefix
               in kind.variants if marker is None and cls is not model.Correction}
FIXED_FIELDS = ("id", "client")  # a visit given to the wrong client is voided, not moved


MONTH_FILE = re.compile(r"(\d{4})-(\d{2})\.yaml")


_OPTION_FOR = {"name": "NAME", "client": "CLIENT", "services": "--service",
               "products": "--product", "rules": "--rule", "start": "--start"}


def refuse_as_arguments(problems: list[Problem]) -> None:
    """Problems with values a command was given, as the arguments that gave them (exit 2)."""
    if not problems:
        return
    field, _sep, message = problems[0].message.partition(": ")
    option = _OPTION_FOR.get(field) or f"--{field.replace('_', '-')}"
    raise UsageError(f"{option}: {message}" if message else problems[0].message)


def journal_file(entry: model.Entry) -> Path:
    """Where an entry is filed, relative to the salon folder: by kind and by its month."""
    kind, _ = KIND_OF[type(entry)]
    return Path(JOURNAL_DIR, kind.folder, f"{entry.date:%Y-%m}.yaml")


def id_stem(entry: model.Entry) -> str:
    """Ids are the kind's prefix, the entry's day and a number: v-20261124-3."""
    _, prefix = KIND_OF[type(entry)]
    return f"{prefix}-{entry.date:%Y%m%d}-"


def journal_line(entry: model.Entry) -> str:
    data = schema.without_defaults(schema.plain(entry), schema.entry_defaults(type(entry)))
    if isinstance(entry, model.Correction) and entry.changes:
        data["changes"] = json.loads(entry.changes)  # written as a mapping, as a person would
    return yamlio.dump_line(data)


def settings_from(raw: Any, where: str) -> tuple[model.Settings | None, list[Problem]]:
    values, problems = schema.read_record(raw, schema.SETTINGS_FIELDS, where)
    if values is None:
        return None, problems
    nested: dict[str, Any] = {}
    for name, (fields, cls) in schema.SETTINGS_SECTIONS.items():
        section: dict[str, Any] | None = {}
        if raw.get(name) is not None:
            section, found = schema.read_record(raw[name], fields, where, raw.where(name))
            problems += found
        if section is not None and name == "mail" and raw.get(name) is not None:
            section, found = _mail_section(raw[name], section, where)
            problems += found
        nested[name] = cls(**section) if section is not None else None
    if problems:
        return None, problems
    plain_values = {k: v for k, v in values.items() if k not in schema.SETTINGS_SECTIONS}
    return model.Settings(**plain_values, **nested), []


def _mail_section(raw: Any, values: dict[str, Any], where: str
                  ) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The mail section's own names (`from`) and its nested smtp settings."""
    values = dict(values)
    if "from" in values:
        values["sender"] = values.pop("from")
    smtp: dict[str, Any] | None = {}
    problems: list[Problem] = []
    if values.pop("smtp", None) is not None:
        smtp, problems = schema.read_record(raw["smtp"], schema.SMTP_FIELDS, where,
                                            raw.where("smtp"))
    if smtp is None:
        return None, problems
    values["smtp"] = model.SmtpSettings(**smtp)
    return values, problems


def clients_from(
    raw: Any, where: str
) -> tuple[list[model.Client], list[int], list[Problem]]:
    if raw is None:
        return [], [], []
    if not isinstance(raw, list):
        message = "a clients file is a list of records, each '- id: ...'"
        return [], [], [Problem(where, 1, 1, message)]
    clients, lines, problems = [], [], []
    for item in raw:
        at = item.position if isinstance(item, yamlio.LocatedDict) else (1, 1)
        values, found = schema.read_record(item, schema.CLIENT_FIELDS, where, at)
        problems += found
        if values is not None:
            clients.append(schema.build_client(values))
            lines.append(at[0])
    return clients, lines, problems


def record_ids(raw: Any) -> list[tuple[str, int]]:
    items = raw if isinstance(raw, list) else []
    return [(str(item["id"]), item.position[0]) for item in items
            if isinstance(item, yamlio.LocatedDict) and item.get("id") is not None]


def month_of(path: Path) -> tuple[int, int] | None:
    found = MONTH_FILE.fullmatch(path.name)
    return (int(found[1]), int(found[2])) if found else None


def entries_from(
    kind: JournalKind, raw: list[Any], where: str, month: tuple[int, int] | None
) -> tuple[list[tuple[Any, str, int]], list[Problem]]:
    entries, problems = [], []
    if month is None:
        problems.append(Problem(where, 1, 1, _("a journal file is named YYYY-MM.yaml")))
    for item in raw:
        at = item.position if isinstance(item, yamlio.LocatedDict) else (1, 1)
        cls, fields = kind.variant_for(item)
        values, found = schema.read_record(item, fields, where, at)
        problems += found
        if values is None:
            continue
        entry = cls(**values)
        problems += _entry_order(entry, item, where)
        if month and (entry.date.year, entry.date.month) != month:
            problems.append(Problem(
                where, *at,
                _("entry dated {day} belongs in {month}.yaml; move the line there").format(
                    day=entry.date, month=f"{entry.date:%Y-%m}"),
            ))
        entries.append((entry, where, at[0]))
    return entries, problems


def _entry_order(entry: Any, item: yamlio.LocatedDict, where: str) -> list[Problem]:
    """Days within one entry that must come in order."""
    if isinstance(entry, model.Call) and entry.callback and entry.callback <= entry.date:
        return [Problem(where, *item.where("callback"),
                        _("callback: {callback} is not after the call's day {day}").format(
                            callback=entry.callback, day=entry.date))]
    if isinstance(entry, model.Course) and entry.end < entry.start:
        return [Problem(where, *item.where("end"),
                        _("end: {end} is before the course's start {start}").format(
                            end=entry.end, start=entry.start))]
    if isinstance(entry, model.Correction):
        try:
            corrected_fields(entry)
        except parsing.InvalidValue as error:
            return [Problem(where, *item.where("changes" if entry.changes else "corrects"),
                            str(error))]
    return []


def applies(entry: Any) -> bool:
    """Whether an entry can be read into the history (a correction whose changes read)."""
    if not isinstance(entry, model.Correction):
        return True
    try:
        corrected_fields(entry)
    except parsing.InvalidValue:
        return False
    return True


def corrected_fields(correction: model.Correction) -> dict[str, Any]:
    """The values a correction sets, read by the corrected entry's own fields."""
    prefix = correction.corrects.split("-", 1)[0]
    if prefix not in CORRECTABLE:
        raise parsing.InvalidValue(_(
            "corrects: {id} is not the id of a visit, appointment, card, course, call or "
            "complaint").format(id=repr(correction.corrects)))
    if correction.void == bool(correction.changes):
        raise parsing.InvalidValue(_("a correction either voids (void: true) or sets changes"))
    fields = CORRECTABLE[prefix][1]
    known = {spec.name: spec for spec in fields if spec.name not in FIXED_FIELDS}
    values: dict[str, Any] = {}
    for name, written in json.loads(correction.changes or "{}").items():
        if name not in known:
            raise parsing.InvalidValue(_("changes: {name} cannot be set; it can set: {fields}")
                                      .format(name=repr(name), fields=", ".join(known)))
        try:
            values[name] = known[name].read(written) if written is not None else None
        except parsing.InvalidValue as error:
            raise parsing.InvalidValue(_("changes: {name}: {error}").format(
                name=name, error=error)) from None
        if values[name] is None and known[name].required:
            raise parsing.InvalidValue(_("changes: {name} is needed; it cannot be emptied").format(
                name=name))
    return values


def apply_corrections(entries: list[Any], corrections: list[model.Correction]) -> list[Any]:
    """The entries as corrected, in order: a voided one gone, an edited one changed."""
    by_target: dict[str, list[model.Correction]] = {}
    for correction in corrections:
        by_target.setdefault(correction.corrects, []).append(correction)
    kept = []
    for entry in entries:
        for correction in by_target.get(entry.id, ()):
            if correction.void:
                break
            entry = dataclasses.replace(entry, **corrected_fields(correction))
        else:
            kept.append(entry)
    return kept


def history_from(entries: list[tuple[Any, str, int]],
                 kept: Mapping[str, str] | None = None) -> model.History:
    """The journals' entries as history: corrected, and a merged client's read as the kept
    client's (`kept`, from `merging.kept_ids`)."""
    grouped: dict[str, list[Any]] = {name: [] for name in HISTORY_FIELD.values()}
    for entry, _where, _line in merging.entries_seen(entries, kept or {}):
        grouped[HISTORY_FIELD[type(entry)]].append(entry)
    corrections = sorted(grouped["corrections"], key=_entry_key)
    if corrections:
        grouped = {name: items if name == "corrections" else apply_corrections(items, corrections)
                   for name, items in grouped.items()}
    ordered = {name: tuple(sorted(items, key=_entry_key)) for name, items in grouped.items()}
    return model.History(**ordered)


def _entry_key(entry: Any) -> tuple[date, str, int]:
    """Date order, and within a day the order ids were given (v-20261124-2 before -10)."""
    stem, _, number = entry.id.rpartition("-")
    return entry.date, stem, int(number) if number.isdigit() else 0


def dump_clients(clients: list[model.Client]) -> str:
    records = [
        schema.without_defaults(schema.client_fields(c), schema.CLIENT_DEFAULTS) for c in clients
    ]
    return yamlio.dump_block(records) if records else "[]\n"


def settings_record(settings: model.Settings) -> dict[str, Any]:
    data: dict[str, Any] = schema.plain(settings)
    # One place for the day's limit when salonctl writes the file (it reads either place).
    del data["calls_per_day"]
    follow_up = settings.follow_up
    data["follow_up"] = {"max_tries": follow_up.max_tries, "calls_per_day": settings.daily_limit,
                         "card_low_sessions": follow_up.card_low_sessions,
                         "card_low_share": follow_up.card_low_share,
                         "repurchase_share": follow_up.repurchase_share,
                         "tier_key_spend": follow_up.tier_key_spend,
                         "tier_regular_visits": follow_up.tier_regular_visits}
    plan = settings.plan
    data["plan"] = {
        "fixed_costs": {kind: dict(plan.fixed_costs).get(kind, 0) for kind in model.COST_KINDS},
        "variable_share": plan.variable_share,
        "target_profit": plan.target_profit,
        "past_revenue": {year: list(a) if len(a) > 1 else a[0] for year, a in plan.past_revenue},
    }
    mail = settings.mail
    data["mail"] = {
        "from": mail.sender, "to": list(mail.to), "consultants": dict(mail.consultants),
        "when_empty": mail.when_empty, "smtp": schema.plain(mail.smtp),
        "retries": mail.retries, "retry_delay": mail.retry_delay,
    }
    return data


def render_settings(settings: model.Settings) -> str:
    """salon.yaml as a new salon gets it: every setting present, with a word on each."""
    data = settings_record(settings)
    body = yamlio.dump_block(data)
    header = (
        "# The salon's settings. Edit freely; run `salonctl check` afterwards.\n"
        "# opening.closed_weekdays: e.g. [monday]; closed_dates: [2027-02-06, ...];\n"
        "# public_holidays: a region code such as CN to close on its public holidays.\n"
        "# contact.phone_region: the country (CN, HK, TW, SG...) of a number typed without\n"
        "# its code, so +86 139..., 0086 139... and 139... are one client's phone.\n"
        "# follow_up: max_tries unanswered calls before a call is missed; calls_per_day rows\n"
        "# one caller is given a day (must-calls always show); card_low_sessions and\n"
        "# card_low_share: a card this near used up is worth a call (R23); repurchase_share:\n"
        "# the share of a product's days of use after which she is offered the next (R24);\n"
        "# tier_key_spend, tier_regular_visits: 12 months' spend / visits for a client's tier.\n"
        "# plan: fixed_costs per month by kind; variable_share of revenue (0.35 = 35%);\n"
        "# target_profit for the year; past_revenue {YEAR: total or [12 monthly figures]}.\n"
        "# mail: from, to (who gets the whole sheet), consultants {NAME: address} (each gets\n"
        "# her own calls); smtp.security none|starttls|ssl; the password comes from the\n"
        "# variable named in smtp.password_env or a 0600 file in smtp.password_file, never here.\n"
    )
    return header + body
