"""What a salon's files hold, as frozen values: no I/O, no clock.

Clients are a profile each. Everything that happens to a client — a visit with its
services and take-home products, an appointment booked or cancelled, a card sold, a course
started, a call made, a complaint opened or closed — is an entry in an append-only journal,
so history is never rewritten and diffs cleanly in git.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeVar, get_args

Gender = Literal["female", "male"]
Category = Literal["new", "member", "guest"]
Channel = Literal["phone", "sms", "wechat", "email"]
ProductCategory = Literal["treatment", "brand", "supplement", "care"]
Outcome = Literal["reached", "no-answer", "not-convenient", "refused", "wrong-number"]
Language = Literal["zh-CN", "en"]

GENDERS: tuple[str, ...] = get_args(Gender)
CATEGORIES: tuple[str, ...] = get_args(Category)
CHANNELS: tuple[str, ...] = get_args(Channel)
PRODUCT_CATEGORIES: tuple[str, ...] = get_args(ProductCategory)
OUTCOMES: tuple[str, ...] = get_args(Outcome)
LANGUAGES: tuple[str, ...] = get_args(Language)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class LunarBirthday:
    """A birthday kept by the lunar calendar: month 1-12, day 1-30, maybe a leap month."""

    month: int
    day: int
    leap: bool = False

    def __str__(self) -> str:
        return f"{'leap ' if self.leap else ''}{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    phone: str
    gender: Gender | None = None
    birthday: dt.date | None = None
    # MM-DD: a birthday she gave without its year (a client list's 5月7日); kept as given
    birthday_month_day: str | None = None
    lunar_birthday: LunarBirthday | None = None
    category: Category = "new"
    key: bool = False
    referred_by: str | None = None
    source: str | None = None
    consultant: str | None = None
    channel: Channel = "phone"
    email: str | None = None
    do_not_contact: bool = False
    skin_type: str | None = None
    allergies: str | None = None
    preferences: str | None = None
    hobbies: str | None = None
    note: str | None = None
    since: dt.date | None = None
    salutation: str | None = None  # how a script addresses her, when the default is wrong
    # The client this record was a second entry of (`client merge`): her record is kept,
    # hidden, and every journal entry that names her is read as that client's.
    merged_into: str | None = None
    # The day `import` brought her record in from a spreadsheet: her history is older than
    # salonctl, so her first recorded visit is no first visit unless `since` says it is.
    imported: dt.date | None = None
    # Fields two desks changed differently (a git merge kept this desk's value): the field
    # and the other desk's value, until someone settles it (`salonctl check` names them).
    conflicts: tuple[tuple[str, str], ...] = ()

    def first_visit_counts(self, first: dt.date) -> bool:
        """Whether her first recorded visit, on `first`, was her first visit to the salon."""
        if self.imported is None:
            return True
        return first == self.since or first > self.imported

    @property
    def on_file_from(self) -> dt.date | None:
        """The day the salon could first have called her: her file's first day here."""
        return self.imported or self.since


@dataclass(frozen=True)
class Product:
    name: str
    category: ProductCategory
    days: int | None = None  # how long one lasts her, from the catalogue when it was sold


@dataclass(frozen=True)
class Visit:
    """A visit: services done in the salon and/or products taken home (a sale)."""

    id: str
    client: str
    date: dt.date
    services: tuple[str, ...] = ()
    products: tuple[Product, ...] = ()
    amount: Decimal | None = None
    by: str | None = None
    card: str | None = None  # the card it was paid with: one session, or the amount, off it


@dataclass(frozen=True)
class Appointment:
    id: str
    client: str
    date: dt.date
    time: str
    service: str | None = None
    booked: dt.date | None = None
    by: str | None = None


@dataclass(frozen=True)
class Cancellation:
    """Cancels an appointment; kept beside it in the journal, never by deleting it."""

    id: str
    client: str
    date: dt.date
    cancels: str


@dataclass(frozen=True)
class Card:
    """A prepaid, package or trial card: a member holds one."""

    id: str
    client: str
    date: dt.date
    type: str
    until: dt.date | None = None
    sessions: int | None = None
    balance: Decimal | None = None
    trial: bool = False
    price: Decimal | None = None  # what she paid for it: revenue on the day it was sold


@dataclass(frozen=True)
class CardTopUp:
    """Money or sessions added to a card; kept beside it in the cards journal."""

    id: str
    client: str
    date: dt.date
    tops_up: str  # the card's id
    amount: Decimal | None = None  # added to its balance
    sessions: int | None = None  # added to its sessions
    price: Decimal | None = None  # what she paid (default: the amount)
    by: str | None = None


@dataclass(frozen=True)
class Course:
    """A treatment course in progress, with its check-in days of the month (R17, R18)."""

    id: str
    client: str
    date: dt.date
    name: str
    start: dt.date
    end: dt.date
    check_days: tuple[int, ...] = (10, 20, 30)


@dataclass(frozen=True)
class Call:
    id: str
    client: str
    date: dt.date
    outcome: Outcome
    rules: tuple[str, ...] = ()
    callback: dt.date | None = None
    note: str | None = None
    by: str | None = None
    phone: str | None = None  # the number dialled, kept for a wrong number


@dataclass(frozen=True)
class Complaint:
    id: str
    client: str
    date: dt.date
    text: str


@dataclass(frozen=True)
class ComplaintClosed:
    id: str
    client: str
    date: dt.date
    closes: str
    note: str | None = None


@dataclass(frozen=True)
class Correction:
    """Voids or corrects an earlier entry, which stays in its journal as it was written:
    the history shows the entry as corrected (or not at all), the file keeps both."""

    id: str
    client: str  # the corrected entry's client
    date: dt.date  # the day the correction was made
    corrects: str  # the entry's id
    void: bool = False
    changes: str | None = None  # the fields set, as canonical JSON of their written values
    reason: str | None = None
    by: str | None = None


Entry = (Visit | Appointment | Cancellation | Card | CardTopUp | Course | Call | Complaint
         | ComplaintClosed | Correction)
_E = TypeVar("_E", bound=Entry)


@dataclass(frozen=True)
class Opening:
    """When the salon is open: every day, unless the salon says otherwise."""

    closed_weekdays: tuple[str, ...] = ()
    closed_dates: tuple[dt.date, ...] = ()
    public_holidays: str | None = None  # a region code for the `holidays` package, e.g. CN


@dataclass(frozen=True)
class Contact:
    phone: str | None = None
    address: str | None = None
    caller: str | None = None  # the name a caller gives when the sheet has no consultant
    # The country a phone number typed without its country code is in: '+86 139…', '0086
    # 139…' and '139…' are one number in a salon in China.
    phone_region: str = "CN"


@dataclass(frozen=True)
class FollowUp:
    max_tries: int = 3  # unanswered calls before a follow-up counts as missed
    calls_per_day: int | None = None  # rows one caller is given a day (also top level)
    card_low_sessions: int = 2  # a sessions card with this many left is nearly used up (R23)
    card_low_share: Decimal = Decimal("0.1")  # a balance card with this share of its money
    repurchase_share: Decimal = Decimal("0.8")  # of a product's days of use: time to offer more
    tier_key_spend: Decimal = Decimal(8000)  # spent in 12 months: a key client
    tier_regular_visits: int = 4  # visits in 12 months: a regular


DEFAULT_CALLS_PER_DAY = 20


COST_KINDS = ("rent", "wages", "utilities", "other")


@dataclass(frozen=True)
class PlanSettings:
    """The salon's costs and goal, for the business plans."""

    fixed_costs: tuple[tuple[str, Decimal], ...] = ()  # per month, by kind
    variable_share: Decimal = Decimal(0)  # product costs, commissions: a share of revenue
    target_profit: Decimal = Decimal(0)  # for the year
    # Revenue of years before salonctl: a year's total, or its twelve months.
    past_revenue: tuple[tuple[int, tuple[Decimal, ...]], ...] = ()

    @property
    def fixed_per_month(self) -> Decimal:
        return sum((amount for _, amount in self.fixed_costs), Decimal(0))


@dataclass(frozen=True)
class CycleMonth:
    month: int
    season: str
    demand: str
    weight: Decimal
    wants: str
    focus: tuple[str, ...]


@dataclass(frozen=True)
class Cycle:
    """The salon's year by month, and the Spring Festival rush that moves with the moon."""

    months: tuple[CycleMonth, ...]
    rush_weight: Decimal = Decimal("0.55")
    rush_days: int = 10


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int | None = None  # default: 465 for ssl, 587 for starttls, 25 otherwise
    security: str = "none"  # none | starttls | ssl
    user: str | None = None
    password_env: str | None = None  # the variable that holds the password
    password_file: str | None = None  # or a file only its owner can read (0600)
    ca_file: str | None = None  # a CA bundle to trust, for a private mail server
    timeout: int = 30


@dataclass(frozen=True)
class MailSettings:
    sender: str | None = None
    to: tuple[str, ...] = ()  # who gets the whole sheet (the owner)
    consultants: tuple[tuple[str, str], ...] = ()  # consultant -> address: her calls only
    when_empty: str = "notice"  # notice: a short "no calls" message; skip: no message
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    retries: int = 3
    retry_delay: float = 5.0  # seconds before the second try, doubled after each


@dataclass(frozen=True)
class Settings:
    name: str
    language: Language = "zh-CN"
    currency: str = "CNY"
    opening: Opening = field(default_factory=Opening)
    contact: Contact = field(default_factory=Contact)
    follow_up: FollowUp = field(default_factory=FollowUp)
    plan: PlanSettings = field(default_factory=PlanSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    calls_per_day: int | None = None

    @property
    def daily_limit(self) -> int:
        """How many rows one caller is given a day: `calls_per_day` at the top of salon.yaml
        or under follow_up, else 20."""
        return self.calls_per_day or self.follow_up.calls_per_day or DEFAULT_CALLS_PER_DAY


@dataclass(frozen=True)
class History:
    """Everything the journals hold, each list in date order."""

    visits: tuple[Visit, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    cancellations: tuple[Cancellation, ...] = ()
    cards: tuple[Card, ...] = ()
    topups: tuple[CardTopUp, ...] = ()
    courses: tuple[Course, ...] = ()
    calls: tuple[Call, ...] = ()
    complaints: tuple[Complaint, ...] = ()
    closures: tuple[ComplaintClosed, ...] = ()
    corrections: tuple[Correction, ...] = ()

    def cancelled_ids(self) -> frozenset[str]:
        return frozenset(c.cancels for c in self.cancellations)

    def live_appointments(self) -> tuple[Appointment, ...]:
        cancelled = self.cancelled_ids()
        return tuple(a for a in self.appointments if a.id not in cancelled)

    def open_complaints(self) -> tuple[Complaint, ...]:
        closed = {c.closes for c in self.closures}
        return tuple(c for c in self.complaints if c.id not in closed)

    def recorded_by(self, day: dt.date) -> tuple[History, dict[str, dt.date]]:
        """What the files held on `day`: every entry dated on or before it (a booking once
        it was made, where it says when; corrections stand, they mend mistakes). And, per
        client, the first day of a record of hers made after `day`: her state may change
        then, however quiet she is on `day`."""
        later: dict[str, dt.date] = {}

        def by(entries: tuple[_E, ...], made: Callable[[_E], dt.date]) -> tuple[_E, ...]:
            kept = []
            for entry in entries:
                if made(entry) <= day:
                    kept.append(entry)
                else:
                    first = later.get(entry.client)
                    later[entry.client] = made(entry) if first is None else min(first, made(entry))
            return tuple(kept)

        def dated(entry: Entry) -> dt.date:
            return entry.date

        def booked(entry: Appointment) -> dt.date:
            return entry.booked or min(entry.date, day)

        return History(
            visits=by(self.visits, dated), appointments=by(self.appointments, booked),
            cancellations=by(self.cancellations, dated), cards=by(self.cards, dated),
            topups=by(self.topups, dated), courses=by(self.courses, dated),
            calls=by(self.calls, dated), complaints=by(self.complaints, dated),
            closures=by(self.closures, dated), corrections=self.corrections,
        ), later

    def of_client(self, client_id: str) -> History:
        def mine(entries: tuple[_E, ...]) -> tuple[_E, ...]:
            return tuple(e for e in entries if e.client == client_id)

        return History(
            visits=mine(self.visits), appointments=mine(self.appointments),
            cancellations=mine(self.cancellations), cards=mine(self.cards),
            topups=mine(self.topups), courses=mine(self.courses), calls=mine(self.calls),
            complaints=mine(self.complaints), closures=mine(self.closures),
            corrections=mine(self.corrections),
        )
