# SPDX-License-Identifier: EUPL-1.2
"""Dates written out in English or Dutch, whatever the active locale: a notice in English
names its dates in English, a report to parliament in Dutch, and both carry the year.
Pure: no Django."""

from __future__ import annotations

import datetime as dt

MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
}


def language_of(language: str) -> str:
    """``nl`` for any Dutch locale (``nl``, ``nl-NL``), else ``en``."""
    return "nl" if language.lower().startswith("nl") else "en"


def month_name(month: int, language: str) -> str:
    return MONTHS[language_of(language)][month - 1]


def date_text(day: dt.date, language: str) -> str:
    """``19 May 2025`` / ``19 mei 2025``: the year always."""
    return f"{day.day} {month_name(day.month, language)} {day.year}"
