# SPDX-License-Identifier: EUPL-1.2
"""Public API of the elections app."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from flagdesk.elections.models import Election


def current_election(day: dt.date | None = None) -> Election | None:
    """The election whose attention window holds ``day``, else the next one, else the latest."""
    day = day or timezone.localdate()
    active = Election.objects.filter(attention_start__lte=day, attention_end__gte=day)
    upcoming = Election.objects.filter(election_day__gte=day).order_by("election_day")
    return active.order_by("election_day").first() or upcoming.first() or Election.objects.first()


def get_election(code: str) -> Election | None:
    return Election.objects.filter(code__iexact=code).first()


def all_elections() -> list[Election]:
    return list(Election.objects.all())
