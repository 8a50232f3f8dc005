"""Turn what YAML read into model values, or into Problems that point at the line.

Each record kind is a list of fields, each with a parser that either returns the value or
raises `Invalid` with a sentence a person can act on. The same small parsers check command
line arguments, so a date or a phone is judged the same way wherever it comes from.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from salonctl.disk.yamlio import Invalid as BadScalar
from salonctl.disk.yamlio import LocatedDict, OddNumber
from salonctl.engine import model
from salonctl.errors import Problem
from salonctl.i18n import N_, _


class InvalidValue(ValueError):
    """A value that cannot be used; the message says what is expected."""


# The one set of limits every value meets, from the command line or from a file: nothing a
# salon can type reaches an overflow, a recursion limit or a file name outside YYYY-MM.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
MAX_AMOUNT = Decimal(10_000_000)  # one visit, card or balance
MAX_COUNT = 10_000  # sessions on a card and the like
MAX_TEXT = 2_000  # characters in one text field
_AMOUNT = re.compile(r"\d{1,12}(\.\d{1,%d})?")


# --- value parsers -----------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{2,30}")
_LUNAR = re.compile(r"(\d{1,2})-(\d{1,2})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def parse_date(text: str) -> date:
    """A calendar date written YYYY-MM-DD, and only that (no 20261124, no weekdays)."""
    if not _ISO_DATE.fullmatch(text):
        raise InvalidValue(_("{text} is not a date; expected YYYY-MM-DD").format(text=repr(text)))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(_("{text} is not a real date ({hint})").format(
            text=repr(text), hint=_month_day_hint(text))) from None
    return in_range(day)


def in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidValue(_("{day} is outside the days salonctl keeps ({first} to {last})")
                           .format(day=day.isoformat(), first=FIRST_DAY.isoformat(),
                                   last=LAST_DAY.isoformat()))
    return day


def _month_day_hint(text: str) -> str:
    month = int(text[5:7])
    return _("the month must be 01-12") if not 1 <= month <= 12 else _("that month has fewer days")


def parse_time(text: str) -> str:
    if not _HH_MM.fullmatch(text):
        raise InvalidValue(_("{text} is not a time; expected HH:MM on a 24-hour clock").format(
            text=repr(text)))
    return text


def parse_datetime(text: str) -> tuple[date, str]:
    """'YYYY-MM-DD HH:MM' as used by `appointment --at`."""
    day, _sep, time = text.strip().partition(" ")
    if not time:
        raise InvalidValue(_("{text} is not a date and time; expected 'YYYY-MM-DD HH:MM'").format(
            text=repr(text)))
    return parse_date(day), parse_time(time.strip())


def parse_id(text: str) -> str:
    if not _ID.fullmatch(text):
        raise InvalidValue(_("{text} is not a valid id; use 1-64 letters, digits, '-' or '_'")
                           .format(text=repr(text)))
    return text


def masked_phone(text: str) -> str:
    """A phone number as an error message may show it: its last 4 characters at most (a
    message goes to stderr, and from cron into an e-mail)."""
    text = text.strip()
    return "…" + text[-4:] if len(text) > 4 else "…"


def parse_phone(text: str) -> str:
    if not _PHONE.fullmatch(text.strip()):
        raise InvalidValue(_(
            "{text} is not a phone number; use digits, optionally a leading '+', "
            "spaces, '-' or parentheses").format(text=repr(masked_phone(text))))
    return text.strip()


def parse_birthday(text: str) -> date:
    """A birthday: a date, never repeated in an error message (it is personal)."""
    return a_birthday(text)


def phone_digits(phone: str) -> str:
    """The number without its punctuation, to match '138 0013 8000' with '13800138000'."""
    return re.sub(r"[^0-9+]", "", phone)


def parse_lunar(text: str, leap: bool = False) -> model.LunarBirthday:
    found = _LUNAR.fullmatch(text.strip())
    if not found:  # a birthday is personal: an error never repeats it
        raise InvalidValue(_("not a lunar month and day; expected MM-DD, e.g. 08-15"))
    month, day = int(found[1]), int(found[2])
    if not (1 <= month <= 12 and 1 <= day <= 30):
        raise InvalidValue(_("a lunar month is 1-12 and a lunar day 1-30"))
    return model.LunarBirthday(month, day, leap)


def parse_email(text: str) -> str:
    if not _EMAIL.fullmatch(text) or any(c in text for c in "\r\n\0"):
        domain = text.rpartition("@")[2] if "@" in text else ""
        raise InvalidValue(_("{text} is not an e-mail address").format(  # not repeated whole
            text=repr("…@" + domain if domain else "…")))
    return text


def parse_money(text: str, high: Decimal = MAX_AMOUNT, places: int = 2) -> Decimal:
    """An amount written in plain digits, at most `places` decimals, from 0 to `high`
    (a refund is not a negative amount: record it as its own entry)."""
    shown = text if len(text) <= 40 else text[:40] + "…"
    if len(text) > 40 or not re.fullmatch(_AMOUNT.pattern % places, text.strip()):
        raise InvalidValue(_("{shown} is not an amount; expected a number like 380 or 99.5, "
                             "at most {places} decimals").format(shown=repr(shown), places=places))
    amount = Decimal(text.strip())
    if amount > high:
        raise InvalidValue(_("{shown} is more than {high}; check the amount").format(
            shown=shown, high=f"{high:,}"))
    return amount


def parse_count(text: str) -> int:
    if not re.fullmatch(r"\d{1,6}", text.strip()) or int(text) > MAX_COUNT:
        raise InvalidValue(_("{text} is not a count; expected a whole number from 0 to {most}")
                           .format(text=repr(text[:40]), most=f"{MAX_COUNT:,}"))
    return int(text)


def parse_choice(text: str, choices: tuple[str, ...]) -> str:
    if text not in choices:
        raise InvalidValue(_("{text} is not one of: {choices}").format(
            text=repr(text), choices=", ".join(choices)))
    return text


# --- YAML value readers ------------------------------------------------------------------

Reader = Callable[[Any], Any]


def _describe(value: Any) -> str:
    if isinstance(value, OddNumber):
        return _("a number written as {text}").format(text=value.text)
    if isinstance(value, bool):
        return _("a yes/no value")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, date):
        return _("a date")
    if value is None:
        return _("empty")
    return f"a {type(value).__name__}"


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def text(value: Any) -> str:
    """Text of at most 2,000 characters: no control characters but line breaks, nothing
    that is not Unicode (bytes a terminal could not decode)."""
    if isinstance(value, BadScalar):
        value = value.text
    if not isinstance(value, str):
        raise InvalidValue(_("must be text, but YAML read {what}; put the value in quotes")
                           .format(what=_describe(value)))
    if not value.strip():
        raise InvalidValue(_("must not be empty"))
    if len(value) > MAX_TEXT:
        raise InvalidValue(_("is {length} characters long; at most {most}").format(
            length=f"{len(value):,}", most=f"{MAX_TEXT:,}"))
    bad = _CONTROL.search(value)
    if bad:
        what = _("bytes that are not UTF-8 text") if bad.group() >= "\ud800" else \
            _("a control character ({code})").format(code=f"U+{ord(bad.group()):04X}")
        raise InvalidValue(_("contains {what}; retype it").format(what=what))
    return value


def _from_text(parse: Callable[[str], Any], what: str) -> Reader:
    def read(value: Any) -> Any:
        if isinstance(value, OddNumber) or (isinstance(value, int) and not isinstance(value, bool)):
            # The value itself is not repeated: a phone number has no place in a cron e-mail.
            raise InvalidValue(_("must be written in quotes ('...'): YAML reads it as a "
                                 "number, which loses how the {what} was typed").format(
                what=_(what)))
        return parse(text(value))

    return read


def a_date(value: Any) -> date:
    if isinstance(value, BadScalar):
        hint = _("the month must be 01-12") if "month must be" in value.reason else \
            _("that month has fewer days")
        raise InvalidValue(_("{text} is not a real date ({hint})").format(text=value.text,
                                                                         hint=hint))
    if isinstance(value, datetime):
        raise InvalidValue(_("must be a date (YYYY-MM-DD), without a time"))
    if isinstance(value, date):
        return in_range(value)
    if isinstance(value, str):
        return parse_date(value)
    raise InvalidValue(_("must be a date (YYYY-MM-DD), but YAML read {what}").format(
        what=_describe(value)))


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(_("must be true or false, but YAML read {what}").format(
            what=_describe(value)))
    return value


def integer(low: int, high: int) -> Reader:
    def read(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            if isinstance(value, OddNumber):
                raise InvalidValue(_("must be a whole number from {low} to {high} written in "
                                     "plain digits").format(low=low, high=high))
            raise InvalidValue(_("must be a whole number from {low} to {high}").format(
                low=low, high=high))
        return value

    return read


def money(value: Any, high: Decimal = MAX_AMOUNT, places: int = 2) -> Decimal:
    if isinstance(value, OddNumber):
        raise InvalidValue(_("{text} is not an amount; write it in plain digits").format(
            text=value.text))
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidValue(_("must be an amount, but YAML read {what}").format(what=_describe(value)))
    shown = repr(value) if isinstance(value, float) else str(value)
    return parse_money(shown, high, places)


def choice(choices: tuple[str, ...]) -> Reader:
    return lambda value: parse_choice(text(value), choices)


def list_of(item: Reader) -> Reader:
    def read(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise InvalidValue(_("must be a list like [a, b], but YAML read {what}").format(
                what=_describe(value)))
        return tuple(item(element) for element in value)

    return read


time_text = _from_text(parse_time, N_("time"))
phone = _from_text(parse_phone, N_("phone number"))
identifier = _from_text(parse_id, N_("id"))
email = _from_text(parse_email, N_("address"))


def lunar_text(value: Any) -> str:
    parse_lunar(text(value))
    return str(value)


def conflict_notes(value: Any) -> tuple[tuple[str, str], ...]:
    """What a git merge noted of a record two desks changed: field -> the other's value."""
    names = {f.name for f in CLIENT_FIELDS} - {"id", "conflicts"}
    if not isinstance(value, Mapping) or not value or any(k not in names for k in value) \
            or any(isinstance(v, Mapping | list) for v in value.values()):
        raise InvalidValue(_("must map client fields to the other desk's value, as a merge "
                             "of two desks writes it"))
    return tuple((str(k), "" if v is None else str(v)) for k, v in value.items())


def a_birthday(value: Any) -> date:
    """A birthday field: a date, read like any other, but never repeated in an error."""
    try:
        return a_date(value)
    except InvalidValue:
        raise InvalidValue(_("not a birthday salonctl can read; expected a real date, "
                             "YYYY-MM-DD (the value is not repeated here)")) from None


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
            what=_describe(raw)))]
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


CLIENT_FIELDS = (
    Field("id", identifier, required=True),
    Field("name", text, required=True),
    Field("phone", phone, required=True),
    Field("gender", choice(model.GENDERS)),
    Field("birthday", a_birthday),
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
    raise InvalidValue(_("cannot set a field to {what}").format(what=_describe(value)))


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
            what=_describe(value)))
    return value


def single_line(value: Any) -> str:
    line = text(value)
    if any(c in line for c in "\r\n\0"):
        raise InvalidValue(_("must be one line (it goes into e-mail subjects)"))
    return line


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
