# SPDX-License-Identifier: EUPL-1.2
"""The priority lane: with thousands of matching tasks queued, a notice sent now goes out
at once, with one worker and with ``make run``'s arrangement (its exact ``flagdesk worker``
command line), because every worker runs the notices queue in a loop of its own.

No timed asserts: the tests assert that the notice was accepted by a real aiosmtpd while
the matching backlog was still (almost) untouched, or while a matching task was stuck.
benchmarks/lane.py measures the latency itself (docs/benchmarks.md)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from flagdesk.core.models import WorkerHeartbeat
from flagdesk.core.tests.processes import TEAM, WorkerProcess, draft_notices, eventually, spawn
from flagdesk.narratives.models import Narrative, NarrativeLink
from flagdesk.narratives.tasks import suggest_narratives
from flagdesk.notices import service as notices
from flagdesk.notices.models import Delivery, DeliveryState
from tests_support.smtp import SmtpServer
from tests_support.worker import worker_env

__all__ = ["spawn"]  # the fixture

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.processes,
]

Spawn = Callable[..., WorkerProcess]
FLOOD = 3000
# make run starts exactly `flagdesk worker` (Makefile); a production unit adds its options.
ARRANGEMENTS = {"make run": (), "one worker": ("--no-mail",)}


def flood_with_matching_tasks(case_id: int, count: int) -> None:
    """``count`` queued matching tasks, inserted in bulk (as an older version queued one per
    signal during a surge)."""
    template = suggest_narratives.enqueue(case_id)
    row = DBTaskResult.objects.get(pk=template.id)
    copies = []
    for _ in range(count - 1):
        row.pk = uuid.uuid4()
        copies.append(
            DBTaskResult(**{f.attname: getattr(row, f.attname) for f in row._meta.fields})
        )
    DBTaskResult.objects.bulk_create(copies, batch_size=500)


def matching(status: str) -> int:
    return DBTaskResult.objects.filter(
        task_path=suggest_narratives.module_path, status=status
    ).count()


def wait_for_message(server: SmtpServer) -> float:
    """Wait until aiosmtpd accepted a message; the moment it did (time.monotonic)."""
    with server.handler.arrived:
        assert server.handler.arrived.wait_for(lambda: server.handler.messages, timeout=60)
    return time.monotonic()


@pytest.mark.parametrize("arrangement", sorted(ARRANGEMENTS))
def test_a_notice_goes_out_at_once_past_thousands_of_queued_matching_tasks(
    arrangement: str, tmp_path: Path, spawn: Spawn
) -> None:
    alice, [draft] = draft_notices(1)
    flood_with_matching_tasks(draft.case_id, FLOOD)
    with SmtpServer() as platform:
        env = worker_env(tmp_path, FLAGDESK_SMTP_URL=platform.url, FLAGDESK_FROM_EMAIL=TEAM)
        worker = spawn(env, *ARRANGEMENTS[arrangement])
        # The worker is deep in the backlog before the notice is sent.
        eventually(lambda: matching(TaskResultStatus.SUCCESSFUL) >= 5, "matching", workers=[worker])
        sent = time.monotonic()
        delivery = notices.send(draft, alice)
        accepted = wait_for_message(platform)
        left = matching(TaskResultStatus.READY)
        print(f"{arrangement}: send -> accepted {accepted - sent:.3f} s, {left} tasks waiting")
        eventually(
            lambda: Delivery.objects.get(pk=delivery.pk).state == DeliveryState.ACCEPTED,
            "the delivery recorded as accepted",
            workers=[worker],
        )
        assert worker.stop() == 0, worker.output[-3000:]
    # The notice did not wait for the backlog: nearly all of it was still queued.
    assert left >= FLOOD * 0.9, f"{left} of {FLOOD} matching tasks left when the notice went"
    assert len(platform.messages) == 1


@pytest.fixture
def matching_held() -> Iterator[Callable[[int], None]]:
    """``hold(case_id)``: another transaction inserts the case's narrative link and keeps it
    uncommitted, so the worker's matching of that case waits on the row lock (a matching
    task that takes as long as the test wants, with no code of ours changed)."""
    holding, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []

    def keep(case_id: int) -> None:
        try:
            with transaction.atomic():
                narrative = Narrative.objects.get(slug="two-boxes")
                NarrativeLink.objects.create(narrative=narrative, case_id=case_id, score=99)
                holding.set()
                release.wait(timeout=120)
                transaction.set_rollback(True)
        finally:
            connection.close()

    def hold(case_id: int) -> None:
        thread = threading.Thread(target=keep, args=(case_id,))
        thread.start()
        threads.append(thread)
        assert holding.wait(timeout=30)

    yield hold
    release.set()
    for thread in threads:
        thread.join()


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="holds a row lock from another transaction while the worker runs: PostgreSQL "
    "(on SQLite any open write transaction would stop every writer)",
)
@pytest.mark.parametrize("arrangement", sorted(ARRANGEMENTS))
def test_a_notice_goes_out_while_the_worker_is_stuck_in_a_matching_task(
    arrangement: str, tmp_path: Path, spawn: Spawn, matching_held: Callable[[int], None]
) -> None:
    alice, [draft] = draft_notices(1)
    DBTaskResult.objects.all().delete()
    flood_with_matching_tasks(draft.case_id, 50)
    matching_held(draft.case_id)
    with SmtpServer() as platform:
        env = worker_env(tmp_path, FLAGDESK_SMTP_URL=platform.url, FLAGDESK_FROM_EMAIL=TEAM)
        worker = spawn(env, *ARRANGEMENTS[arrangement])
        eventually(lambda: WorkerHeartbeat.objects.exists(), "the worker", workers=[worker])
        eventually(lambda: waiting_on_a_lock() >= 1, "matching stuck on the lock", workers=[worker])
        delivery = notices.send(draft, alice)
        wait_for_message(platform)
        # The matching task is still stuck, and the notice went anyway.
        assert matching(TaskResultStatus.RUNNING) == 1
        assert matching(TaskResultStatus.SUCCESSFUL) == 0
        eventually(
            lambda: Delivery.objects.get(pk=delivery.pk).state == DeliveryState.ACCEPTED,
            "the delivery recorded as accepted",
            workers=[worker],
        )
        assert waiting_on_a_lock() >= 1
        worker.process.kill()  # the matching task can't finish while the lock is held
        worker.process.wait()


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database()"
        )
        return int(cursor.fetchone()[0])


def overdue_cases(count: int) -> None:
    """``count`` open cases whose decision clock ran out long ago (a backlog after a restart),
    inserted in bulk, with no reminder written yet."""
    import datetime as dt

    from django.utils import timezone

    from flagdesk.elections.models import Election
    from flagdesk.intake.models import Case, CaseState
    from flagdesk.platforms.models import Platform

    election, platform = Election.objects.first(), Platform.objects.get(slug="x")
    created = Case._meta.get_field("created_at")
    created.auto_now_add = False  # type: ignore[attr-defined]
    try:
        Case.objects.bulk_create(
            Case(
                reference=f"TF-OLD-{number:05d}",
                election=election,
                platform=platform,
                category="misinformation",
                state=CaseState.NEW,
                created_at=timezone.now() - dt.timedelta(days=30, minutes=number),
                # Bulk inserts set what intake.service keeps: the decision clock's start.
                clock_since=timezone.now() - dt.timedelta(days=30, minutes=number),
            )
            for number in range(count)
        )
    finally:
        created.auto_now_add = True  # type: ignore[attr-defined]


def reminders() -> int:
    from flagdesk.audit.models import AuditEvent
    from flagdesk.notices.clocks import REMINDER_DUE

    return AuditEvent.objects.filter(action=REMINDER_DUE).count()


OVERDUE = 60


def test_a_notice_goes_out_while_the_upkeep_works_through_a_backlog_of_reminders(
    tmp_path: Path, spawn: Spawn
) -> None:
    """The worker starts its task loops before its first upkeep round, and a round writes a
    bounded number of reminders: a backlog of overdue cases (one reminder each) must not
    hold the notices back (it did: the first round ran before the lane, a minute at load)."""
    alice, [draft] = draft_notices(1)
    overdue_cases(OVERDUE)
    with SmtpServer() as platform:
        env = worker_env(tmp_path, FLAGDESK_SMTP_URL=platform.url, FLAGDESK_FROM_EMAIL=TEAM)
        delivery = notices.send(draft, alice)  # queued before the worker starts
        worker = spawn(env, "--no-mail")
        wait_for_message(platform)
        written = reminders()
        eventually(
            lambda: Delivery.objects.get(pk=delivery.pk).state == DeliveryState.ACCEPTED,
            "the delivery recorded as accepted",
            workers=[worker],
        )
        # The upkeep goes on through the backlog, a bounded round at a time, each once.
        eventually(lambda: reminders() >= OVERDUE, "every reminder", timeout=120, workers=[worker])
        assert worker.stop() == 0, worker.output[-3000:]
    assert written < OVERDUE, f"{written} of {OVERDUE} reminders were written before the notice"
    from flagdesk.audit.models import AuditEvent
    from flagdesk.notices.clocks import REMINDER_DUE

    per_case = AuditEvent.objects.filter(action=REMINDER_DUE).values("object_id").distinct()
    assert per_case.count() == reminders()  # never twice for a case
