# SPDX-License-Identifier: EUPL-1.2
"""Background tasks of the records app, run by ``flagdesk worker``."""

from __future__ import annotations

from django_tasks import task

from flagdesk.records import service


@task(queue_name="default")
def apply_retention() -> str:
    """The nightly retention run, enqueued by ``service.schedule_retention``."""
    report = service.run_retention(trigger="schedule")
    if report.busy:
        return "busy: another retention run holds the lease"
    return "; ".join(f"{o.category}: {o.counts}" for o in report.outcomes) or "nothing to apply"
