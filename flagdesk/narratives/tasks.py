# SPDX-License-Identifier: EUPL-1.2
"""Background tasks of the narratives app, run by ``flagdesk worker``."""

from __future__ import annotations

from django_tasks import task

from flagdesk.intake.models import Case
from flagdesk.narratives import service


@task(queue_name="default")
def suggest_narratives(case_id: int) -> int:
    """Match a case that got a new signal against the registry; returns the links' count."""
    case = Case.objects.filter(pk=case_id).first()
    return len(service.suggest(case)) if case is not None else 0
