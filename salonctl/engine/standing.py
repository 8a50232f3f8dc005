"""What stands for a client on a day that her script must not contradict: her last visit,
a booking from that day on, an open complaint. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from salonctl.engine.anchors import SalonView


@dataclass(frozen=True)
class Circumstances:
    """What the script must not contradict: her last visit, a booking, an open complaint."""

    last_visit: date | None = None
    booked: bool = False
    complaint_open: bool = False


def circumstances_of(view: SalonView, client_id: str, day: date) -> Circumstances:
    """What stands for her on `day`: her last visit, a booking from that day on, an open
    complaint."""
    book = view.book(client_id)
    visits = [v.date for v in book.visits if v.date <= day]
    booked = any(a.date >= day and (a.booked is None or a.booked <= day) for a in book.appointments)
    complaint_open = any(c.date <= day and not (c.id in view.closed and view.closed[c.id] <= day)
                         for c in book.complaints)
    return Circumstances(visits[-1] if visits else None, booked, complaint_open)


