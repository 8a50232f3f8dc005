"""The salon's records as fields: each record kind is a list of fields, each read by one of
the value readers (`parsing`), so a record becomes model values or Problems that point at
the line; and model values turned back into what a file holds.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from salonctl.disk.yamlio import LocatedDict
from salonctl.engine import model
from salonctl.errors import Problem
from salonctl.files.parsing import (
    MAX_COUNT,
    InvalidValue,
    Reader,
    a_birthday,
    a_date,
    boolean,
    choice,
    describe,
    email,
    identifier,
    integer,
    list_of,
    lunar_text,
    money,
    month_day,
    parse_choice,
    parse_lunar,
    phone,
    phone_region,
    single_line,
    text,
    time_text,
)
from salonctl.i18n import _

# --- records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    read: Reader
    required: bool = False


def read_record(
    raw: Any, fields: tuple[Field, ...], path: str, at: tuple[int, int] = (1, 1)
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Check one mapping against its fields; every problem found, each at its line."""
    if not isinstance(raw, LocatedDict):
        return None, [Problem(path, *at, _("expected a record of fields, found {what}").format(
            what=describe(raw)))]
    problems: list[Problem] = []
    known = {f.name: f for f in fields}
    for key in raw:
        if key not in known:
            problems.append(Problem(
                path, *raw.key_positions.get(key, raw.position),
                _("unknown field {key}; known fields: {known}").format(
                    key=repr(key), known=", ".join(known)),
            ))
    values: dict[str, Any] = {}
    for spec in fields:
        if spec.name not in raw or raw[spec.name] is None:
            if spec.required:
                problems.append(Problem(path, *raw.position, _("missing field {name}").format(
                    name=repr(spec.name))))
            continue
        try:
            values[spec.name] = spec.read(raw[spec.name])
        except InvalidValue as error:
            problems.append(Problem(path, *raw.where(spec.name), _("{field}: {error}").format(
                field=spec.name, error=error)))
    return (None if problems else values), problems


def _product(value: Any) -> model.Product:
    if not isinstance(value, Mapping) or not {"name", "category"} <= set(value) \
            <= {"name", "category", "days"}:
        raise InvalidValue(_("each product is {name: ..., category: ...} (and days: N)"))
    category = parse_choice(text(value["category"]), model.PRODUCT_CATEGORIES)
    days = integer(1, 3650)(value["days"]) if value.get("days") is not None else None
    return model.Product(text(value["name"]), category, days)  # type: ignore[arg-type]


def _day_of_month(value: Any) -> int:
    day: int = integer(1, 31)(value)
    return day


def conflict_notes(value: Any) -> tuple[tuple[str, str], ...]:
    """What a git merge noted of a record two desks changed: field -> the other's value."""
    names = {f.name for f in CLIENT_FIELDS} - {"id", "conflicts"}
    if not isinstance(value, Mapping) or not value or any(k not in names for k in value) \
            or any(isinstance(v, Mapping | list) for v in value.values()):
        raise InvalidValue(_("must map client fields to the other desk's value, as a merge "
                             "of two desks writes it"))
    return tuple((str(k), "" if v is None else str(v)) for k, v in value.items())


CLIENT_FIELDS = (
    Field("id", identifier, required=True),
    Field("name", text, required=True),
    Field("phone", phone, required=True),
    Field("gender", choice(model.GENDERS)),
    Field("birthday", a_birthday),
    Field("birthday_month_day", month_day),
    Field("lunar_birthday", lunar_text),
    Field("lunar_leap", boolean),
    Field("category", choice(model.CATEGORIES)),
    Field("key", boolean),
    Field("referred_by", identifier),
    Field("source", text),
    Field("consultant", text),
    Field("channel", choice(model.CHANNELS)),
    Field("email", email),
    Field("do_not_contact", boolean),
    Field("skin_type", text),
    Field("allergies", text),
    Field("preferences", text),
    Field("hobbies", text),
    Field("note", text),
    Field("since", a_date),
    Field("salutation", lambda v: single_line(v)),  # defined below
    Field("merged_into", identifier),
    Field("imported", a_date),
    Field("conflicts", lambda v: conflict_notes(v)),  # defined below
)

_ENTRY_HEAD = (
    Field("id", identifier, required=True),
    Field("client", identifier, required=True),
    Field("date", a_date, required=True),
)

VISIT_FIELDS = (
    *_ENTRY_HEAD,
    Field("services", list_of(text)),
    Field("products", list_of(_product)),
    Field("amount", money),
    Field("by", text),
    Field("card", identifier),
)
APPOINTMENT_FIELDS = (
    *_ENTRY_HEAD,
    Field("time", time_text, required=True),
    Field("service", text),
    Field("booked", a_date),
    Field("by", text),
)
CANCELLATION_FIELDS = (*_ENTRY_HEAD, Field("cancels", identifier, required=True))
CARD_FIELDS = (
    *_ENTRY_HEAD,
    Field("type", text, required=True),
    Field("until", a_date),
    Field("sessions", integer(0, MAX_COUNT)),
    Field("balance", money),
    Field("trial", boolean),
    Field("price", money),
)
TOPUP_FIELDS = (
    *_ENTRY_HEAD,
    Field("tops_up", identifier, required=True),
    Field("amount", money),
    Field("sessions", integer(0, MAX_COUNT)),
    Field("price", money),
    Field("by", text),
)
COURSE_FIELDS = (
    *_ENTRY_HEAD,
    Field("name", text, required=True),
    Field("start", a_date, required=True),
    Field("end", a_date, required=True),
    Field("check_days", list_of(_day_of_month)),
)
CALL_FIELDS = (
    *_ENTRY_HEAD,
    Field("outcome", choice(model.OUTCOMES), required=True),
    Field("rules", list_of(text)),
    Field("callback", a_date),
    Field("note", text),
    Field("by", text),
    Field("phone", phone),
)
COMPLAINT_FIELDS = (*_ENTRY_HEAD, Field("text", text, required=True))
CLOSURE_FIELDS = (*_ENTRY_HEAD, Field("closes", identifier, required=True), Field("note", text))


def change_set(value: Any) -> str:
    """The fields a correction sets, `{amount: 680}`, kept as canonical JSON of the values
    as written; each is read by its entry's own field when the correction is applied."""
    if not isinstance(value, Mapping) or not value:
        raise InvalidValue(_("must be the fields to set, e.g. {amount: 680}"))
    return json.dumps({str(k): written(v) for k, v in value.items()}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))


def written(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): written(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [written(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):  # an amount with cents: read again by the amount's field
        return repr(value)
    raise InvalidValue(_("cannot set a field to {what}").format(what=describe(value)))


CORRECTION_FIELDS = (
    *_ENTRY_HEAD,
    Field("corrects", identifier, required=True),
    Field("void", boolean),
    Field("changes", change_set),
    Field("reason", text),
    Field("by", text),
)

T = TypeVar("T")


def build_client(values: dict[str, Any]) -> model.Client:
    values = dict(values)
    lunar = values.pop("lunar_birthday", None)
    leap = values.pop("lunar_leap", False)
    if lunar is not None:
        values["lunar_birthday"] = parse_lunar(lunar, leap)
    return model.Client(**values)


# --- model -> plain data (for YAML files and JSON output) --------------------------------


def plain(value: Any) -> Any:
    """A model value as YAML/JSON-ready data: dataclasses to dicts, tuples to lists."""
    if isinstance(value, model.Product):  # a product's days of use only when known
        return {"name": value.name, "category": value.category,
                **({"days": value.days} if value.days is not None else {})}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    return value


def client_fields(client: model.Client) -> dict[str, Any]:
    """Every field of a client, in file order, lunar birthday as its two file fields."""
    data = plain(client)
    lunar = client.lunar_birthday
    ordered: dict[str, Any] = {}
    for name, value in data.items():
        if name == "lunar_birthday":
            ordered["lunar_birthday"] = f"{lunar.month:02d}-{lunar.day:02d}" if lunar else None
            ordered["lunar_leap"] = bool(lunar and lunar.leap)
        elif name == "conflicts":
            if value:
                ordered[name] = {field: other for field, other in value}
        elif name not in ("merged_into", "imported") or value is not None:  # only when so
            ordered[name] = value
    return ordered


def without_defaults(data: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Drop the fields left at their default, so a file holds what was said, no more."""
    return {k: v for k, v in data.items() if k not in defaults or v != defaults[k]}


CLIENT_DEFAULTS: dict[str, Any] = {
    **{f.name: f.default for f in dataclasses.fields(model.Client)
       if f.default is not dataclasses.MISSING},
    "lunar_leap": False,
}


def entry_defaults(cls: type[Any]) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = plain(f.default)
    return defaults


def _section(value: Any) -> Any:
    if not isinstance(value, LocatedDict):
        raise InvalidValue(_("must be a group of settings, but YAML read {what}").format(
            what=describe(value)))
    return value


SETTINGS_FIELDS = (
    Field("name", single_line, required=True),
    Field("language", choice(model.LANGUAGES)),
    Field("currency", text),
    Field("opening", _section),
    Field("contact", _section),
    Field("follow_up", _section),
    Field("plan", _section),
    Field("mail", _section),
    Field("calls_per_day", integer(1, 1000)),
)
SETTINGS_SECTIONS: dict[str, tuple[tuple[Field, ...], type[Any]]] = {
    "opening": ((
        Field("closed_weekdays", list_of(choice(model.WEEKDAYS))),
        Field("closed_dates", list_of(a_date)),
        Field("public_holidays", lambda v: _region(v)),
    ), model.Opening),
    "contact": ((
        Field("phone", text),
        Field("address", text),
        Field("caller", text),
        Field("phone_region", phone_region),
    ), model.Contact),
    "follow_up": ((
        Field("max_tries", integer(1, 20)),
        Field("calls_per_day", integer(1, 1000)),
        Field("card_low_sessions", integer(0, 100)),
        Field("card_low_share", lambda v: _share(v)),
        Field("repurchase_share", lambda v: _share(v)),
        Field("tier_key_spend", money),
        Field("tier_regular_visits", integer(1, 366)),
    ), model.FollowUp),
    "plan": ((
        Field("fixed_costs", lambda v: _costs(v)),
        Field("variable_share", lambda v: _share(v)),
        Field("target_profit", money),
        Field("past_revenue", lambda v: _past_revenue(v)),
    ), model.PlanSettings),
    "mail": ((
        Field("from", email),
        Field("to", list_of(email)),
        Field("consultants", lambda v: _consultant_addresses(v)),
        Field("when_empty", choice(("notice", "skip"))),
        Field("smtp", _section),
        Field("retries", integer(1, 10)),
        Field("retry_delay", lambda v: _seconds(v)),
    ), model.MailSettings),
}
SMTP_FIELDS = (
    Field("host", single_line),
    Field("port", integer(1, 65535)),
    Field("security", choice(("none", "starttls", "ssl"))),
    Field("user", single_line),
    Field("password_env", single_line),
    Field("password_file", single_line),
    Field("ca_file", single_line),
    Field("timeout", integer(1, 600)),
)


def _region(value: Any) -> str:
    """A region the holidays package knows (checked only when a salon names one: the
    package is slow to load)."""
    from salonctl.engine.calendar import check_region

    region = single_line(value)
    wrong = check_region(region)
    if wrong:
        raise InvalidValue(wrong)
    return region


def _consultant_addresses(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise InvalidValue(_("must be {CONSULTANT: address, ...}"))
    return tuple((single_line(name), email(address)) for name, address in value.items())


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 600:
        raise InvalidValue(_("must be a number of seconds from 0 to 600"))
    return float(value)


def _costs(value: Any) -> tuple[tuple[str, Decimal], ...]:
    if not isinstance(value, dict):
        raise InvalidValue(_("must be {rent: N, wages: N, utilities: N, other: N}, per month"))
    unknown = [k for k in value if k not in model.COST_KINDS]
    if unknown:
        raise InvalidValue(_("{kind} is not a kind of cost; use {kinds}").format(
            kind=repr(unknown[0]), kinds=", ".join(model.COST_KINDS)))
    return tuple((kind, money(value[kind])) for kind in model.COST_KINDS if kind in value)


def _share(value: Any) -> Decimal:
    share = money(value)
    if share >= 1:
        raise InvalidValue(_("must be a share of revenue below 1, e.g. 0.35"))
    return share


def _past_revenue(value: Any) -> tuple[tuple[int, tuple[Decimal, ...]], ...]:
    if not isinstance(value, dict):
        raise InvalidValue(_("must be {YEAR: total} or {YEAR: [12 monthly figures]}"))
    years = []
    for year, figures in sorted(value.items()):
        if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
            raise InvalidValue(_("{year} is not a year").format(year=repr(year)))
        amounts = figures if isinstance(figures, list) else [figures]
        if len(amounts) not in (1, 12):
            raise InvalidValue(_("{year}: give the year's total or twelve monthly figures").format(
                year=year))
        years.append((year, tuple(money(a) for a in amounts)))
    return tuple(years)
