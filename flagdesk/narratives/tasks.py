# SPDX-License-Identifier: EUPL-1.2
"""Background tasks of the narratives app, run by ``flagdesk worker``."""

from __future__ import annotations

from django_tasks import task

from flagdesk.intake import selectors as case_reads
from flagdesk.narratives import service


@task(queue_name="default")
def match_wanted_cases() -> int:
    """One batch of the cases that got signals (``service.want_matching``): each against the
    registry and against earlier cases of any election; returns how many were matched."""
    return service.match_wanted()


@task(queue_name="default")
def suggest_narratives(case_id: int) -> int:
    """One case. Intake no longer enqueues this (it marks the case, see
    ``match_wanted_cases``); kept for tasks queued before the upgrade."""
    case = case_reads.case_by_id(case_id)
    return service.match_case(case) if case is not None else 0


@task(queue_name="default")
def find_similar_cases(case_id: int) -> int:
    """Earlier similar signals only (the web page asks for these in the background: the
    first lookup in a process builds its index of all cases)."""
    case = case_reads.case_by_id(case_id)
    return len(service.suggest_similar(case)) if case is not None else 0
