# SPDX-License-Identifier: EUPL-1.2
"""Dates are written day-month-year in both languages (never 05/25/2027)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

DAY = dt.date(2027, 5, 25)
MOMENT = dt.datetime(2027, 5, 25, 15, 4)


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [("en", "25 May 2027", "25 May 2027"), ("nl", "25-5-2027", "25 mei 2027")],
)
def test_dates_are_day_month_year(language: str, short: str, long: str) -> None:
    with translation.override(language):
        assert date_format(DAY, "SHORT_DATE_FORMAT") == short
        assert date_format(DAY, "DATE_FORMAT") == long
        assert date_format(MOMENT, "SHORT_DATETIME_FORMAT").endswith("15:04")
        shown = Template("{{ day }}").render(Context({"day": DAY}))
        assert shown == long and "05/25" not in shown


def test_english_forms_read_european_dates() -> None:
    from django.forms import DateField

    with translation.override("en"):
        assert DateField().clean("25-05-2027") == DAY
        assert DateField().clean("25/05/2027") == DAY
