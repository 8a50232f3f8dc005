"""The interface in the salon's language, through gettext catalogs.

Messages are written in English in the code (`_("...")`, `ngettext(one, many, n)`); the
Chinese catalog is `salonctl/locale/zh_CN.po`, a plain gettext file translators and
`msgfmt` know. It is read when first needed (a few hundred entries, about a millisecond),
so there is no build step and no compiled file to forget.

The language is chosen once per run (`use`): `--lang`, else the salon's `language` in
salon.yaml, else `LANG`; sheets and e-mails are rendered in the salon's language whatever
the interface speaks (`translator(language)`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("zh-CN", "en")
_CATALOG_FILE = {"zh-CN": "zh_CN.po"}


@dataclass
class Translator:
    """One language's messages; English is the messages as written."""

    language: str
    singular: dict[str, str] = field(default_factory=dict)
    plural: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def gettext(self, message: str) -> str:
        return self.singular.get(message) or message

    def ngettext(self, one: str, many: str, count: int) -> str:
        forms = self.plural.get((one, many))
        if forms and forms[0]:
            return forms[0]  # Chinese has one form for every number
        return one if count == 1 else many


@functools.cache
def translator(language: str) -> Translator:
    name = _CATALOG_FILE.get(language)
    found = Translator(language)
    if name is None:
        return found
    for entry in read_po((LOCALE_DIR / name).read_text("utf-8")):
        if entry.plural is None:
            found.singular[entry.msgid] = entry.translations[0] if entry.translations else ""
        else:
            found.plural[(entry.msgid, entry.plural)] = entry.translations
    return found


_active = translator("en")


def use(language: str) -> None:
    """Speak `language` from now on in this run."""
    global _active
    _active = translator(language if language in LANGUAGES else "en")


def active() -> str:
    return _active.language


def _(message: str) -> str:
    return _active.gettext(message)


def ngettext(one: str, many: str, count: int) -> str:
    return _active.ngettext(one, many, count)


def N_(message: str) -> str:
    """Marks a message kept for later translation (a table of messages, say)."""
    return message


def word(kind: str, value: str, language: str | None = None) -> str:
    """One of salonctl's own words as data holds it (a status: "booked", "open"), in the
    active language (or `language`). Its message is "KIND|VALUE" (`N_("status|open")`), so
    the same English word can say different things (a status "closed", a column "closed");
    English shows the value as it is."""
    message = f"{kind}|{value}"
    spoken = (translator(language) if language else _active).gettext(message)
    return value if spoken == message else spoken


def N_plural(one: str, many: str) -> tuple[str, str]:
    """Marks a message with a singular and a plural form, translated later."""
    return one, many


def from_environment(environ: dict[str, str] | os._Environ[str],
                     platform: str = sys.platform) -> str:
    """The language the system asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): Chinese for
    zh_*, else English. Windows sets none of them: there the user's locale says it."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value and value not in ("C", "POSIX"):
            return "zh-CN" if value.lower().startswith("zh") else "en"
    if platform == "win32":
        return "zh-CN" if _windows_locale_is_chinese() else "en"
    return "en"


def _windows_locale_is_chinese() -> bool:
    """Windows names its locale 'Chinese (Simplified)_China' (or zh_CN, by the C runtime):
    either is Chinese."""
    import locale

    with contextlib.suppress(ValueError, TypeError):
        name = locale.getlocale()[0] or ""
        return name.lower().startswith(("zh", "chinese"))
    return False


# --- the .po format ----------------------------------------------------------------------


@dataclass
class PoEntry:
    msgid: str
    plural: str | None = None
    translations: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


_KEYWORD = re.compile(r'(msgid|msgid_plural|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def read_po(text: str) -> list[PoEntry]:
    """The entries of a .po file (the header, msgid "", is left out)."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int] | None = None
    comments: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comments.append(stripped)
            continue
        found = _KEYWORD.match(stripped)
        if found:
            keyword, index, value = found[1], found[2], _unquote(found[3])
            if keyword == "msgid":
                current = PoEntry(value, comments=comments)
                comments = []
                entries.append(current)
                target = ("msgid", 0)
            elif current is not None and keyword == "msgid_plural":
                current.plural, target = value, ("plural", 0)
            elif current is not None:
                position = int(index or 0)
                current.translations += [""] * (position + 1 - len(current.translations))
                current.translations[position] = value
                target = ("msgstr", position)
        elif stripped.startswith('"') and current is not None and target is not None:
            _extend(current, target, _unquote(stripped))
    return [entry for entry in entries if entry.msgid]


def _extend(entry: PoEntry, target: tuple[str, int], more: str) -> None:
    kind, position = target
    if kind == "msgid":
        entry.msgid += more
    elif kind == "plural":
        entry.plural = (entry.plural or "") + more
    else:
        entry.translations[position] += more


_ESCAPE = re.compile(r'\\(.)')
_ESCAPED = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(quoted: str) -> str:
    """A .po string literal's text (the escapes `quote` writes, and gettext's)."""
    return _ESCAPE.sub(lambda found: _ESCAPED.get(found[1], found[1]), quoted[1:-1])


def quote(text: str) -> str:
    """A .po string literal: the escapes gettext knows, UTF-8 kept as it is."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


@functools.cache
def _matcher(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", pattern)
    return re.compile("".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
                              for index, part in enumerate(parts)), re.DOTALL)


def instance_of(text: str, patterns: tuple[str, ...]) -> tuple[str, dict[str, str]] | None:
    """The first message pattern ("she visited on {day}") `text` is written from, and what
    fills its blanks: for text made in English elsewhere and shown translated here."""
    for pattern in patterns:
        found = _matcher(pattern).fullmatch(text)
        if found:
            return pattern, found.groupdict()
    return None
