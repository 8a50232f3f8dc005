"""YAML in and out, the way a person editing the files by hand expects.

In: the safe loader only, duplicate keys rejected, every mapping remembers where its keys
and values stand so a validator can say `file:line:col`. A date that does not exist
(`2026-02-30`) is kept as an `Invalid` value for the validator to report, so `check` can
list every problem of a file in one run instead of stopping at the first.

Out: block YAML for whole files (one record's lines together, keys in a fixed order,
Chinese as written), and one-line flow mappings for journals, so that every journal entry
is exactly one line whatever its text holds (PyYAML folds long or multi-line strings even
in flow style, which would break "one entry per line").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

from salonctl.errors import Problem
from salonctl.i18n import _

_BaseLoader: type[yaml.SafeLoader]
try:  # libyaml's parser is ~10x faster; the constructors stay ours either way
    _BaseLoader = yaml.CSafeLoader  # type: ignore[assignment]
    _BaseDumper: type[yaml.SafeDumper] = yaml.CSafeDumper  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader
    _BaseDumper = yaml.SafeDumper

Position = tuple[int, int]


class LocatedDict(dict[Any, Any]):
    """A mapping read from YAML that knows the 1-based line and column of each value."""

    position: Position = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.key_positions: dict[Any, Position] = {}
        self.value_positions: dict[Any, Position] = {}

    def where(self, key: Any) -> Position:
        """Where the value of `key` stands, or the mapping itself when the key is absent."""
        return self.value_positions.get(key, self.position)


@dataclass(frozen=True)
class Invalid:
    """A scalar that looked like a value of some type but is not one (e.g. 2026-02-30)."""

    text: str
    reason: str


@dataclass(frozen=True)
class OddNumber:
    """A whole number YAML 1.1 would read from 0x10, 0o17, 1_000 or 1:30 (sexagesimal): kept
    as written, for the validator to refuse; nobody means 90 by 1:30."""

    text: str


_PLAIN_INTEGER = re.compile(r"[-+]?(0|[1-9][0-9]*)")
MAX_DEPTH = 20  # lists and mappings inside each other, at most


def _position(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _DuplicateKeyError(ConstructorError):
    pass


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader with duplicate-key rejection, positions and lenient bad dates."""


def _construct_mapping(loader: _Loader, node: MappingNode) -> Iterator[LocatedDict]:
    data = LocatedDict()
    data.position = _position(node)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | bool | date) or key is None:
            raise ConstructorError(None, None, _("a key must be a plain word"), key_node.start_mark)
        if key in data:
            raise _DuplicateKeyError(
                None, None, _("duplicate key {key} (each field may appear once)").format(
                    key=repr(key)),
                key_node.start_mark,
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_positions[key] = _position(key_node)
        data.value_positions[key] = _position(value_node)


def _construct_timestamp(loader: _Loader, node: ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as error:
        return Invalid(str(node.value), str(error))


def _construct_int(loader: _Loader, node: ScalarNode) -> Any:
    text = str(node.value)
    if not _PLAIN_INTEGER.fullmatch(text) or len(text) > 30:
        return OddNumber(text)
    return int(text)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def parse(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document; a syntax error becomes a Problem at its line and column."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except RecursionError:
        data = _TOO_DEEP
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = error.problem or _("invalid YAML")
        if not isinstance(error, _DuplicateKeyError):
            reason = _("invalid YAML: {reason}").format(reason=reason)
        return None, [Problem(path, line, column, _("{reason}; fix the file and run again").format(
            reason=reason))]
    except yaml.YAMLError as error:  # e.g. a character YAML does not allow
        return None, [Problem(path, 1, 1, _("invalid YAML: {reason}").format(reason=error))]
    if data is _TOO_DEEP or _depth(data) > MAX_DEPTH:
        line, column = _first_too_deep(text)
        return None, [Problem(path, line, column, _("lists and fields are nested more than "
                                                    "{depth} deep here; no salonctl file needs "
                                                    "that").format(depth=MAX_DEPTH))]
    return data, []


_TOO_DEEP = object()


def _depth(data: Any) -> int:
    """How deep lists and mappings nest, without recursion (the data may be deep) and
    walking each container once per level (aliases share containers: a billion laughs)."""
    deepest, stack = 0, [(data, 1)]
    seen: dict[int, int] = {}
    while stack:
        item, level = stack.pop()
        if not isinstance(item, dict | list) or seen.get(id(item), 0) >= level:
            continue
        seen[id(item)] = level
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        stack += [(child, level + 1) for child in (item.values() if isinstance(item, dict)
                                                   else item)]
    return deepest


def _first_too_deep(text: str) -> Position:
    """Where nesting first passes the limit: read as events, which never recurse."""
    level = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                level += 1
                mark = event.start_mark
                if level > MAX_DEPTH and mark is not None:
                    return mark.line + 1, mark.column + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                level -= 1
    except yaml.YAMLError:
        pass
    return 1, 1


# --- writing whole files -----------------------------------------------------------------


class _BlockDumper(_BaseDumper):  # type: ignore[misc, valid-type]
    def ignore_aliases(self, data: Any) -> bool:
        """Never an anchor and alias (`&id001` ... `*id001`): two records that happened to
        share a value (one `date` object) would be coupled, so that one edit changes the
        other's lines and a slip in one costs both."""
        return True


def _represent_str(dumper: _BlockDumper, text: str) -> Node:
    # Notes written over several lines read best as a literal block; PyYAML falls back to
    # quoting by itself when a literal block cannot hold the text exactly.
    style = "|" if "\n" in text else None
    node: Node = dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)
    return node


def _represent_list(dumper: _BlockDumper, items: list[Any]) -> Node:
    flat = all(not isinstance(item, Mapping | list) for item in items)
    node: Node = dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flat)
    return node


def _represent_decimal(dumper: _BlockDumper, value: Decimal) -> Node:
    tag = "int" if value == value.to_integral_value() else "float"
    node: Node = dumper.represent_scalar(f"tag:yaml.org,2002:{tag}", _decimal_text(value))
    return node


def _represent_mapping(dumper: _BlockDumper, data: dict[Any, Any]) -> Node:
    node: Node = dumper.represent_dict(data)
    return node


_BlockDumper.add_representer(LocatedDict, _represent_mapping)
_BlockDumper.add_representer(str, _represent_str)
_BlockDumper.add_representer(list, _represent_list)
_BlockDumper.add_representer(Decimal, _represent_decimal)


def dump_block(data: Any) -> str:
    """Whole-file YAML: block style, keys in the order given, text as written."""
    return yaml.dump(
        data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False,
        default_flow_style=False, width=100,
    )


# --- writing journal lines ---------------------------------------------------------------

_RESOLVER = yaml.resolver.Resolver()
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}]*")
# What YAML allows in a document unescaped; the rest must be written as an escape.
_PRINTABLE = re.compile("[\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
_LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\x00": "\\0"}


@functools.lru_cache(maxsize=65536)  # journals repeat their words: dates, names, services
def implicit_tag(text: str) -> str:
    """What a plain scalar would be read as: a str, or an int, bool, null, date..."""
    tag: str = _RESOLVER.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag


def _plain_ok(text: str) -> bool:
    return (
        _PLAIN.fullmatch(text) is not None
        and text == text.strip()
        and ": " not in text and " #" not in text and not text.endswith(":")
        and "\t" not in text  # a tab before '#' starts a comment, and tabs confuse editors
        and _PRINTABLE.fullmatch(text) is not None
        and not any(brk in text for brk in _LINE_BREAKS)
        and implicit_tag(text) == "tag:yaml.org,2002:str"
    )


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if _PRINTABLE.fullmatch(char):
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else (
        f"\\U{code:08x}"
    )


def _flow_str(text: str) -> str:
    if _plain_ok(text):
        return text
    if _PRINTABLE.fullmatch(text) and not any(brk in text for brk in _LINE_BREAKS):
        return "'" + text.replace("'", "''") + "'"
    return '"' + "".join(_escape(char) for char in text) + '"'


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _flow(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return _flow_str(value)
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, int | date):
        return str(value) if not isinstance(value, date) else value.isoformat()
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to a journal")


def dump_line(entry: Mapping[str, Any]) -> str:
    """One journal entry as exactly one line: `- {key: value, ...}` and a newline."""
    return f"- {_flow(entry)}\n"
