# SPDX-License-Identifier: EUPL-1.2
"""How much background work waits, per task queue, and since when: for the dashboard and
/health, so that a surge (or a worker that can't keep up) shows before anyone asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q
from django_tasks_db.models import DBTaskResult, get_date_max


@dataclass(frozen=True)
class QueueState:
    name: str
    waiting: int  # tasks due now that no worker has taken yet
    oldest: dt.datetime | None  # since when the longest of them is due

    def oldest_seconds(self, now: dt.datetime) -> float | None:
        return None if self.oldest is None else max((now - self.oldest).total_seconds(), 0.0)


def queue_names() -> list[str]:
    return list(settings.TASKS["default"].get("QUEUES", ["default"]))


def queue_states() -> list[QueueState]:
    """Every configured queue (idle ones too), in the configured order. A task is due from
    its enqueueing, or from its ``run_after`` when it was delayed (a retry)."""
    undelayed = Q(run_after=get_date_max())
    # One query for both kinds (the dashboard and /health read it on every load).
    rows = (
        DBTaskResult.objects.ready()
        .order_by()
        .values("queue_name")
        .annotate(
            n=Count("id"),
            since_enqueued=Min("enqueued_at", filter=undelayed),
            since_run_after=Min("run_after", filter=~undelayed),
        )
    )
    counts: dict[str, int] = {}
    oldest: dict[str, dt.datetime] = {}
    for row in rows:
        name = row["queue_name"]
        counts[name] = row["n"]
        oldest[name] = min(t for t in (row["since_enqueued"], row["since_run_after"]) if t)
    names = queue_names() + sorted(set(counts) - set(queue_names()))
    return [QueueState(name, counts.get(name, 0), oldest.get(name)) for name in names]
