"""A salon's existing records, from a spreadsheet's rows into salonctl's records. Pure: rows
in (each a header -> cell text mapping, as the file reader gives them), records and
problems out; nothing is written here.

Columns are matched to fields by their header in either language (姓名/name, 电话/phone,
金额/amount...), or as the user maps them (`--map 会员卡号=id`). Each value is read by the
same field reader a record in a file is read by, after the spelling spreadsheets use is
brought to the files' (2026/11/24 -> 2026-11-24, ¥1,280.00 -> 1280.00, 是 -> true).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from salonctl.engine import model
from salonctl.files import parsing, schema
from salonctl.i18n import _

EXTRA = "\0extra"  # the file reader's key for a row's cells beyond the header's columns

KINDS = ("clients", "visits", "calls", "cards", "topups", "appointments", "courses",
         "complaints")

# header (folded) -> field, per kind; the field names themselves always match
_COMMON = {"日期": "date", "时间": "date", "到店日期": "date", "消费日期": "date",
           "客户": "client", "客人": "client", "会员": "client", "客户编号": "client",
           "姓名": "client_name", "名字": "client_name", "客户姓名": "client_name",
           "name": "client_name", "电话": "phone", "手机": "phone", "手机号": "phone",
           "手机号码": "phone", "联系电话": "phone", "mobile": "phone", "tel": "phone",
           "经手人": "by", "员工": "by", "美容师": "by", "顾问": "by",
           # as Taiwan and Hong Kong (Big5) and Japan (Shift-JIS) write them
           "客戶": "client", "電話": "phone", "手機": "phone", "手機號碼": "phone",
           "聯絡電話": "phone", "氏名": "client_name", "經手人": "by", "員工": "by",
           "美容師": "by", "顧問": "by"}
SYNONYMS: dict[str, dict[str, str]] = {
    "clients": {"编号": "id", "客户编号": "id", "会员号": "id", "姓名": "name", "名字": "name",
                "客户姓名": "name", "电话": "phone", "手机": "phone", "手机号": "phone",
                "手机号码": "phone", "联系电话": "phone", "mobile": "phone", "tel": "phone",
                "性别": "gender", "生日": "birthday", "出生日期": "birthday",
                "农历生日": "lunar_birthday", "lunar birthday": "lunar_birthday",
                "类别": "category", "客户类别": "category", "重点": "key", "重点客户": "key",
                "介绍人": "referred_by", "来源": "source", "顾问": "consultant",
                "美容顾问": "consultant", "邮箱": "email", "e-mail": "email",
                "首次到店": "since", "首次到店日期": "since", "first visit": "since",
                "肤质": "skin_type", "过敏": "allergies", "喜好": "preferences",
                "爱好": "hobbies", "备注": "note", "建档日期": "since", "入会日期": "since",
                "称呼": "salutation", "勿扰": "do_not_contact",
                "電話": "phone", "手機": "phone", "手機號碼": "phone", "聯絡電話": "phone",
                "氏名": "name", "性別": "gender", "顧問": "consultant", "備註": "note",
                "類別": "category", "介紹人": "referred_by", "農曆生日": "lunar_birthday",
                # what a client list keeps beside her: her card and when she last came
                "卡": "card_type", "卡类型": "card_type", "卡种": "card_type", "卡名": "card_type",
                "会员卡": "card_type", "card": "card_type", "card type": "card_type",
                "余额": "card_balance", "卡余额": "card_balance", "balance": "card_balance",
                "次数": "card_sessions", "剩余次数": "card_sessions", "sessions": "card_sessions",
                "有效期": "card_until", "有效期至": "card_until", "到期日": "card_until",
                "expiry": "card_until", "card expiry": "card_until",
                "最后到店": "last_visit", "上次到店": "last_visit", "最近到店": "last_visit",
                "最后到店日期": "last_visit", "last visit": "last_visit"},
    "visits": {**_COMMON, "金额": "amount", "消费金额": "amount", "实收": "amount",
               "项目": "services", "服务": "services", "护理项目": "services",
               "service": "services", "产品": "products", "product": "products",
               "金額": "amount", "項目": "services", "服務": "services", "產品": "products"},
    "calls": {**_COMMON, "结果": "outcome", "回访结果": "outcome", "备注": "note",
              "内容": "note", "回访内容": "note", "回电日期": "callback", "约回电": "callback"},
    "cards": {**_COMMON, "卡": "type", "卡类型": "type", "卡名": "type", "卡种": "type",
              "次数": "sessions", "剩余次数": "sessions", "余额": "balance", "金额": "balance",
              "有效期": "until", "到期日": "until", "有效期至": "until", "体验": "trial",
              "体验卡": "trial", "实收": "price", "售价": "price", "价格": "price",
              "卡价": "price"},
    "appointments": {**_COMMON, "时间": "time", "预约时间": "time", "项目": "service",
                     "预约项目": "service", "登记日期": "booked"},
    "courses": {**_COMMON, "course": "name", "疗程": "name", "疗程名称": "name",
                "开始": "start", "开始日期": "start", "结束": "end", "结束日期": "end",
                "回访日": "check_days"},
    "complaints": {**_COMMON, "内容": "text", "投诉内容": "text"},
    "topups": {**_COMMON, "卡号": "tops_up", "充值金额": "amount", "金额": "amount",
               "次数": "sessions", "实收": "price"},
}
# A client list's columns that are not her record but records of their own: her card (what
# is left on it) and her last visit.
CLIENT_EXTRAS = (
    schema.Field("card_type", parsing.text), schema.Field("card_balance", parsing.money),
    schema.Field("card_sessions", parsing.integer(0, parsing.MAX_COUNT)),
    schema.Field("card_until", parsing.a_date), schema.Field("last_visit", parsing.a_date),
)
FIELDS: dict[str, tuple[schema.Field, ...]] = {
    # a merge is made in the salon (`client merge`), not brought in
    "clients": (*(f for f in schema.CLIENT_FIELDS
                  if f.name not in ("merged_into", "imported", "conflicts")), *CLIENT_EXTRAS),
    "visits": schema.VISIT_FIELDS,
    "calls": schema.CALL_FIELDS, "cards": schema.CARD_FIELDS,
    "appointments": schema.APPOINTMENT_FIELDS, "courses": schema.COURSE_FIELDS,
    "complaints": schema.COMPLAINT_FIELDS, "topups": schema.TOPUP_FIELDS,
}
# what a journal row names its client by, besides the `client` column
CLIENT_KEYS = ("client", "phone", "client_name")
_TRUE = {"true", "yes", "y", "1", "是", "√", "✓", "x"}
_FALSE = {"false", "no", "n", "0", "否", ""}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_SPLIT = re.compile(r"\s*[;；,，、/]\s*")


@dataclass
class Parsed:
    """One row read: the record's values, and how it names its client (journal rows)."""

    row: int
    values: dict[str, Any]
    client_keys: dict[str, str] = field(default_factory=dict)


@dataclass
class Reading:
    rows: list[Parsed]
    problems: list[str]
    mapping: dict[str, str]  # header -> field


def known_headers(kind: str, given: Mapping[str, str]) -> set[str]:
    """Every header a column of `kind` may have: its synonyms, its fields, those mapped."""
    return {*SYNONYMS[kind], *(spec.name for spec in FIELDS[kind]), *CLIENT_KEYS, *given}


def column_map(kind: str, headers: Sequence[str], given: Mapping[str, str]) -> dict[str, str]:
    """Each header's field: as the user mapped it, else by its name in either language;
    headers of no known field are left out (and said, by the caller)."""
    known = {spec.name for spec in FIELDS[kind]} | set(CLIENT_KEYS if kind != "clients" else ())
    found: dict[str, str] = {}
    for header in headers:
        folded = header.strip().casefold().replace("_", " ")
        wanted = given.get(header) or given.get(header.strip())
        if wanted is None:
            wanted = SYNONYMS[kind].get(folded) or SYNONYMS[kind].get(header.strip())
        if wanted is None and folded.replace(" ", "_") in known:
            wanted = folded.replace(" ", "_")
        if wanted is not None and wanted in known and wanted not in found.values():
            found[header] = wanted
    return found


def read_rows(kind: str, rows: Sequence[Mapping[str, Any]], mapping: Mapping[str, str],
              where: str, first_row: int = 2) -> Reading:
    """Every row read by its fields; a problem is `FILE:ROW: message`, the row numbered as
    the spreadsheet numbers it (`first_row` is the one under the headers)."""
    specs = {spec.name: spec for spec in FIELDS[kind]}
    parsed, problems = [], []
    for number, row in enumerate(rows, start=first_row):
        if not any(_text(v) for k, v in row.items() if k != EXTRA) and EXTRA not in row:
            continue  # an empty line between records
        values: dict[str, Any] = {}
        keys: dict[str, str] = {}
        errors: list[str] = []
        if EXTRA in row:
            errors.append(f"{where}:{number}: " + _("{count} cell(s) beyond the last column (a "
                                                    "value with a comma must be in quotes)").format(
                count=len(row[EXTRA])))
        for header, name in mapping.items():
            cell = row.get(header)
            if name in CLIENT_KEYS and kind != "clients":
                if _text(cell):
                    keys[name] = _text(cell)
                continue
            lunar = parsing.chinese_lunar(_text(cell)) if name in LUNAR_COLUMNS else None
            no_year = parsing.month_day_of(_text(cell)) if name == "birthday" else None
            try:
                if no_year is not None:  # 5月7日: her birthday, its year not given
                    values["birthday_month_day"] = no_year
                    continue
                if lunar is not None:  # 农历八月十五 in a birthday column: her lunar birthday
                    values["lunar_birthday"] = specs["lunar_birthday"].read(
                        f"{lunar[0]:02d}-{lunar[1]:02d}")
                    values["lunar_leap"] = lunar[2]
                    continue
                raw = _raw(name, cell)
                if raw is not None:
                    values[name] = specs[name].read(raw)
            except parsing.InvalidValue as error:
                errors.append(f"{where}:{number}: {header}: {error}")
        errors += [f"{where}:{number}: " + _("{field}: missing (map a column to it with --map)")
                   .format(field=spec.name)
                   for spec in FIELDS[kind]
                   if spec.required and spec.name not in values and spec.name not in ("id", "client")]
        if kind != "clients" and not keys:
            errors.append(f"{where}:{number}: " + _("no client: give a client, phone or name "
                                                    "column"))
        problems += errors
        if not errors:
            parsed.append(Parsed(number, values, keys))
    return Reading(parsed, problems, dict(mapping))


LUNAR_COLUMNS = ("birthday", "lunar_birthday")


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a spreadsheet's 13800000001.0
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def _raw(name: str, cell: Any) -> Any:
    """A cell as the file would hold it (None: left empty)."""
    text = _text(cell)
    if text == "" and name not in ("key", "trial", "do_not_contact", "lunar_leap"):
        return None
    if name == "time":  # 9:00, or 09:00:00 as a spreadsheet's time cell reads
        clock = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", text)
        return f"{int(clock[1]):02d}:{clock[2]}" if clock else text
    if name == "check_days":
        return [int(part) if part.isdigit() else part for part in _SPLIT.split(text) if part]
    if name in ("date", "birthday", "since", "until", "callback", "start", "end", "booked",
                "card_until", "last_visit"):
        found = _DATE.fullmatch(text)
        return f"{found[1]}-{int(found[2]):02d}-{int(found[3]):02d}" if found else text
    if name in ("amount", "balance", "price", "card_balance"):
        return re.sub(r"^[¥￥$€]|[,，\s]|元$", "", text)
    if name in ("key", "trial", "do_not_contact", "lunar_leap"):
        return _boolean(text)
    if name in ("sessions", "card_sessions"):
        return int(text) if text.isdigit() else text
    if name in ("services", "rules"):
        return [part for part in _SPLIT.split(text) if part]
    if name == "products":
        return [_product(part) for part in re.split(r"\s*[;；、]\s*", text) if part]
    return _SPELLINGS.get(name, {}).get(text.casefold(), text)


_SPELLINGS = {field: parsing.SPELLINGS[field] for field in ("outcome", "gender", "category")}


def _boolean(text: str) -> Any:
    folded = text.casefold()
    return True if folded in _TRUE else False if folded in _FALSE else text


def _product(text: str) -> dict[str, Any]:
    """NAME=CATEGORY[=DAYS of use], or a name alone (then sold as take-home care)."""
    name, _, rest = text.partition("=")
    category, _, days = rest.partition("=")
    found: dict[str, Any] = {"name": name.strip(), "category": category.strip() or "care"}
    if days.strip():
        found["days"] = int(days) if days.strip().isdigit() else days.strip()
    return found


class ClientIndex:
    """The salon's clients by id, phone and name, built once for a whole file of rows: a row
    names her by id, else phone, else a name only one client has. A record merged into
    another names the kept client (read by `kept`)."""

    def __init__(self, clients: Sequence[model.Client],
                 kept: Callable[[str], model.Client] | None = None,
                 region: str = parsing.DEFAULT_PHONE_REGION) -> None:
        self.region = region
        self.by_id: dict[str, model.Client] = {}
        self.by_phone: dict[str, dict[str, model.Client]] = {}
        self.by_name: dict[str, dict[str, model.Client]] = {}
        for client in clients:
            seen = kept(client.merged_into) if kept and client.merged_into else client
            self.by_id.setdefault(client.id, seen)
            self.by_phone.setdefault(parsing.phone_key(client.phone, region), {}).setdefault(
                seen.id, seen)
            self.by_name.setdefault(client.name.casefold(), {}).setdefault(seen.id, seen)

    def match(self, keys: Mapping[str, str]) -> model.Client | str:
        """The client a row names; else why not."""
        if keys.get("client") in self.by_id:
            return self.by_id[keys["client"]]
        typed = keys.get("phone", "") or keys.get("client", "")
        phone = parsing.phone_key(typed, self.region)
        found = self.by_phone.get(phone, {}) if len(parsing.phone_digits(typed)) >= 5 else {}
        if len(found) == 1:
            return next(iter(found.values()))
        name = (keys.get("client_name") or keys.get("client") or "").casefold()
        named = self.by_name.get(name, {})
        if len(named) == 1:
            return next(iter(named.values()))
        shown = ", ".join(f"{k} {v!r}" for k, v in keys.items())
        return _("no one client is {keys}").format(keys=shown) + (
            _("; several clients have that name") if named else "")


def match_client(keys: Mapping[str, str], clients: Sequence[model.Client],
                 kept: Callable[[str], model.Client] | None = None,
                 region: str = parsing.DEFAULT_PHONE_REGION) -> model.Client | str:
    """The client a row names (see `ClientIndex`); else why not."""
    return ClientIndex(clients, kept, region).match(keys)
