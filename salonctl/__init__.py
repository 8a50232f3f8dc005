"""salonctl: the follow-up calls a beauty salon owes its clients, over plain YAML files."""

from __future__ import annotations

__version__ = "0.1.0"  # the only place: pyproject.toml reads it from here
