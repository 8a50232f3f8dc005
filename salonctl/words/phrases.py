"""The call sheet's interface words, in one table, translated through the gettext catalog
(salonctl/locale/zh_CN.po): the sheet and the e-mail speak the salon's language, whatever
the command line speaks. A message is a `str.format` pattern; one that depends on a number
has a form for one and a form for many (English needs both, Chinese one).
"""

from __future__ import annotations

from typing import Any

from salonctl import i18n
from salonctl.i18n import N_, N_plural

WORDS: dict[str, str | tuple[str, str]] = {
    'sheet-title': N_('{salon} · calls for {day} · {count}'),
    'caller-heading': N_('{caller} · {count}'),
    'title-messages': N_plural(' · {count} message', ' · {count} messages'),
    'messages-heading': N_plural('{caller} · {count} message to send (no call needed)',
                                 '{caller} · {count} messages to send (no call needed)'),
    'message-group': N_plural('{reasons} · to {count} client', '{reasons} · to {count} clients'),
    'recipient': N_('{name} ({how})'),
    'salutation-slot': N_('[her name]'),
    'waiting': N_plural("{caller}: {count} more call waits beyond today's limit "
                        "(salonctl due --all shows it)",
                        "{caller}: {count} more calls wait beyond today's limit "
                        "(salonctl due --all shows them)"),
    'nothing-due': N_('{title}: nothing due'),
    'closed': N_(' (the salon is closed)'),
    'no-calls-mail': N_('No calls are due today.'),
    'column-client': N_('client'),
    'column-why': N_('why · what to say'),
    'held': N_('{rank} held'),
    'overdue': N_plural('{count} day overdue',
                          '{count} days overdue'),
    'last-day': N_('last day'),
    'tries': N_plural('{count} try, no answer',
                        '{count} tries, no answer'),
    'reply-by': N_('reply {deadline}'),
    'reply-late': N_plural('reply {count} day late', 'reply {count} days late'),
    'notes': N_(' ({notes})'),
    'also': N_('Also: {topics}'),
    'calendar': N_('{salon} · calls'),
    'calendar-event': N_('Call {name} · {phone}'),
    'next-prompt': N_('r reached  n no answer  c not convenient  x refused  w wrong number  '
                      's skip  q quit > '),
    'next-when': N_('Call back when? (tomorrow / +3d / friday / YYYY-MM-DD; Enter: next open day) > '),
    'next-done': N_plural('{made} call made, {reached} reached, {left} left',
                            '{made} calls made, {reached} reached, {left} left'),
    'unreadable': N_('could not work out {who}: fix {where} (salonctl check says more)'),
}


# Punctuation between listed things, which is a convention of the language, not a message.
JOINERS = {
    "zh-CN": {"notes-join": "，", "topics-join": "；", "products-join": "、",
              "recipients-join": "、"},
    "en": {"notes-join": "; ", "topics-join": "; ", "products-join": ", ", "recipients-join": ", "},
}


CHANNELS = (N_("channel|phone"), N_("channel|sms"), N_("channel|wechat"), N_("channel|email"))


def channel(language: str, name: str) -> str:
    """How to reach her (phone, wechat...) as the sheet says it in `language`."""
    return i18n.word("channel", name, language)


def say(language: str, key: str, count: int | None = None, **values: Any) -> str:
    """The message `key` in `language`, filled; `count` picks one or many."""
    if key in JOINERS["en"]:
        return JOINERS.get(language, JOINERS["en"])[key]
    message = WORDS[key]
    speaker = i18n.translator(language)
    if isinstance(message, tuple):
        number = count if count is not None else values.get("made", 0)
        pattern = speaker.ngettext(message[0], message[1], number)
    else:
        pattern = speaker.gettext(message)
    return pattern.format(count=count, **values)
