"""`salonctl mail`: the day's call sheet by e-mail, exactly once, for cron."""

from __future__ import annotations

import os
import stat
import sys
import time
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salonctl import clock, lazy
from salonctl.cli.app import app
from salonctl.cli.common import State, WhenArg, arg, echo_warnings, parse_when, state
from salonctl.disk import fsutil, lock
from salonctl.engine import model
from salonctl.errors import EXIT_PROTOCOL, EXIT_TEMPFAIL, EXIT_UNAVAILABLE, UsageError
from salonctl.files import outbox, parsing
from salonctl.i18n import _, ngettext
from salonctl.service.day import DaySheet, checked_scripts, day_engine, day_sheet, product_areas, unreadable

if TYPE_CHECKING:
    from salonctl.mail import message as mail
else:  # loaded by the command that runs them, not by --help
    mail = lazy.module("salonctl.mail.message")

DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
MAIL_LOCK = ".mail.lock"
# The exit code of a run: the most serious outcome among its recipients.
EXIT_FOR = {"permanent": EXIT_UNAVAILABLE, "unknown": EXIT_PROTOCOL, "temporary": EXIT_TEMPFAIL}


@app.command("mail")
def mail_command(
    ctx: typer.Context,
    when: WhenArg = "today",
    to: Annotated[list[str] | None, typer.Option(
        "--to", help="Send to this address instead (repeatable).")] = None,
    consultant: Annotated[str | None, typer.Option(help="Only her clients' calls.")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print the messages instead of sending them.")] = False,
    resend: Annotated[bool, typer.Option(
        "--resend", help="Send again what was already sent (same Message-ID).")] = False,
    smtp_host: Annotated[str | None, typer.Option("--smtp-host", help="SMTP server.")] = None,
    smtp_port: Annotated[int | None, typer.Option("--smtp-port", help="SMTP port.")] = None,
    security: Annotated[str | None, typer.Option(
        "--security", help="starttls, ssl or none (a local relay).")] = None,
    smtp_user: Annotated[str | None, typer.Option("--smtp-user", help="SMTP login.")] = None,
    sender: Annotated[str | None, typer.Option("--from", help="The sender address.")] = None,
    report: Annotated[bool, typer.Option(
        "--report", help="Mail the day's report (report day) to mail.to instead of the call "
                         "sheet: for an evening cron line; once a day, like the sheet.")] = False,
) -> None:
    """Mail the day's call sheet: nothing on stdout when it is sent; exit 75 to try later."""
    run = state(ctx)
    day = arg(lambda v: parse_when(v, run.today()), when, "WHEN")
    settings = run.salon().settings()
    config = settings.mail
    from_address = _sender(sender, config)
    if report:
        if consultant is not None:
            raise UsageError(_("--consultant: the day's report goes to mail.to (or --to), whole"))
        _mail_report(run, day, settings, from_address, to, dry_run, resend,
                     _server(config.smtp, smtp_host, smtp_port, security, smtp_user)
                     if not dry_run else None)
        return
    recipients = _recipients(to, consultant, config)
    work = day_engine(run.reading(), day)
    view = work.view
    whole = day_sheet(view, work.rules, checked_scripts(run.salon(), work.rules), day, work=work,
                      areas=product_areas(run.salon()))
    whole.unreadable = unreadable(run.salon(), view)
    messages = [(r, mail.build(settings, mine, from_address, r, clock.now()))
                for r in recipients
                if (mine := _sheet_for(r, whole)).records or config.when_empty == "notice"]
    if dry_run:
        for _recipient, message in messages:
            print(_readable(message))
        return
    server = _server(config.smtp, smtp_host, smtp_port, security, smtp_user)
    code = _send_all(run, day, messages, server, config, resend)
    if code:
        raise typer.Exit(code)


def _mail_report(run: State, day: date, settings: model.Settings, sender: str,
                 to: list[str] | None, dry_run: bool, resend: bool,
                 server: mail.Server | None) -> None:
    from salonctl.service.reports import report_lines, report_record, report_text

    recipients = [mail.Recipient(arg(parsing.parse_email, a, "--to"), None) for a in to] if to \
        else [mail.Recipient(address, None) for address in settings.mail.to]
    if not recipients:
        raise UsageError(_("--report: no one to send it to; set mail.to in salon.yaml or give "
                           "--to"))
    record = report_record(run, "day", day)
    title, text = report_text(record)
    page = mail.report_html(*report_lines(record))
    subject = f"{settings.name} · {title}"
    messages = [(r, mail.build_report(settings, day, subject, text, sender, r, clock.now(), page))
                for r in recipients]
    if dry_run or server is None:
        for _recipient, message in messages:
            print(_readable(message))
        return
    code = _send_all(run, day, messages, server, settings.mail, resend, kind="report")
    if code:
        raise typer.Exit(code)


def _sender(given: str | None, config: model.MailSettings) -> str:
    if given is not None:
        return arg(parsing.parse_email, given, "--from")
    if config.sender is None:
        raise UsageError(_("--from: no sender; give --from or set mail.from in salon.yaml"))
    return config.sender


def _recipients(to: list[str] | None, consultant: str | None,
                config: model.MailSettings) -> list[mail.Recipient]:
    if to:
        return [mail.Recipient(arg(parsing.parse_email, a, "--to"), consultant) for a in to]
    addresses = dict(config.consultants)
    if consultant is not None:
        if consultant not in addresses:
            raise UsageError(_("--consultant: no address for {name} in mail.consultants of "
                               "salon.yaml; give --to").format(name=repr(consultant)))
        return [mail.Recipient(addresses[consultant], consultant)]
    found = [mail.Recipient(a) for a in config.to]
    found += [mail.Recipient(address, name) for name, address in config.consultants]
    if not found:
        raise UsageError(_("--to: no recipients; give --to or set mail.to in salon.yaml"))
    return found


def _sheet_for(recipient: mail.Recipient, whole: DaySheet) -> DaySheet:
    """The owner gets every caller's sheet; a consultant her own."""
    if recipient.consultant is None:
        return whole
    mine = recipient.consultant
    return DaySheet(whole.day, [r for r in whole.records if mine in (r["caller"], r["consultant"])],
                    {c: n for c, n in whole.waiting.items() if c == mine}, whole.unreadable)


def _readable(message: EmailMessage) -> str:
    """The message as it will be sent: its headers, then each part decoded."""
    lines = [f"{key}: {value}" for key, value in message.items()
             if not key.lower().startswith(("content-", "mime-"))]
    for part in message.iter_parts():
        lines += ["", f"--- {part.get_content_type()} ---", part.get_content().rstrip()]
    return "\n".join(lines) + "\n"


def _server(smtp: model.SmtpSettings, host: str | None, port: int | None, security: str | None,
            user: str | None) -> mail.Server:
    mode = security or smtp.security
    if mode not in DEFAULT_PORTS:
        raise UsageError(_("--security: {mode} is not one of: starttls, ssl, none").format(
            mode=repr(mode)))
    login = user or smtp.user
    return mail.Server(
        host=host or smtp.host, port=port or smtp.port or DEFAULT_PORTS[mode], security=mode,
        user=login, password=_password(smtp) if login else None, timeout=smtp.timeout,
        ca_file=smtp.ca_file,
    )


DEFAULT_PASSWORD_ENV = "SALONCTL_SMTP_PASSWORD"  # noqa: S105 - a variable's name, not a password


def _password(smtp: model.SmtpSettings) -> str:
    """From the variable named in smtp.password_env (SALONCTL_SMTP_PASSWORD when none is
    named, as the README's crontab sets it), or a file only its owner may read."""
    variable = smtp.password_env or DEFAULT_PASSWORD_ENV
    if os.environ.get(variable):
        return os.environ[variable]
    if smtp.password_file:
        path = Path(smtp.password_file).expanduser()
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                raise UsageError(_("smtp.password_file: {path} can be read by others (mode "
                                   "{mode}); chmod 600 {path}").format(path=path, mode=f"{mode:o}"))
            return path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise UsageError(_("smtp.password_file: cannot read {path}: {reason}").format(
                path=path, reason=error.strerror)) from None
    raise UsageError(_("smtp.user is set but there is no password: set {variable} (or the "
                       "variable named in smtp.password_env), or smtp.password_file").format(
        variable=variable))


def _send_all(run: State, day: date, messages: list[tuple[mail.Recipient, EmailMessage]],
              server: mail.Server, config: model.MailSettings, resend: bool,
              kind: str = "sheet") -> int:
    salon = run.salon()
    wait = float(os.environ.get("SALONCTL_LOCK_WAIT", 10))
    failures: list[str] = []
    with lock.locked(salon.root, "mail", wait, name=MAIL_LOCK):
        sent_before = outbox.states(salon.root, day, kind)
        waiting = [(r, m) for r, m in messages if _due_to_send(sent_before.get(r.address), resend,
                                                               day, r, failures)]
        for number, (recipient, message) in enumerate(waiting):
            result = _send_one(salon.root, day, recipient, message, server, config, kind)
            if result.outcome == "sent":
                continue
            failures.append(result.outcome)
            if result.unreachable:  # the others would fail the same way: one line, stop
                left = len(waiting) - number
                print("salonctl: " + ngettext(
                    "{detail}; {count} message will be sent by the next run",
                    "{detail}; {count} messages will be sent by the next run", left).format(
                    detail=result.detail, count=left), file=sys.stderr)
                break
            advice = {"temporary": _("will be sent by the next run"),
                      "permanent": _("not retried"),
                      "unknown": _("not resent; check, then run with --resend")}[result.outcome]
            print(f"salonctl: {recipient.address}: {result.detail}; {advice}", file=sys.stderr)
    echo_warnings(salon)
    worst = [o for o in ("permanent", "unknown", "temporary") if o in failures]
    return EXIT_FOR[worst[0]] if worst else 0


def _due_to_send(previous: outbox.Entry | None, resend: bool, day: date,
                 recipient: mail.Recipient, failures: list[str]) -> bool:
    """Sent already: not again (unless --resend). Refused (5xx): tried again by the next
    run, once within it (the setting may have been fixed meanwhile). Unknown: not blindly,
    and say so. A run stopped while sending (its "pending" step stands alone): sent again
    with the same Message-ID, which a mail program shows once."""
    if previous is None or resend or previous.status == "failed":
        return True
    if previous.status == "pending":
        if previous.note is None:
            print("salonctl: " + _("{address}: a run was stopped while sending the {day} "
                                   "sheet; sending it again with the same Message-ID (a mail "
                                   "program shows it once)").format(
                address=recipient.address, day=day), file=sys.stderr)
        return True
    if previous.status == "unknown":
        failures.append("unknown")
        print("salonctl: " + _("{address}: the {day} sheet may have arrived (no answer after "
                               "it was sent); check, then run with --resend").format(
            address=recipient.address, day=day), file=sys.stderr)
    return False


def _send_one(root: Path, day: date, recipient: mail.Recipient, message: EmailMessage,
              server: mail.Server, config: model.MailSettings, kind: str) -> mail.Delivery:
    """Send with retries and backoff, recording each step in the outbox."""
    sender = str(message["From"])  # the envelope sender is the one the message names
    entry = outbox.Entry(day, recipient.address, str(message["Message-ID"]), "pending",
                         kind=kind)
    outbox.record(root, entry)
    data = message.as_bytes()
    for attempt in range(config.retries):
        result = mail.deliver(server, sender, recipient.address, data)
        fsutil.fault("after-send", root / outbox.OUTBOX_DIR)  # the crash tests: sent, unsaid
        if result.outcome != "temporary" or attempt == config.retries - 1:
            break
        time.sleep(config.retry_delay * 2 ** attempt)
    status = {"sent": "sent", "permanent": "failed", "unknown": "unknown",
              "temporary": "pending"}[result.outcome]
    outbox.record(root, outbox.Entry(day, recipient.address, entry.message_id, status,
                                     result.detail, kind))
    return result
