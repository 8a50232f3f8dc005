"""A cache of parsed, validated files, so a large salon does not re-parse old history.

PyYAML needs ~140 µs an entry even with libyaml: 300,000 journal entries take over a
minute. Past months never change, so each file's validated records are kept in
`.cache/<file>.json`, keyed by the SHA-256 of the file's bytes: any edit, by salonctl or by
hand, changes the digest and the file is parsed again. Only valid files are cached, so
problems are always found by the real parser. JSON rather than pickle: a salon folder may
come from elsewhere, and a cache must never be able to run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import types
import typing
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from salonctl import __version__
from salonctl.disk import fsutil
from salonctl.engine import model
from salonctl.errors import StoreIOError

CACHE_DIR = ".cache"
_FORMAT = f"salonctl {__version__} cache 3"
TYPES: dict[str, type[Any]] = {cls.__name__: cls for cls in (
    model.Client, model.Visit, model.Appointment, model.Cancellation, model.Card, model.CardTopUp,
    model.Course, model.Call, model.Complaint, model.ComplaintClosed, model.Correction,
)}

Record = tuple[Any, int]  # a model value and the line its record starts on


def _path(root: Path, source: Path) -> Path:
    return root / CACHE_DIR / (str(source.relative_to(root)).replace("/", "__") + ".json")


def load(root: Path, source: Path, digest: str) -> list[Record] | None:
    try:
        fsutil.refuse_link(_path(root, source))  # a cache reached through a link is no cache
        data = json.loads(_path(root, source).read_bytes())
        if data["format"] != _FORMAT or data["digest"] != digest:
            return None
        return [(decode(TYPES[name], fields), line) for name, fields, line in data["records"]]
    except (OSError, StoreIOError, ValueError, KeyError, TypeError):
        return None  # no cache, or one we cannot use: parse the file


def save(root: Path, source: Path, digest: str, records: list[Record]) -> None:
    payload = {
        "format": _FORMAT, "digest": digest,
        "records": [[type(value).__name__, _encode(value), line] for value, line in records],
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_json)
    with contextlib.suppress(StoreIOError, OSError):  # a cache that cannot be written is no cache
        fsutil.ensure_dir(root / CACHE_DIR)
        fsutil.write_atomic(_path(root, source), text.encode("utf-8"))


def encode_json(value: Any) -> str:
    """One record as compact JSON (its fields that differ from their defaults)."""
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":"), default=_json)


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encode(value)
    raise TypeError(type(value).__name__)


def _encode(value: Any) -> dict[str, Any]:
    """Its fields that differ from their defaults (a record keeps only what was said)."""
    fields = vars(value)
    return {name: fields[name] for name, default in _defaults(type(value))
            if fields[name] != default}


_DEFAULTS: dict[type[Any], list[tuple[str, Any]]] = {}


def _defaults(cls: type[Any]) -> list[tuple[str, Any]]:
    if cls not in _DEFAULTS:
        _DEFAULTS[cls] = [(f.name, f.default) for f in dataclasses.fields(cls)]
    return _DEFAULTS[cls]


def decode(cls: type[Any], fields: dict[str, Any]) -> Any:
    """A model value from its JSON fields (`fields` is used up: converted in place)."""
    for name, convert in _converters(cls):
        if name in fields:
            fields[name] = convert(fields[name])
    return cls(**fields)


_CONVERTERS: dict[type[Any], list[tuple[str, Callable[[Any], Any]]]] = {}


def _converters(cls: type[Any]) -> list[tuple[str, Callable[[Any], Any]]]:
    """The fields of `cls` whose JSON form is not already the value (dates, amounts...)."""
    if cls not in _CONVERTERS:
        hints = typing.get_type_hints(cls)
        found = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls)]
        _CONVERTERS[cls] = [(name, convert) for name, convert in found if convert is not None]
    return _CONVERTERS[cls]


def _converter(hint: Any) -> Callable[[Any], Any] | None:
    """How to turn a JSON value back into a field of this type (None: it already is one)."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        inner = _converter(args[0])
        return None if inner is None else (lambda value: None if value is None else inner(value))
    if hint is date:
        return date.fromisoformat
    if hint is Decimal:
        return Decimal
    if typing.get_origin(hint) is tuple:
        item = _converter(args[0])
        return tuple if item is None else (lambda values: tuple(item(v) for v in values))
    if dataclasses.is_dataclass(hint):
        return lambda value: decode(hint, value)  # type: ignore[arg-type]
    return None
