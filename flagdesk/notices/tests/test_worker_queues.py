# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk worker --queue notices``: a worker that only sends notices, so that no long
narrative match stands between an approved notice and the platform on a busy election day."""

from __future__ import annotations

from pathlib import Path

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from flagdesk.accounts.models import User
from flagdesk.intake.models import Case
from flagdesk.narratives.tasks import suggest_narratives
from flagdesk.notices import service as notices
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from tests_support.worker import run_worker, worker_env

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.processes,
]


def _status_of(task_path: str) -> set[str]:
    return set(
        DBTaskResult.objects.filter(task_path__endswith=task_path).values_list("status", flat=True)
    )


def test_a_notices_only_worker_sends_and_leaves_other_work_queued(
    draft: Notice, alice: User, tmp_path: Path
) -> None:
    suggest_narratives.enqueue(Case.objects.get(pk=draft.case_id).pk)
    delivery = notices.send(draft, alice)

    env = worker_env(tmp_path, FLAGDESK_FROM_EMAIL="trustedflagger@minbzk.example")
    done = run_worker(env, "--once", "--no-mail", "--queue", "notices")
    assert done.returncode == 0, done.stdout + done.stderr

    # No SMTP server configured: "accepted" means written to the outbox.
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.ACCEPTED
    assert _status_of("suggest_narratives") == {TaskResultStatus.READY}

    done = run_worker(env, "--once", "--no-mail", "--queue", "default")
    assert done.returncode == 0, done.stdout + done.stderr
    assert TaskResultStatus.READY not in _status_of("suggest_narratives")
