"""The morning e-mail against a real SMTP server on 127.0.0.1 (aiosmtpd), not a mock."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import re
import socket
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import Salon
from icalendar import Calendar
from test_rules import clients, history
from test_sheet import demo  # noqa: F401 - the demo salon fixture


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An SMTP handler that keeps what it accepts; `replies` scripts its answers to DATA."""

    def __init__(self, data_replies: list[str] | None = None, rcpt_reply: str | None = None,
                 stall: float = 0) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.data_replies = data_replies or []
        self.rcpt_reply = rcpt_reply
        self.stall = stall
        self.attempts = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:
        self.attempts += 1
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.stall:
            await asyncio.sleep(self.stall)
        if self.data_replies:
            reply = self.data_replies.pop(0)
            if not reply.startswith("250"):
                return reply
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK queued"


@pytest.fixture
def smtp() -> Iterator[Any]:
    """Start servers on demand: smtp(handler, **aiosmtpd options) -> port."""
    started: list[Controller] = []

    def start(handler: Inbox, **options: Any) -> int:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


def configure(salon: Salon, port: int, **mail: Any) -> None:
    settings = yaml.safe_load(salon.read("salon.yaml"))
    settings["mail"].update({"from": "salon@example.com", "to": ["owner@example.com"],
                             "consultants": {"小李": "li@example.com"}, "retry_delay": 0.01})
    settings["mail"]["smtp"].update({"host": "127.0.0.1", "port": port, "timeout": 2})
    for key, value in mail.items():
        if key == "smtp":
            settings["mail"]["smtp"].update(value)
        else:
            settings["mail"][key] = value
    salon.write("salon.yaml", yaml.safe_dump(settings, allow_unicode=True, sort_keys=False))


@pytest.fixture
def busy(salon: Salon) -> Salon:
    """Two clients due on 2026-11-24: one of 小李's, one of nobody's."""
    clients(salon, """
- {id: wang, name: 王丽, phone: '13800000001', gender: female, category: member, consultant: 小李}
- {id: anna, name: "<b>Anna</b> & Co", phone: '0698765432', gender: female, category: member}
""")
    history(salon, "visits", """
        - {id: v-20261123-1, client: wang, date: 2026-11-23, products: [{name: 精华, category: care}]}
        - {id: v-20261123-2, client: anna, date: 2026-11-23, products: [{name: 面霜, category: care}]}
    """)
    salon.only("purchase-1-3-7")
    return salon


def test_each_recipient_gets_one_message_with_both_parts(busy: Salon, smtp: Any) -> None:
    inbox = Inbox()
    configure(busy, smtp(inbox))
    result = busy("mail")
    assert (result.code, result.out, result.err) == (0, "", "")
    to = {m["To"]: m for m in inbox.messages}
    assert sorted(to) == ["li@example.com", "owner@example.com"]
    owner, li = to["owner@example.com"], to["li@example.com"]
    assert owner["Subject"] == "美丽人生美容院 · 2026-11-24 回访表 · 2个"
    assert li["Subject"] == "美丽人生美容院 · 2026-11-24 回访表 · 1个"
    text = owner.get_body(("plain",)).get_content()
    html = owner.get_body(("html",)).get_content()
    assert "王丽" in text and "<b>Anna</b> & Co" in text
    assert "&lt;b&gt;Anna&lt;/b&gt; &amp; Co" in html and "<b>Anna</b>" not in html
    # cards for a phone's screen: the number dials, no fixed-width box table anywhere
    assert 'href="tel:13800000001"' in html and 'name="viewport"' in html
    assert "<pre" not in html and not re.search("[\u2500-\u257f]", html + text)
    assert "1. 王丽 · 13800000001 · 电话" in text  # the sheet speaks the salon's language
    assert "Anna" not in li.get_body(("plain",)).get_content()
    assert ("salon@example.com", ["owner@example.com"]) in inbox.envelopes
    assert busy("mail").code == 0  # a second run the same day sends nothing new
    assert len(inbox.messages) == 2
    again = busy("mail", "--resend", "--to", "owner@example.com")
    assert again.code == 0 and len(inbox.messages) == 3
    assert inbox.messages[-1]["Message-ID"] == owner["Message-ID"]


def test_nothing_due_sends_a_notice_or_nothing(salon: Salon, smtp: Any) -> None:
    inbox = Inbox()
    configure(salon, smtp(inbox), consultants={})
    assert salon("mail").code == 0
    assert [m["Subject"] for m in inbox.messages] == ["美丽人生美容院 · 2026-11-24 回访表 · 0个"]
    assert "今天没有需要回访的客人" in inbox.messages[0].get_body(("plain",)).get_content()
    configure(salon, smtp(inbox := Inbox()), consultants={}, when_empty="skip")
    assert salon("mail", "tomorrow").code == 0 and inbox.messages == []


def test_451_twice_then_ok_delivers_one_copy(busy: Salon, smtp: Any) -> None:
    inbox = Inbox(data_replies=["451 4.3.0 busy", "451 4.3.0 busy"])
    configure(busy, smtp(inbox), consultants={})
    assert busy("mail").code == 0
    assert len(inbox.messages) == 1


def test_always_451_exits_75_then_the_next_run_delivers(busy: Salon, smtp: Any) -> None:
    inbox = Inbox(data_replies=["451 4.3.0 busy"] * 3)
    configure(busy, smtp(inbox), consultants={})
    result = busy("mail")
    assert result.code == 75 and result.out == ""
    assert result.err == ("salonctl: owner@example.com: 451 4.3.0 busy (end of data); "
                          "will be sent by the next run\n")
    assert inbox.messages == []
    assert "status: pending" in busy.read("outbox/2026-11.yaml").splitlines()[-1]
    assert busy("mail").code == 0
    assert len(inbox.messages) == 1


def test_550_is_one_attempt_and_names_recipient_and_code(busy: Salon, smtp: Any) -> None:
    inbox = Inbox(rcpt_reply="550 5.1.1 no such mailbox")
    configure(busy, smtp(inbox), consultants={})
    result = busy("mail")
    assert result.code == 69
    assert result.err == ("salonctl: owner@example.com: 550 5.1.1 no such mailbox "
                          "(RCPT TO owner@example.com); not retried\n")
    assert inbox.attempts == 1


def test_server_down_is_retried_then_75_and_the_next_run_delivers(busy: Salon, smtp: Any) -> None:
    port = free_port()  # nothing listens there
    configure(busy, port, consultants={})
    result = busy("mail")
    assert result.code == 75
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith("salonctl: cannot reach the server: ")
    assert result.err.endswith("; 1 message will be sent by the next run\n")
    inbox = Inbox()
    configure(busy, smtp(inbox), consultants={})
    assert busy("mail").code == 0 and len(inbox.messages) == 1


def test_no_answer_after_data_is_unknown_and_not_resent(busy: Salon, smtp: Any) -> None:
    inbox = Inbox(stall=4)
    configure(busy, smtp(inbox), consultants={}, smtp={"timeout": 1})
    result = busy("mail")
    assert result.code == 76
    assert "no answer after the message was sent" in result.err
    assert "status: unknown" in busy.read("outbox/2026-11.yaml").splitlines()[-1]
    assert inbox.attempts == 1  # not resent in the run
    again = busy("mail")
    assert again.code == 76 and "check, then run with --resend" in again.err
    assert inbox.attempts == 1  # nor by the next one


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )
    return cert, key


def test_starttls_with_a_test_certificate_and_auth(busy: Salon, smtp: Any, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                     data: LoginPassword) -> AuthResult:
        logins.append((data.login, data.password))
        # handled=False: let the server answer 535 itself on a refusal
        return AuthResult(success=data.password == b"s3cret", handled=False)

    inbox = Inbox()
    port = smtp(inbox, tls_context=context, require_starttls=True, authenticator=authenticate,
                auth_require_tls=True)
    configure(busy, port, consultants={}, smtp={
        "security": "starttls", "user": "salon", "password_env": "SALON_SMTP_PASSWORD",
        "ca_file": str(cert)})
    monkeypatch.setenv("SALON_SMTP_PASSWORD", "s3cret")
    assert busy("mail").code == 0
    assert len(inbox.messages) == 1 and logins == [(b"salon", b"s3cret")]
    monkeypatch.setenv("SALON_SMTP_PASSWORD", "wrong")
    refused = busy("mail", "tomorrow")
    assert refused.code == 69 and "login refused for salon" in refused.err
    assert "wrong" not in refused.err
    # salon.yaml as `init` writes it names no variable: the README's crontab variable serves
    configure(busy, port, consultants={}, smtp={
        "security": "starttls", "user": "salon", "password_env": None, "ca_file": str(cert)})
    monkeypatch.setenv("SALONCTL_SMTP_PASSWORD", "s3cret")
    assert busy("mail", "2026-11-25").code == 0
    assert logins[-1] == (b"salon", b"s3cret") and len(inbox.messages) == 2


def test_header_injection_is_refused_before_connecting(busy: Salon, smtp: Any) -> None:
    inbox = Inbox()
    port = smtp(inbox)
    configure(busy, port, consultants={})
    bad = busy("mail", "--to", "owner@example.com\r\nBcc: spy@example.com")
    assert bad.code == 2 and bad.err.startswith("salonctl: --to: ")
    configure(busy, port, consultants={}, to=["owner@example.com\r\nBcc: spy@example.com"])
    line = busy.read("salon.yaml").splitlines().index("  to:") + 2
    from_config = busy("mail")
    assert from_config.code == 65
    assert from_config.err.startswith(f"{busy.root}/salon.yaml:{line}:")
    assert "to: contains a control character (U+000D)" in from_config.err
    assert inbox.attempts == 0 and inbox.messages == []


def test_dry_run_prints_the_message_and_sends_nothing(busy: Salon, smtp: Any) -> None:
    inbox = Inbox()
    configure(busy, smtp(inbox))
    out = busy.ok("mail", "--dry-run", "--consultant", "小李")
    assert out.startswith("Subject: 美丽人生美容院 · 2026-11-24 回访表 · 1个\nFrom: salon@example.com\n"
                          "To: li@example.com\n")
    assert "--- text/plain ---" in out and "--- text/html ---" in out and "王丽" in out
    assert inbox.messages == [] and not (busy.root / "outbox").exists()


def test_ics_parses_and_keeps_its_uids(busy: Salon) -> None:
    first = busy.ok("due", "2026-11-24", "--days", "7", "--format", "ics")
    calendar = Calendar.from_ical(first)
    events = calendar.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    rows = json.loads(busy.ok("due", "2026-11-24", "--days", "7", "--format", "json"))
    # one event per client and call, on its first day: not one per day it is carried
    assert len(uids) == len(set(uids)) < len(rows)
    firsts = {}
    for row in rows:
        for reason in row["reasons"]:
            key = (row["client"], reason["rule"], reason["anchor_date"], reason["offset"])
            firsts.setdefault(key, row["date"])
    assert {f"{key[0]}-{day.replace('-', '')}" for key, day in firsts.items()} == {
        uid.split("@")[0] for uid in uids}
    assert str(events[0]["SUMMARY"]).startswith("回访 ")
    assert busy.ok("due", "2026-11-24", "--days", "7", "--format", "ics") == first
    busy.ok("call", "log", "wang", "--outcome", "reached")
    later = Calendar.from_ical(busy.ok("due", "2026-11-24", "--days", "7", "--format", "ics"))
    assert {str(e["UID"]) for e in later.walk("VEVENT")} < set(uids)


def test_demo_salon_one_message_per_recipient_once(demo: Salon, smtp: Any) -> None:  # noqa: F811
    port = free_port()
    configure(demo, port, consultants={"小李": "xiaoli@example.com", "小周": "xiaozhou@example.com",
                                       "小陈": "xiaochen@example.com"})
    down = demo("mail")
    assert down.code == 75 and len(down.err.splitlines()) == 1  # the server is down
    assert "4 messages will be sent by the next run" in down.err
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert demo("mail").code == 0
        assert sorted(m["To"] for m in inbox.messages) == [
            "owner@example.com", "xiaochen@example.com", "xiaoli@example.com",
            "xiaozhou@example.com"]
        again = demo("mail")
        assert (again.code, again.out, again.err) == (0, "", "")
        assert len(inbox.messages) == 4
    finally:
        controller.stop()


def test_check_reads_the_outbox_too(salon: Salon) -> None:
    salon.write("outbox/2026-11.yaml", """
        - {day: 2026-11-24, to: owner@example.com, message_id: '<x@y>', status: pending}
        - {day: 2026-11-24, to: owner@example.com, message_id: '<x@y>', status: lost}
    """)
    result = salon("check")
    assert result.code == 65
    assert result.err.splitlines()[1:] == [f"{salon.root}/outbox/2026-11.yaml:2:3: status must "
                                           "be one of pending, sent, failed, unknown"]


def test_the_evening_report_goes_once_and_apart_from_the_sheet(busy: Salon, smtp: Any) -> None:
    inbox = Inbox()
    configure(busy, smtp(inbox), consultants={})
    busy.ok("call", "log", "wang", "--outcome", "reached")
    busy.ok("report", "day", "--note", "空调坏了，已报修")
    printed = busy.ok("mail", "--report", "--dry-run")
    assert "Subject: " in printed and "calls made" in printed and "空调坏了" in printed
    assert inbox.messages == []
    assert busy("mail", "--report").code == 0
    [report] = inbox.messages
    assert report["To"] == "owner@example.com" and report["Message-ID"].startswith("<report.")
    body = report.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "calls made" in body and "空调坏了，已报修" in body
    again = busy("mail", "--report")
    assert (again.code, again.err, len(inbox.messages)) == (0, "", 1)  # once a day
    assert busy("mail").code == 0  # the morning sheet is its own mail
    assert len(inbox.messages) == 2 and inbox.messages[1]["Message-ID"].startswith("<callsheet.")
    assert busy("check").code == 0


def test_a_chinese_salons_cron_mail_hears_delivery_trouble_in_chinese(busy: Salon) -> None:
    configure(busy, free_port(), consultants={})  # nothing listens there
    busy.lang = None  # the salon's own language, as cron runs it
    result = busy("mail")
    assert result.code == 75
    assert result.err.startswith("salonctl: 连不上邮件服务器：")
    assert "cannot reach" not in result.err


def test_the_evening_report_fits_a_phone_in_the_salons_language(busy: Salon, smtp: Any) -> None:
    inbox = Inbox()
    configure(busy, smtp(inbox), consultants={})
    busy.lang = None  # a Chinese salon, as cron runs it
    busy.ok("call", "log", "wang", "--outcome", "reached")
    busy.ok("report", "day", "--note", "空调坏了 <已报修> & 明天到")
    assert busy("mail", "--report").code == 0
    [report] = inbox.messages
    page = report.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<pre" not in page and "max-width:360px" in page
    assert "空调坏了 &lt;已报修&gt; &amp; 明天到" in page  # the note, escaped
    plain = report.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    labels = [line.split("  ")[0].strip() for line in plain.splitlines()[2:] if "  " in line]
    assert labels and all(f">{label}</td>" in page for label in labels)
    assert "calls made" not in plain  # the salon's language, not English
