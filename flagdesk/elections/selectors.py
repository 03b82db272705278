# SPDX-License-Identifier: EUPL-1.2
"""Reads of the election calendar that other apps use, where they need a query set (form
fields); ``service.all_elections`` and ``get_election`` serve the rest from a cache."""

from __future__ import annotations

from django.db.models import QuerySet

from flagdesk.elections.models import Election


def elections() -> QuerySet[Election]:
    return Election.objects.all()
