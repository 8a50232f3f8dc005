"""Modules imported on first use, so a command loads only what it runs.

Every command module registers its commands at start-up, for `--help` and for the parser;
importing the engine, the planner and the mail stack there would make `salonctl --help`
and every other command pay for all of them (about a third of a second on an old PC). A
command module names those modules through `module()` instead: the name is bound at once
and the module runs on its first attribute access. Type checkers see the real import under
`TYPE_CHECKING`.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def module(name: str) -> ModuleType:
    """The module `name`, run the first time one of its attributes is read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # pragma: no cover - a broken installation
        raise ImportError(f"no module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    found = importlib.util.module_from_spec(spec)
    sys.modules[name] = found
    loader.exec_module(found)
    return found
