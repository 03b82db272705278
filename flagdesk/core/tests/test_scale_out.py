# SPDX-License-Identifier: EUPL-1.2
"""Several ``flagdesk worker`` processes on one PostgreSQL database never do work twice.

These tests run ONLY when DATABASE_URL is PostgreSQL: scaling out is what PostgreSQL is for
(on SQLite every write transaction is serialised, so there is no race to prove). ``make test``
runs the suite twice, on SQLite and then on PostgreSQL; these tests count in the second run
and are reported as skipped, with this reason, in the first.

Real processes, real servers: two or three workers start at once against the same database,
send through aiosmtpd and watch one Dovecot mailbox, and the tests count what happened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from flagdesk.audit.models import AuditEvent
from flagdesk.core.models import WorkerHeartbeat
from flagdesk.core.tests.processes import (
    TEAM,
    WorkerProcess,
    draft_notices,
    email_platform,
    eventually,
    message_ids,
    spawn,
)
from flagdesk.intake import service as intake
from flagdesk.mailarchive.models import Kind, MailboxCursor, MailMessage
from flagdesk.narratives.models import MatchingWanted
from flagdesk.notices import service as notices
from flagdesk.notices.models import Attempt, AttemptResult, Delivery, DeliveryState, Notice
from tests_support.dovecot import DovecotServer
from tests_support.mail import platform_answer
from tests_support.smtp import SmtpServer
from tests_support.worker import worker_env

__all__ = ["spawn"]  # the fixture

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="scale-out races need PostgreSQL; `make test` runs these with DATABASE_URL "
        "set to PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Spawn = Callable[..., WorkerProcess]


def assert_each_task_ran_once(tasks: list[DBTaskResult]) -> None:
    assert tasks
    for task in tasks:
        assert task.status == TaskResultStatus.SUCCESSFUL, (task.task_path, task.traceback)
        assert len(task.worker_ids) == 1, (task.task_path, task.worker_ids)


def all_done(tasks: list[DBTaskResult]) -> bool:
    return not DBTaskResult.objects.filter(
        pk__in=[t.pk for t in tasks], status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING)
    ).exists()


def test_three_workers_send_thirty_queued_notices_once_each(tmp_path: Path, spawn: Spawn) -> None:
    alice, drafts = draft_notices(30)
    # Intake queued narrative suggestions for the cases: the last test here runs those.
    DBTaskResult.objects.all().delete()
    with SmtpServer() as platform:
        env = worker_env(tmp_path, FLAGDESK_SMTP_URL=platform.url, FLAGDESK_FROM_EMAIL=TEAM)
        workers = [spawn(env, "--no-mail") for _ in range(3)]
        # All three poll the queue before the notices appear, all at once, in one commit.
        eventually(lambda: WorkerHeartbeat.objects.count() == 3, "three workers", workers=workers)
        with transaction.atomic():
            deliveries = [notices.send(draft, alice) for draft in drafts]
        eventually(
            lambda: Delivery.objects.filter(state=DeliveryState.ACCEPTED).count() == 30,
            "thirty deliveries accepted",
            workers=workers,
        )
        eventually(lambda: all_done(list(DBTaskResult.objects.all())), "every task finished")
        for worker in workers:
            assert worker.stop() == 0, worker.output[-3000:]
        received = platform.messages
    sent = {Notice.objects.get(pk=d.notice_id).message_id for d in deliveries}
    assert message_ids(received) == Counter(dict.fromkeys(sent, 1))
    for delivery in Delivery.objects.all():
        assert delivery.attempts == 1
        assert [a.result for a in Attempt.objects.filter(delivery=delivery)] == [
            AttemptResult.ACCEPTED
        ]
    tasks = list(DBTaskResult.objects.all())
    assert Counter(t.task_path.rsplit(".", 1)[1] for t in tasks)["deliver_notice"] == 30
    assert_each_task_ran_once(tasks)
    assert AuditEvent.objects.filter(action="notice_accepted").count() == 30


def test_two_workers_watching_one_mailbox_archive_each_reply_once(
    tmp_path: Path, spawn: Spawn, dovecot: DovecotServer
) -> None:
    alice, drafts = draft_notices(5)
    for draft in drafts:
        notices.send(draft, alice)
    replies = [
        platform_answer(draft, TEAM, text=f"Reply {number} about {draft.subject}.")
        for number in range(20)
        for draft in drafts
    ]
    dovecot.write_maildir(replies)
    with SmtpServer() as platform:
        env = worker_env(
            tmp_path,
            FLAGDESK_SMTP_URL=platform.url,
            FLAGDESK_FROM_EMAIL=TEAM,
            FLAGDESK_IMAP_URL=dovecot.url(),
        )
        workers = [spawn(env) for _ in range(2)]
        eventually(
            lambda: (
                MailMessage.objects.count() == 100
                and not Delivery.objects.exclude(state=DeliveryState.ACCEPTED).exists()
            ),
            "a hundred messages archived",
            workers=workers,
        )
        for worker in workers:
            assert worker.stop() == 0, worker.output[-3000:]
    messages = list(MailMessage.objects.all())
    assert len({m.message_id for m in messages}) == 100
    assert Counter(m.notice_id for m in messages) == {d.pk: 20 for d in drafts}
    # The first answer to each notice is its acknowledgment, recorded once.
    assert Counter(m.kind for m in messages)[Kind.ACKNOWLEDGMENT] == 5
    archived = AuditEvent.objects.filter(action="mail_archived")
    assert sorted(archived.values_list("object_id", flat=True)) == sorted(
        str(m.pk) for m in messages
    )
    assert AuditEvent.objects.filter(action="notice_acknowledged").count() == 5
    [cursor] = MailboxCursor.objects.all()
    assert cursor.last_uid == 100
    for worker in workers:
        # The second watcher waited for the first one's batch instead of colliding with it.
        assert "delivering mail failed" not in worker.output, worker.output[-3000:]


def test_three_workers_match_a_burst_of_cases_once_each(tmp_path: Path, spawn: Spawn) -> None:
    election, _ = email_platform()
    for number in range(30):
        intake.record_signal(
            intake.SignalInput(
                election=election,
                source_type="media",
                category="misinformation",
                platform_name="x",
                content_urls=[f"https://x.com/kiezer2023/status/99{number:010d}"],
                explanation=f"Kleur twee vakjes op het stembiljet, bericht {number}.",
                received_via="email",
                source_organisation_name="NOS",
            )
        )
    # Coalesced: thirty cases wait for matching, one batch task waits for them.
    assert MatchingWanted.objects.count() == 30
    assert DBTaskResult.objects.filter(task_path__endswith=".match_wanted_cases").count() == 1
    env = worker_env(tmp_path, FLAGDESK_MATCHING_BATCH="4")
    workers = [spawn(env, "--no-mail") for _ in range(3)]
    eventually(
        lambda: not MatchingWanted.objects.exists() and all_done(list(DBTaskResult.objects.all())),
        "thirty cases matched",
        workers=workers,
    )
    for worker in workers:
        assert worker.stop() == 0, worker.output[-3000:]
    tasks = list(DBTaskResult.objects.all())
    assert_each_task_ran_once(tasks)
    # Batches of four: at least eight ran; each case was matched by exactly one of them.
    assert sum(t.return_value for t in tasks) == 30
