"""A fast reader for journals as salonctl writes them: one `- {key: value, ...}` a line
(and for client files: `- key: value` and `  key: value` lines).

PyYAML takes ~140 µs a journal line even with libyaml, most of it building nodes and
resolving each scalar; a salon with years of history has hundreds of thousands of lines.
This reader knows only the flow syntax `yamlio.dump_line` writes: mappings, lists, plain
scalars (resolved by PyYAML's own resolver, so a word means what YAML says it means),
'single' and "double" quoted strings. Anything else in a file (a comment, a block mapping,
an anchor, a float written as 1e3, an escape it does not know...) makes it answer None,
and the file is read by PyYAML as before. It gives no positions beyond each entry's line:
a file whose entries have a problem is read again by PyYAML, which says where.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Any

from salonctl.disk.yamlio import Invalid, LocatedDict, OddNumber, implicit_tag

MAX_DEPTH = 6  # salonctl writes 3 deep (an entry, its products, a product)
_DELIMITERS = re.compile(r"[,\[\]{}]")
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"')
_KEY = re.compile(r"[^\s,\[\]{}:'\"#\-?&*!|>%@`][^,\[\]{}:]*")
# How salonctl starts a plain scalar: not with space, an indicator or a quote (a minus only
# before a digit), and it ends without space.
_PLAIN_SHAPE = re.compile(r"(?:[^\s\-?:,\[\]{}#&*!|>'\"%@`]|-[0-9])(?:[^,\[\]{}]*\S)?")
_PRINTABLE = re.compile("[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
_PLAIN_INTEGER = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t", "N": "\x85",
            "L": "\u2028", "P": "\u2029", "0": "\x00", "/": "/", " ": " "}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_BOOLS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
_TAG = "tag:yaml.org,2002:"


class _Unknown(Exception):
    """Not the syntax salonctl writes: let PyYAML read the file."""


def read(text: str) -> list[Any] | None:
    """The entries of a journal's text (None: read it with PyYAML instead)."""
    if not _PRINTABLE.fullmatch(text):
        return None  # a character YAML refuses: PyYAML says which and where
    entries: list[Any] = []
    try:
        for number, line in enumerate(text.splitlines(), 1):
            if not line.startswith("- {") or not line.endswith("}"):
                return None
            value, end = _value(line, 2, 1, number)
            if end != len(line) or not isinstance(value, LocatedDict):
                return None
            entries.append(value)
    except (_Unknown, IndexError):
        return None
    return entries if entries else None


def read_block(text: str) -> list[Any] | None:
    """The records of a client file as `yamlio.dump_block` writes one: each record a
    `- key: value` line and `  key: value` lines, every value on its line (None: read it
    with PyYAML instead, e.g. a note over several lines, a comment, a folded long value)."""
    if not _PRINTABLE.fullmatch(text):
        return None
    records: list[Any] = []
    try:
        for number, line in enumerate(text.splitlines(), 1):
            if line.startswith("- "):
                record = LocatedDict()
                record.position = (number, 3)
                records.append(record)
            elif not line.startswith("  ") or not records:
                return None
            rest = line[2:]
            colon = rest.find(": ")
            if colon < 0:
                return None
            name = _key(rest[:colon])
            value, end = _value(rest, colon + 2, 1, number)
            if end != len(rest) or name in records[-1]:
                return None
            records[-1][name] = value
    except (_Unknown, IndexError):
        return None
    return records if records else None


def _value(line: str, at: int, depth: int, number: int) -> tuple[Any, int]:
    if depth > MAX_DEPTH:
        raise _Unknown
    first = line[at]
    if first == "{":
        return _mapping(line, at + 1, depth, number)
    if first == "[":
        return _sequence(line, at + 1, depth, number)
    if first == "'":
        found = _SINGLE.match(line, at)
        if found is None:
            raise _Unknown
        return found[1].replace("''", "'"), found.end()
    if first == '"':
        found = _DOUBLE.match(line, at)
        if found is None:
            raise _Unknown
        return _unescape(found[1]), found.end()
    found = _DELIMITERS.search(line, at)
    end = found.start() if found else len(line)
    return _plain(line[at:end]), end


def _mapping(line: str, at: int, depth: int, number: int) -> tuple[LocatedDict, int]:
    data = LocatedDict()
    data.position = (number, at)  # the column of its "{", 1-based
    if line[at] == "}":
        return data, at + 1
    while True:
        if line[at] in "'\"":  # a key that would read as another type is quoted
            name, colon = _value(line, at, depth + 1, number)
            if not line.startswith(": ", colon):
                raise _Unknown
        else:
            colon = line.find(": ", at)
            if colon < 0:
                raise _Unknown
            name = _key(line[at:colon])
        if name in data:
            raise _Unknown  # a key twice: PyYAML words the problem
        data[name], at = _value(line, colon + 2, depth + 1, number)
        at, closed = _after_item(line, at, "}")
        if closed:
            return data, at


@functools.lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """A key as salonctl writes them: a plain word."""
    if _KEY.fullmatch(text) is None:
        raise _Unknown
    name = _plain(text)
    if not isinstance(name, str):
        raise _Unknown
    return name


def _sequence(line: str, at: int, depth: int, number: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    if line[at] == "]":
        return items, at + 1
    while True:
        item, at = _value(line, at, depth + 1, number)
        items.append(item)
        at, closed = _after_item(line, at, "]")
        if closed:
            return items, at


def _after_item(line: str, at: int, closer: str) -> tuple[int, bool]:
    """Past the ", " before the next item, or past the closing bracket (True)."""
    if line.startswith(", ", at):
        return at + 2, False
    if line[at] == closer:
        return at + 1, True
    raise _Unknown


@functools.lru_cache(maxsize=65536)  # journals repeat their words: dates, names, services
def _plain(text: str) -> Any:
    """A plain scalar as the loader in `yamlio` constructs it."""
    if not _PLAIN_SHAPE.fullmatch(text) or ": " in text or " #" in text:
        raise _Unknown
    tag = implicit_tag(text)
    if tag == _TAG + "str":
        return text
    if tag == _TAG + "int":
        return int(text) if _PLAIN_INTEGER.fullmatch(text) and len(text) <= 30 else OddNumber(text)
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return _BOOLS[text.lower()]
    if tag == _TAG + "float" and _PLAIN_FLOAT.fullmatch(text):
        return float(text)
    if tag == _TAG + "timestamp":
        found = _DATE.fullmatch(text)
        if found:
            try:
                return date(int(found[1]), int(found[2]), int(found[3]))
            except ValueError as error:
                return Invalid(text, str(error))
    raise _Unknown  # a time of day, 1e3, .inf, a merge key...


def _unescape(body: str) -> str:
    def one(found: re.Match[str]) -> str:
        code = found[1]
        if code in _ESCAPES:
            return _ESCAPES[code]
        if code[0] in "xuU" and len(code) > 1:
            return chr(int(code[1:], 16))
        raise _Unknown

    return _ESCAPE.sub(one, body)
