"""Write a realistic, deterministic salon folder: the demo in data/, or a large one to bench.

    python tools/make_salon.py data                          # the demo salon (160 clients)
    python tools/make_salon.py /tmp/big --clients 100000 --years 3   # for bench/

The same seed and arguments always give the same bytes, so the demo in git can be
regenerated and reviewed as a diff. Files are written with salonctl's own writers.
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from salonctl.disk import fsutil
from salonctl.engine import model
from salonctl.files import clientfiles, codec, store

TODAY = date(2026, 11, 24)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈"
GIVEN = ["丽", "芳", "娜", "敏", "静", "婷", "雪", "慧", "燕", "玲", "晓梅", "佳怡", "雨欣",
         "思琪", "美玲", "秀英", "丹丹", "欣怡", "梦瑶", "诗涵", "晓雯", "文静", "海燕", "春梅"]
GIVEN_MALE = ["伟", "强", "磊", "军", "涛", "浩然"]
LATIN = [("Anna Müller", "+49 151 2345 6789"), ("Sophie Martin", "+33 6 12 34 56 78"),
         ("Emily Chen", "+1 415 555 0142"), ("Olivia Tan", "+65 9123 4567"),
         ("Mei Lin Ng", "+60 12 345 6789"), ("Chloé Dubois", "0612345670")]
CONSULTANTS = ["小李", "小周", "小陈"]
SERVICES = [("面部补水护理", 298), ("深层清洁", 198), ("肩颈按摩", 168), ("眼部护理", 258),
            ("美白焕肤", 468), ("祛痘护理", 328), ("身体SPA", 588), ("抗衰紧致", 880)]
PRODUCTS = [("玻尿酸精华", "care", 380), ("修护面霜", "care", 260), ("防晒乳", "care", 158),
            ("雪肌焕白精华", "brand", 680), ("纤体精油", "treatment", 420),
            ("祛痘精华", "treatment", 300), ("胶原蛋白口服液", "supplement", 520),
            ("艾草熏蒸包", "supplement", 199)]
# Relative demand per month (seed 000's cycle): Feb and Oct peak, Jan and Nov slow.
DEMAND = [0.7, 1.4, 1.1, 1.0, 1.0, 1.05, 1.2, 0.9, 1.05, 1.35, 0.75, 0.8]
SKIN = ["干性", "油性", "混合性", "敏感性", "中性"]
SOURCES = ["路过", "大众点评", "小红书", "朋友介绍", "团购"]
ALLERGIES = ["对芒果过敏", "对酒精敏感", "对花粉过敏"]


class Maker:
    def __init__(self, seed: int, today: date, months: int) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.start = date(today.year, today.month, 1) - timedelta(days=30 * months)
        self.entries: list[model.Entry] = []
        self.counters: dict[str, int] = defaultdict(int)

    def add(self, make: type[model.Entry], *args: object) -> model.Entry:
        probe = make("", *args)  # type: ignore[arg-type]
        stem = codec.id_stem(probe)
        self.counters[stem] += 1
        entry = make(f"{stem}{self.counters[stem]}", *args)  # type: ignore[arg-type]
        self.entries.append(entry)
        return entry

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randrange(max(1, (last - first).days + 1)))

    # --- clients ---------------------------------------------------------------------

    def client(self, number: int, referrers: list[str]) -> model.Client:
        rng = self.rng
        male = rng.random() < 0.08
        if number % 29 == 7:
            name, phone = LATIN[(number // 29) % len(LATIN)]
            if number > 29 * len(LATIN):  # a big salon: same names, but phones stay unique
                phone = f"{phone[:-5]}{number % 100_000:05d}"
        else:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN_MALE if male else GIVEN)
            phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        roll = rng.random()
        category = "member" if roll < 0.6 else "new" if roll < 0.85 or not referrers else "guest"
        born = date(rng.randrange(1962, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
        lunar = rng.random() < 0.3
        channel = rng.choices(["phone", "sms", "wechat", "email"], [75, 10, 12, 3])[0]
        return model.Client(
            id=f"c{number:04d}", name=name, phone=phone,
            gender="male" if male else "female",
            birthday=None if lunar else born,
            lunar_birthday=model.LunarBirthday(
                rng.randrange(1, 13), rng.randrange(1, 31), number % 53 == 11) if lunar else None,
            category=category,  # type: ignore[arg-type]
            key=category == "member" and rng.random() < 0.15,
            referred_by=rng.choice(referrers) if category == "guest" else None,
            source="老客户介绍" if category == "guest" else rng.choice(SOURCES),
            consultant=rng.choice(CONSULTANTS),
            channel=channel,  # type: ignore[arg-type]
            email=f"client{number}@example.com" if channel == "email" else None,
            do_not_contact=rng.random() < 0.02,
            skin_type=rng.choice(SKIN),
            allergies=rng.choice(ALLERGIES) if rng.random() < 0.08 else None,
            # Most clients were already coming when the history starts: an established salon.
            since=self.start + timedelta(days=rng.randrange(30)) if rng.random() < 0.6
            else self.day_between(self.start, self.today - timedelta(days=3)),
        )

    # --- history ---------------------------------------------------------------------

    def visits(self, client: model.Client) -> None:
        day = client.since or self.start
        lapsed = client.category == "member" and self.rng.random() < 0.12
        stop = self.today - timedelta(days=self.rng.randrange(130, 300)) if lapsed else self.today
        gap = (18, 40) if client.category == "member" else (25, 90)
        count = 0
        while day <= stop and (client.category == "member" or count < 3):
            self.visit(client, day)
            count += 1
            wait = self.rng.randrange(*gap) / DEMAND[day.month - 1]
            day += timedelta(days=int(wait))

    def visit(self, client: model.Client, day: date) -> None:
        rng = self.rng
        services = rng.sample(SERVICES, rng.choice([1, 1, 1, 2]))
        products = rng.sample(PRODUCTS, rng.choice([1, 1, 2])) if rng.random() < 0.28 else []
        amount = sum(p for _, p in services) + sum(p for _, _, p in products)
        if client.category == "member":
            amount = int(amount * 0.8)
        self.add(model.Visit, client.id, day, tuple(s for s, _ in services),
                 tuple(model.Product(n, c) for n, c, _ in products),  # type: ignore[arg-type]
                 Decimal(amount), client.consultant)

    def cards(self, client: model.Client) -> None:
        issued = client.since or self.start
        if client.category == "member":
            kind = self.rng.choice(["年卡", "储值卡", "十次卡"])
            until = issued + timedelta(days=365)
            sessions = 10 if kind == "十次卡" else None
            balance = Decimal(self.rng.choice([3000, 5000, 10000])) if kind == "储值卡" else None
            self.add(model.Card, client.id, issued, kind, until, sessions, balance, False)
        elif client.category == "new" and issued > self.today - timedelta(days=60):
            self.add(model.Card, client.id, issued, "体验卡", issued + timedelta(days=30),
                     3, None, True)

    def calls_for(self, client: model.Client, visits: list[model.Visit]) -> None:
        """Calls logged after recent sales, as staff would have logged them."""
        for visit in visits[-3:]:
            if not visit.products or visit.date > self.today - timedelta(days=1):
                continue
            outcome = self.rng.choices(
                ["reached", "no-answer", "not-convenient", "refused"], [70, 18, 8, 4])[0]
            day = visit.date + timedelta(days=1)
            if day <= self.today:
                self.add(model.Call, client.id, day, outcome, ("purchase-1-3-7",),
                         None, None, client.consultant)


def build(folder: Path, clients: int, seed: int, today: date, months: int) -> None:
    maker = Maker(seed, today, months)
    people: list[model.Client] = []
    members: list[str] = []
    for number in range(1, clients + 1):
        person = maker.client(number, members[-50:])
        people.append(person)
        if person.category == "member":
            members.append(person.id)
    for client in people:
        maker.cards(client)
        maker.visits(client)
    by_client: dict[str, list[model.Visit]] = defaultdict(list)
    for entry in maker.entries:
        if isinstance(entry, model.Visit):
            by_client[entry.client].append(entry)
    for client in people:
        maker.calls_for(client, by_client[client.id])
    _special_cases(maker, people)
    _write(folder, people, maker.entries)


def _special_cases(maker: Maker, people: list[model.Client]) -> None:
    """A few things every demo should show: courses, appointments, complaints."""
    today, rng = maker.today, maker.rng
    members = [c for c in people if c.category == "member" and not c.do_not_contact]
    for client, name, weeks in ((members[0], "祛斑疗程", 12), (members[3], "纤体疗程", 8),
                                (members[5], "抗衰紧致疗程", 10)):
        start = today - timedelta(days=7 * weeks // 2)
        maker.add(model.Course, client.id, start, name, start, start + timedelta(weeks=weeks),
                  (10, 20, 30) if weeks != 8 else (15, 30))
    for index, client in enumerate(rng.sample(members, min(18, len(members)))):
        day = today + timedelta(days=1 + index * 2)
        time = f"{rng.choice([10, 11, 14, 15, 16, 19])}:{rng.choice(['00', '30'])}"
        service = rng.choice(SERVICES)[0]
        booked = maker.add(model.Appointment, client.id, day, time, service,
                           today - timedelta(days=rng.randrange(1, 10)), client.consultant)
        if index in (4, 11):
            maker.add(model.Cancellation, client.id, today - timedelta(days=1), booked.id)
    unhappy = members[8]
    old = maker.add(model.Complaint, unhappy.id, today - timedelta(days=40), "做完护理后脸颊发红")
    maker.add(model.ComplaintClosed, unhappy.id, today - timedelta(days=38), old.id,
              "已上门致歉并赠送修复护理一次")
    maker.add(model.Complaint, members[12].id, today - timedelta(days=1),
              "预约的时间等了四十分钟，很不满意")
    _cards_in_use(maker, people)


# Days one of each product lasts a client (the catalogue's days of use, R24)
PRODUCT_DAYS = {"玻尿酸精华": 60, "修护面霜": 45, "防晒乳": 30, "雪肌焕白精华": 60,
                "纤体精油": 30, "祛痘精华": 30, "胶原蛋白口服液": 30, "艾草熏蒸包": 20}


def _cards_in_use(maker: Maker, people: list[model.Client]) -> None:
    """Cards being used up and catalogue sales: drawn after everything else, so the rest of
    the demo's history stays as it was."""
    today = maker.today
    holders = [c for c in maker.entries if isinstance(c, model.Card) and c.sessions == 10
               and not c.trial and c.until is not None and c.until > today]
    for card, uses in zip(holders[:4], (8, 5, 3, 9), strict=False):
        for n in range(uses):  # weekly, ending the day before today
            day = today - timedelta(days=1 + 7 * (uses - 1 - n))
            if day > card.date:
                maker.add(model.Visit, card.client, day, ("面部补水护理",), (), Decimal(298),
                          None, card.id)
    buyers = [c for c in people if c.category == "member" and not c.do_not_contact][20:26]
    for index, client in enumerate(buyers):
        name, category, price = PRODUCTS[index % len(PRODUCTS)]
        day = today - timedelta(days=int(PRODUCT_DAYS[name] * 0.8) - index % 3)
        maker.add(model.Visit, client.id, day, (), (model.Product(
            name, category, PRODUCT_DAYS[name]),), Decimal(price), client.consultant)  # type: ignore[arg-type]


def _write(folder: Path, people: list[model.Client], entries: list[model.Entry]) -> None:
    if folder.exists():
        if not (folder / store.SALON_FILE).exists() and any(folder.iterdir()):
            raise SystemExit(f"{folder} holds something that is not a salon; not touching it")
        shutil.rmtree(folder)
    store.init_salon(folder, "悦颜美容会所", "zh-CN")
    settings = folder / store.SALON_FILE
    text = settings.read_text(encoding="utf-8")
    text = text.replace("  caller: null", "  caller: 前台小王")
    text = text.replace("""  fixed_costs:
    rent: 0
    wages: 0
    utilities: 0
    other: 0
  variable_share: 0
  target_profit: 0
  past_revenue: {}""", """  fixed_costs:
    rent: 9000
    wages: 12000
    utilities: 1500
    other: 1000
  variable_share: 0.3
  target_profit: 80000
  past_revenue:
    2023: 498000
    2024: 531000""")
    text = text.replace("""mail:
  from: null
  to: []
  consultants: {}""", """mail:
  from: yueyan@example.com
  to: [owner@example.com]
  consultants:
    小李: xiaoli@example.com
    小周: xiaozhou@example.com
    小陈: xiaochen@example.com""")
    fsutil.write_atomic(settings, text.encode("utf-8"))
    for start in range(0, len(people), clientfiles.BUCKET_SIZE):
        bucket = folder / clientfiles.CLIENTS_DIR / f"{start // clientfiles.BUCKET_SIZE:04d}.yaml"
        text = codec.dump_clients(people[start:start + clientfiles.BUCKET_SIZE])
        fsutil.write_atomic(bucket, text.encode("utf-8"))
    files: dict[Path, list[str]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.date):
        files[codec.journal_file(entry)].append(codec.journal_line(entry))
    for relative, lines in sorted(files.items()):
        fsutil.write_atomic(folder / relative, "".join(lines).encode("utf-8"))
    _catalogue(folder, entries)


def _catalogue(folder: Path, entries: list[model.Entry]) -> None:
    """The demo's products, with stock taken in a month ago and a low level to watch."""
    from salonctl.engine import catalogue
    from salonctl.files import catalogfile

    start = TODAY - timedelta(days=30)
    items = [catalogue.Item(name, category, Decimal(price), PRODUCT_DAYS[name], "瓶" if
                            category != "supplement" else "盒", 5,
                            (catalogue.StockIn(start, 20 + 5 * (index % 3)),))
             for index, (name, category, price) in enumerate(PRODUCTS)]
    catalogfile.write(folder, items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--clients", type=int, default=160)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, default=TODAY)
    parser.add_argument("--months", type=int, default=23, help="months of history")
    parser.add_argument("--years", type=int, help="years of history (instead of --months)")
    args = parser.parse_args()
    months = args.years * 12 if args.years else args.months
    build(args.folder, args.clients, args.seed, args.today, months)


if __name__ == "__main__":
    main()
