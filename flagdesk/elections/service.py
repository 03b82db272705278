# SPDX-License-Identifier: EUPL-1.2
"""Public API of the elections app."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from flagdesk.elections.models import Election

# When several elections share a day (PS, WS and the Caribbean councils in March), the one
# most signals are about comes first.
PRIORITY = ["TK", "EP", "GR", "PS", "WS", "EK", "CN"]


def current_election(day: dt.date | None = None) -> Election | None:
    """The election whose attention window holds ``day``, else the next one, else the latest."""
    day = day or timezone.localdate()
    active = Election.objects.filter(attention_start__lte=day, attention_end__gte=day)
    upcoming = Election.objects.filter(election_day__gte=day)
    for candidates in (active, upcoming):
        first = candidates.order_by("election_day").first()
        if first is not None:
            same_day = candidates.filter(election_day=first.election_day)
            return min(same_day, key=lambda e: PRIORITY.index(e.type))
    return Election.objects.first()


def get_election(code: str) -> Election | None:
    return Election.objects.filter(code__iexact=code).first()


def all_elections() -> list[Election]:
    return list(Election.objects.all())
