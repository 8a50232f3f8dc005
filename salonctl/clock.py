"""The only module that reads the wall clock; everything else is handed `today`."""

from __future__ import annotations

from datetime import date, datetime


def local_today() -> date:
    return date.today()


def now() -> datetime:
    """The current time with its timezone (an e-mail's Date header)."""
    return datetime.now().astimezone()
