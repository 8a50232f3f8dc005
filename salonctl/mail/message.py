"""The morning call sheet by e-mail: build the message (pure), deliver it (thin SMTP I/O).

The plain-text and HTML parts come from the same records as the terminal sheet: plain lines
a client, and cards a client for a phone's screen, every piece of client text escaped so it
never becomes markup in a mail client.

Delivery tells apart what a cron job must treat differently:
- temporary: refused connection, timeout or 4xx before the message was handed over: try
  again later, it is safe;
- permanent: 5xx or a failed login: retrying will not help;
- unknown: the message was handed over but no final answer came: it may have arrived, so it
  is not sent again blindly.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime
from typing import Any, Literal, Protocol

from salonctl.engine import model
from salonctl.i18n import _
from salonctl.words import sheet
from salonctl.words.phrases import say

Outcome = Literal["sent", "temporary", "permanent", "unknown"]


@dataclass(frozen=True)
class Recipient:
    address: str
    consultant: str | None = None  # None: the whole sheet


def message_id(salon: str, day: date, address: str, sender: str, kind: str = "callsheet") -> str:
    """The same salon, day, recipient and kind of mail always give the same Message-ID, so a
    resent sheet is recognised by mail clients as the same message."""
    digest = hashlib.sha256(f"{salon}\n{day.isoformat()}\n{address}".encode()).hexdigest()[:24]
    domain = sender.rpartition("@")[2] or "salonctl.invalid"
    return f"<{kind}.{day:%Y%m%d}.{digest}@{domain}>"


def report_html(title: str, figures: list[tuple[str, str]], notes: list[str]) -> str:
    """The day report as a phone shows it: a narrow two-column table, no fixed-width text
    (a <pre> block was 451 px wide, wider than a phone's 360)."""
    cell = "padding:4px 0;border-bottom:1px solid #eee"
    rows = "".join(
        f'<tr><td style="{cell};color:#555">{html.escape(label)}</td>'
        f'<td style="{cell};text-align:right;font-weight:bold">{html.escape(value)}</td></tr>'
        for label, value in figures)
    said = "".join(f'<p style="margin:8px 0 0">{html.escape(note)}</p>' for note in notes)
    return (f'<div style="max-width:360px;font-family:sans-serif;font-size:15px;'
            f'line-height:1.4;word-wrap:break-word">'
            f'<h3 style="font-size:16px;margin:0 0 8px">{html.escape(title)}</h3>'
            f'<table style="width:100%;border-collapse:collapse">{rows}</table>{said}</div>')


def build_report(settings: model.Settings, day: date, title: str, text: str, sender: str,
                 recipient: Recipient, sent_at: datetime, html_body: str | None = None
                 ) -> EmailMessage:
    """The evening's day report for one recipient, as plain text and as HTML that fits a
    phone (`html_body`; else the text's lines as they are)."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["Subject"] = title
    message["From"] = sender
    message["To"] = recipient.address
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id(settings.name, day, recipient.address, sender, "report")
    message.set_content(text)
    message.add_alternative(html_body or f"<pre>{html.escape(text)}</pre>", subtype="html")
    return message


class SheetLike(Protocol):
    day: date
    records: list[dict[str, Any]]
    waiting: dict[str, int]
    unreadable: list[str]


def build(settings: model.Settings, day_sheet: SheetLike, sender: str, recipient: Recipient,
          sent_at: datetime) -> EmailMessage:
    """The message for one recipient: the sheet as plain lines and as HTML cards that read
    on a phone (a box table does not)."""
    day, records = day_sheet.day, day_sheet.records
    message = EmailMessage(policy=SMTP_POLICY)
    title = sheet.sheet_title(settings, day, records)
    message["Subject"] = title
    message["From"] = sender
    message["To"] = recipient.address
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id(settings.name, day, recipient.address, sender)
    language = settings.language
    empty = say(language, "no-calls-mail")
    notes = (day_sheet.waiting, day_sheet.unreadable)
    message.set_content(sheet.sheet_text(title, records, *notes, language, empty))
    message.add_alternative(sheet.sheet_html(title, records, *notes, language, empty),
                            subtype="html")
    return message


# --- delivery ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    detail: str
    unreachable: bool = False  # no connection at all: the next messages would fail too


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    timeout: float
    ca_file: str | None = None


def _classify(code: int, reply: bytes | str, step: str) -> Delivery:
    said = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    text = f"{code} {said.strip()} ({step})"
    return Delivery("temporary" if 400 <= code < 500 else "permanent", text)


def _context(server: Server) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=server.ca_file)


def _connect(server: Server) -> smtplib.SMTP:
    if server.security == "ssl":
        return smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout,
                                context=_context(server))
    connection = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    if server.security == "starttls":
        connection.starttls(context=_context(server))
    return connection


def _login(connection: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH PLAIN when offered (one round trip, and a refusal is final); smtplib's login()
    would go on to try other mechanisms after a refusal."""
    offered = connection.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" not in offered:
        connection.login(user, password)
        return
    connection.user, connection.password = user, password
    connection.auth("PLAIN", connection.auth_plain)


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA section: CRLF line ends, leading dots doubled, the final '.' line."""
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    body = b"\r\n".join(b"." + line if line.startswith(b".") else line for line in lines)
    return body + (b"" if body.endswith(b"\r\n") else b"\r\n") + b".\r\n"


def deliver(server: Server, sender: str, recipient: str, data: bytes) -> Delivery:
    """One attempt to hand one message to the server."""
    handed_over = False
    try:
        connection = _connect(server)
    except (OSError, smtplib.SMTPException) as error:
        return _before_data(error)
    try:
        connection.ehlo_or_helo_if_needed()
        if server.user:
            _login(connection, server.user, server.password or "")
        code, reply = connection.mail(sender)
        if code != 250:
            return _classify(code, reply, "MAIL FROM")
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            return _classify(code, reply, f"RCPT TO {recipient}")
        code, reply = connection.docmd("DATA")
        if code != 354:
            return _classify(code, reply, "DATA")
        connection.send(_dot_stuffed(data))
        handed_over = True
        code, reply = connection.getreply()
        if code != 250:
            return _classify(code, reply, "end of data")
        return Delivery("sent", f"{code} {reply.decode(errors='replace').strip()}")
    except smtplib.SMTPAuthenticationError as error:
        return Delivery("permanent", _("{code} login refused for {user}").format(
            code=error.smtp_code, user=server.user))
    except (OSError, smtplib.SMTPException) as error:
        if handed_over:
            return Delivery("unknown", _("no answer after the message was sent ({error})")
                            .format(error=error))
        return _before_data(error)
    finally:
        with contextlib.suppress(OSError):
            connection.close()


def _before_data(error: Exception) -> Delivery:
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return Delivery("permanent", _("TLS failed: {error}").format(error=error))
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return Delivery("permanent", _("the server does not support it: {error}").format(
            error=error))
    if isinstance(error, smtplib.SMTPResponseException):
        return _classify(error.smtp_code, error.smtp_error, "connect")
    if isinstance(error, socket.timeout | TimeoutError):
        return Delivery("temporary", _("the server did not answer in time"), unreachable=True)
    return Delivery("temporary", _("cannot reach the server: {error}").format(error=error),
                    unreachable=True)
