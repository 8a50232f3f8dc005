"""What YAML or a command line gave, turned into a model value or refused with a sentence a
person can act on. The same small readers check arguments and files, so a date or a phone is
judged the same way wherever it comes from; the limits every value meets are here too."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from salonctl.disk.yamlio import Invalid as BadScalar
from salonctl.disk.yamlio import OddNumber
from salonctl.engine import model
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
    """The number without its punctuation, to find '0013 8000' inside '138 0013 8000'."""
    return re.sub(r"[^0-9+]", "", phone)


DEFAULT_PHONE_REGION = "CN"


@functools.lru_cache(maxsize=65_536)
def phone_key(phone: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """One number however it was typed: '+86 139 1234 5670', '0086 13912345670' and
    '13912345670' (in a salon in China) are one, in the international form `phonenumbers`
    gives; a number it cannot read is its digits. What was typed is what is stored: this
    is only what two numbers are compared by."""
    digits = phone_digits(phone)
    if len(digits.lstrip("+")) < 5:
        return digits  # an id (c0001) or a few digits: no number to read, no library to load
    import phonenumbers  # a tenth of the start-up of a command that compares no phone

    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return phone_digits(phone)
    if not phonenumbers.is_possible_number(number):
        return phone_digits(phone)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def phone_region(value: Any) -> str:
    """A country code phonenumbers knows (CN, HK, TW, SG, US...)."""
    import phonenumbers

    region = text(value).strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidValue(_("{region} is not a country code for phone numbers; e.g. CN, HK, "
                             "TW, MO, SG").format(region=repr(region)))
    return region


def parse_lunar(text: str, leap: bool = False) -> model.LunarBirthday:
    found = _LUNAR.fullmatch(text.strip())
    if not found:  # a birthday is personal: an error never repeats it
        raise InvalidValue(_("not a lunar month and day; expected MM-DD, e.g. 08-15"))
    month, day = int(found[1]), int(found[2])
    if not (1 <= month <= 12 and 1 <= day <= 30):
        raise InvalidValue(_("a lunar month is 1-12 and a lunar day 1-30"))
    return model.LunarBirthday(month, day, leap)


_LUNAR_MONTHS = {"正": 1, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                 "九": 9, "十": 10, "冬": 11, "十一": 11, "腊": 12, "十二": 12}
_LUNAR_DAY = re.compile(r"(初|十|廿|二十|三十)?([一二三四五六七八九十])?")
_CHINESE_LUNAR = re.compile(r"(农历|農曆|阴历|陰曆)?\s*(闰|閏)?\s*"
                            r"(?:(正|十一|十二|[一二三四五六七八九十冬腊臘])月\s*"
                            r"((?:初|廿|二十|三十|十)?[一二三四五六七八九十]?)|"
                            r"(\d{1,2})\s*[-月/]\s*(\d{1,2})\s*日?)")


def chinese_lunar(text: str) -> tuple[int, int, bool] | None:
    """A lunar birthday as the desk writes it: 农历八月十五, 八月初三, 闰四月初八, 腊月廿三,
    农历08-15 -> (month, day, leap); None for anything else (a Gregorian date stays one:
    digits alone are lunar only after 农历)."""
    found = _CHINESE_LUNAR.fullmatch(text.strip())
    if not found or (found[5] and not found[1]):
        return None
    if found[5]:
        month, day = int(found[5]), int(found[6])
    else:
        month, day = _LUNAR_MONTHS[found[3].replace("臘", "腊")], _lunar_day(found[4])
    if not (1 <= month <= 12 and 1 <= day <= 30):
        return None
    return month, day, bool(found[2])


def _lunar_day(words: str) -> int:
    """初三 3, 十五 15, 廿三 23, 二十 20, 三十 30, 十 10."""
    digits = "一二三四五六七八九十"
    if not words:
        return 0
    if words.startswith("初"):
        rest = words[1:]
        return 10 if rest == "十" else digits.index(rest) + 1 if rest else 0
    tens = {"十": 10, "廿": 20, "二十": 20, "三十": 30}
    for prefix in ("二十", "三十", "廿", "十"):
        if words.startswith(prefix):
            rest = words[len(prefix):]
            return tens[prefix] + (digits.index(rest) + 1 if rest else 0)
    return digits.index(words) + 1 if len(words) == 1 else 0


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


# The words staff type for a value, read wherever one is typed (the command line, a
# spreadsheet): what the sheet shows in Chinese, and the other ways a desk writes it.
SPELLINGS: dict[str, dict[str, str]] = {
    "outcome": {"接通": "reached", "已接通": "reached", "通了": "reached", "未接": "no-answer",
                "没接": "no-answer", "无人接": "no-answer", "无人接听": "no-answer",
                "不方便": "not-convenient", "在忙": "not-convenient", "拒绝": "refused",
                "拒接": "refused", "号码错": "wrong-number", "空号": "wrong-number",
                "错号": "wrong-number"},
    "gender": {"女": "female", "男": "male", "女士": "female", "先生": "male", "f": "female",
               "m": "male"},
    "category": {"新客": "new", "新客户": "new", "会员": "member", "散客": "guest"},
    "product": {"院护": "treatment", "疗程": "treatment", "疗程产品": "treatment",
                "品牌": "brand", "品牌产品": "brand", "保健品": "supplement", "熏蒸": "supplement",
                "护肤品": "care", "日常护理": "care", "护理品": "care"},
    "channel": {"电话": "phone", "短信": "sms", "微信": "wechat", "邮件": "email"},
}


def parse_spelled(text: str, choices: tuple[str, ...], kind: str) -> str:
    """A value as salonctl writes it (`reached`) or as staff say it (接通, 未接...)."""
    said = text.strip()
    found = SPELLINGS.get(kind, {}).get(said.casefold(), said)
    if found in choices:
        return found
    said_as = {value: word for word, value in reversed(SPELLINGS.get(kind, {}).items())
               if not word.isascii()}  # each value's first Chinese word, as the sheet says it
    if not said_as:
        return parse_choice(said, choices)
    raise InvalidValue(_("{text} is not one of: {choices} (or {words})").format(
        text=repr(text), choices=", ".join(choices),
        words=", ".join(said_as[c] for c in choices if c in said_as)))


# --- YAML value readers ------------------------------------------------------------------

Reader = Callable[[Any], Any]


def describe(value: Any) -> str:
    """What YAML read, in words, for a message that says what was expected instead."""
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
                           .format(what=describe(value)))
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
        what=describe(value)))


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(_("must be true or false, but YAML read {what}").format(
            what=describe(value)))
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
        raise InvalidValue(_("must be an amount, but YAML read {what}").format(what=describe(value)))
    shown = repr(value) if isinstance(value, float) else str(value)
    return parse_money(shown, high, places)


def choice(choices: tuple[str, ...]) -> Reader:
    return lambda value: parse_choice(text(value), choices)


def list_of(item: Reader) -> Reader:
    def read(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise InvalidValue(_("must be a list like [a, b], but YAML read {what}").format(
                what=describe(value)))
        return tuple(item(element) for element in value)

    return read


time_text = _from_text(parse_time, N_("time"))
phone = _from_text(parse_phone, N_("phone number"))
identifier = _from_text(parse_id, N_("id"))
email = _from_text(parse_email, N_("address"))


def lunar_text(value: Any) -> str:
    parse_lunar(text(value))
    return str(value)


_MONTH_DAY = re.compile(r"(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*[日号]?")


def month_day_of(text: str) -> str | None:
    """A birthday given without its year, as the desk writes it (5月7日, 05-07, 5/7) ->
    "05-07"; None for anything else (29 February is a day like any other)."""
    found = _MONTH_DAY.fullmatch(text.strip())
    if not found:
        return None
    try:
        date(2000, int(found[1]), int(found[2]))  # a leap year: 02-29 is a birthday too
    except ValueError:
        return None
    return f"{int(found[1]):02d}-{int(found[2]):02d}"


def parse_month_day(text: str) -> str | None:
    """A month and day typed for a birthday without its year: "05-07"; None when the text is
    not written as one (it may be a whole date); refused when written as one but no day."""
    if not _MONTH_DAY.fullmatch(text.strip()):
        return None
    return month_day(text)


def month_day(value: Any) -> str:
    """A birthday_month_day field: MM-DD (the value is not repeated in an error)."""
    found = month_day_of(text(value)) if not isinstance(value, int | float) else None
    if found is None:
        raise InvalidValue(_("not a month and day salonctl can read; expected MM-DD, e.g. "
                             "05-07 (the value is not repeated here)"))
    return found


def a_birthday(value: Any) -> date:
    """A birthday field: a date, read like any other, but never repeated in an error."""
    try:
        return a_date(value)
    except InvalidValue:
        raise InvalidValue(_("not a birthday salonctl can read; expected a real date, "
                             "YYYY-MM-DD (the value is not repeated here)")) from None


def single_line(value: Any) -> str:
    line = text(value)
    if any(c in line for c in "\r\n\0"):
        raise InvalidValue(_("must be one line (it goes into e-mail subjects)"))
    return line
