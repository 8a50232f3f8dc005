"""What a use case is given by the command that runs it: the salon (as read for a command
that writes, or leniently for one that only reads) and the day it counts as today."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from salonctl.files import store


class Run(Protocol):
    """One run of a command, as the use cases see it (the command line's `State` is one)."""

    def salon(self) -> store.Salon: ...

    def reading(self) -> store.Salon: ...

    def today(self) -> date: ...
