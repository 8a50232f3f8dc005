"""A client's profile with her history: one JSON object, or a page for the terminal."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from salonctl import i18n
from salonctl.engine import cards, model, value
from salonctl.files import schema
from salonctl.i18n import N_, _
from salonctl.words import render

if TYPE_CHECKING:
    from rich.console import Console

HISTORY_KEYS = ("visits", "sales", "appointments", "cards", "courses", "calls", "complaints")
# Fields whose value is a word of salonctl's own, shown in the interface's language.
_WORDS = ("tier", "gender", "category")
_VALUES = (N_("female"), N_("male"), N_("new"), N_("member"), N_("guest"))


def _without(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in keys}


def client_profile(client: model.Client, history: model.History, today: date,
                   follow_up: model.FollowUp) -> dict[str, Any]:
    """The profile's fields at the top level, her last 12 months' worth, the history under
    named keys, oldest first; her cards with what is left on them."""
    mine = history.of_client(client.id)
    cancelled = mine.cancelled_ids()
    closed = {c.closes: c for c in history.closures}
    profile = schema.client_fields(client)
    worth = value.values_of([client], mine, today, follow_up)[client.id]
    profile.update(spend_12m=worth.spend, visits_12m=worth.visits, tier=worth.tier)
    profile["visits"] = [_without(schema.plain(v), "client") for v in mine.visits]
    profile["sales"] = [
        {"date": v.date, "visit": v.id, "product": p.name, "category": p.category}
        for v in mine.visits for p in v.products
    ]
    profile["appointments"] = [
        {**_without(schema.plain(a), "client"),
         "status": "cancelled" if a.id in cancelled else "booked"}
        for a in mine.appointments
    ]
    held = cards.states(mine)
    profile["cards"] = [
        {**_without(schema.plain(c), "client"), "sessions_left": held[c.id].sessions,
         "balance_left": held[c.id].balance,
         "status": cards.status(held[c.id], today)}
        for c in mine.cards]
    profile["courses"] = [_without(schema.plain(c), "client") for c in mine.courses]
    profile["calls"] = [_without(schema.plain(c), "client") for c in mine.calls]
    profile["complaints"] = [_complaint(c, closed.get(c.id)) for c in mine.complaints]
    return profile


def _complaint(complaint: model.Complaint, closure: model.ComplaintClosed | None) -> dict[str, Any]:
    return {
        **_without(schema.plain(complaint), "client"),
        "status": "closed" if closure else "open",
        "closed": closure.date if closure else None,
        "closing_note": closure.note if closure else None,
    }


# What a person reads in the terminal; JSON carries every field.
_SECTIONS: dict[str, tuple[render.Column, ...]] = {
    "cards": (*render.columns("id", "type", "until"),
              render.Column("left", lambda r: cards.left_of(r["sessions_left"], r["balance_left"]),
                            justify="right"),
              render.Column("status", lambda r: _(r["status"]))),
    "visits": (
        *render.columns("date", "services", wrap=("services",)),
        render.Column("products", lambda r: [p["name"] for p in r["products"]], wrap=True),
        render.Column("amount", lambda r: r["amount"], justify="right"),
        *render.columns("by"),
    ),
    "appointments": render.columns("date", "time", "service", "status"),
    "courses": render.columns("name", "start", "end", "check_days"),
    "calls": render.columns("date", "outcome", "rules", "callback", "note", "by", wrap=("note",)),
    "complaints": render.columns("id", "date", "text", "status", "closed", wrap=("text",)),
}


def _fact_text(key: str, value: Any) -> str:
    """A profile field's value; salonctl's own words (her tier, category...) translated."""
    if key in _WORDS:
        return _(value)
    if key == "channel":
        return i18n.word("channel", value)
    return render.cell_text(value)


def print_profile(profile: dict[str, Any], console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    for key, field in profile.items():
        if key not in HISTORY_KEYS and field not in (None, False, ""):
            facts.add_row(_(key).replace("_", " "), Text(_fact_text(key, field)))
    console.print(facts)
    for key, columns in _SECTIONS.items():
        if profile[key]:
            console.print()
            console.print(render.table(render.Listing(profile[key], columns, title=key)))
