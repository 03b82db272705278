# SPDX-License-Identifier: EUPL-1.2
"""Issue 18's upgrade scenario, for real: a worker of the old release meets a schema with a
new NOT NULL column on the attempts table. Its claim fails with an IntegrityError of another
kind than "an attempt is open"; the notice must not go unnoticed (/health 503, dashboard,
case page, the worker's log), and once the schema is right, queueing it again sends it to
the platform's server (aiosmtpd) exactly once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks.base import TaskResultStatus

from flagdesk.accounts.models import User
from flagdesk.conftest import in_english, verified_client
from flagdesk.core import workers
from flagdesk.notices import service
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from flagdesk.notices.tests.test_claim_errors import (
    add_not_null_column_to_attempts,
    drop_column_from_attempts,
)
from flagdesk.notices.tests.test_stuck import case_page, notice_tasks
from tests_support.smtp import SmtpServer
from tests_support.worker import run_worker, worker_env

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.processes,
]


def run_worker_once(env: dict[str, str]) -> str:
    done = run_worker(env, "--once", "--no-mail")
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def health() -> tuple[int, dict[str, Any]]:
    response = Client().get("/health")
    return response.status_code, response.json()


def test_a_notice_an_old_worker_could_not_claim_is_raised_and_sent_once_after_requeue(
    draft: Notice, alice: User, carol: User, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    env = worker_env(
        tmp_path,
        FLAGDESK_SMTP_URL=smtp_server.url,
        FLAGDESK_FROM_EMAIL="trustedflagger@minbzk.example",
    )
    delivery = service.send(draft, alice)

    add_not_null_column_to_attempts()  # the new release's migration, under the old worker
    try:
        output = run_worker_once(env)
    finally:
        drop_column_from_attempts()  # the workers restart on code that fills the column

    # The task failed visibly; the notice stays queued, untouched, and nothing was sent.
    assert f"claiming notice {draft.pk}" in output and "IntegrityError" in output
    assert f"notice {draft.pk} is stuck" in output  # the upkeep's warning
    assert draft.recipient not in output
    assert set(notice_tasks().values_list("status", flat=True)) == {TaskResultStatus.FAILED}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.QUEUED, 0)
    assert smtp_server.messages == []

    # A worker on the new code sends nothing by itself: the notice has no task. It is raised.
    run_worker_once(env)
    workers.register()  # ... and reports, so only the stuck notice makes /health degraded
    status, answer = health()
    assert (status, answer["status"], answer["notices_stuck"]) == (503, "degraded", 1)
    for user in (alice, carol):
        client = in_english(verified_client(user))
        assert f"#notice-{draft.pk}" in client.get("/").content.decode().split("notices-stuck")[1]
        assert "This notice is stuck" in case_page(client, draft)
    assert smtp_server.messages == []

    # The assessor queues it again; a double click changes nothing.
    client = verified_client(alice)
    url = reverse("fd-notice-requeue", kwargs={"pk": draft.pk})
    client.post(url)
    client.post(url)
    run_worker_once(env)

    [received] = smtp_server.messages
    draft.refresh_from_db()
    assert received.data == bytes(draft.raw)
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.ACCEPTED
    workers.register()
    status, answer = health()
    assert (status, answer["status"], answer["notices_stuck"]) == (200, "ok", 0)
