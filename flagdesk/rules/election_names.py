# SPDX-License-Identifier: EUPL-1.2
"""An election's name and day in English, for notices to platforms. Pure: no Django.

The calendar holds Dutch names ("Provinciale Staten maart 2027 (datum onbevestigd)"); an
English notice names the election by its type, with the Dutch name of the body in brackets
so the platform can look it up, and the day in English with its year.
"""

from __future__ import annotations

import datetime as dt

from flagdesk.rules.dates import month_name

ENGLISH_TYPES = {
    "TK": "House of Representatives (Tweede Kamer) election",
    "EK": "Senate (Eerste Kamer) election",
    "EP": "European Parliament election",
    "PS": "Provincial Council (Provinciale Staten) elections",
    "WS": "Water Authority (Waterschappen) elections",
    "GR": "Municipal Council (Gemeenteraad) elections",
    "CN": "Island Council and electoral college elections (Caribbean Netherlands)",
}
UNCONFIRMED_MARKERS = ("onbevestigd", "unconfirmed", "not yet confirmed")


def day_is_confirmed(dutch_name: str) -> bool:
    """The calendar marks a day that is not fixed yet in the name: "(datum onbevestigd)"."""
    lowered = dutch_name.lower()
    return not any(marker in lowered for marker in UNCONFIRMED_MARKERS)


def english_day(day: dt.date, *, confirmed: bool = True) -> str:
    """``22 November 2023``; an unconfirmed day only by its month: ``March 2027 (date not yet
    confirmed)``."""
    month = month_name(day.month, "en")
    if not confirmed:
        return f"{month} {day.year} (date not yet confirmed)"
    return f"{day.day} {month} {day.year}"


def english_name(election_type: str, day: dt.date, override: str = "") -> str:
    """The election's English name: the administrator's own when given, else by its type,
    with the year (``House of Representatives (Tweede Kamer) election 2023``)."""
    if override.strip():
        return override.strip()
    base = ENGLISH_TYPES.get(election_type, "Dutch election")
    return f"{base} {day.year}"
