# SPDX-License-Identifier: EUPL-1.2
"""Dates, durations, counts and lists the way a Dutch report writes them. Pure functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from flagdesk.rules import dates

MONTHS = dates.MONTHS["nl"]
WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
TIMES = {1: "eenmaal", 2: "tweemaal", 3: "driemaal", 4: "viermaal", 5: "vijfmaal"}


def dutch_date(day: dt.date, *, year: bool = True) -> str:
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def dutch_datetime(moment: dt.datetime) -> str:
    """``woensdag 22 november 2023 14:45:59``, in the configured time zone."""
    local = timezone.localtime(moment)
    return f"{WEEKDAYS[local.weekday()]} {dutch_date(local.date())} {local:%H:%M:%S}"


def dutch_duration(seconds: float) -> str:
    """Rounded the way a reader says it: 179 s is "3 minuten"."""
    if seconds < 60:
        whole = round(seconds)
        return f"{whole} seconde" if whole == 1 else f"{whole} seconden"
    minutes = round(seconds / 60)
    if minutes < 90:
        return "1 minuut" if minutes == 1 else f"{minutes} minuten"
    hours, rest = divmod(minutes, 60)
    return f"{hours} uur en {rest} minuten" if rest else f"{hours} uur"


def short_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} u {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def times(count: int) -> str:
    return TIMES.get(count, f"{count} keer")


def enumeration(items: Sequence[str]) -> str:
    """``a, b en c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} en {items[-1]}"
