"""The only module that reads the wall clock; everything else is handed `today`."""

from __future__ import annotations

from datetime import date


def local_today() -> date:
    return date.today()
