# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk worker``: all background work in one command.

- the task queue (sending notices, with retries),
- the team mailbox (IMAP IDLE, when FLAGDESK_IMAP_URL is set),
- upkeep every few seconds: the liveness report, recovery of sends a dead worker
  interrupted, reminders for notices that wait too long for an acknowledgment, once a
  day (FLAGDESK_RETENTION_HOUR) the retention run, enqueued as a task, and the audit
  checkpoint (FLAGDESK_AUDIT_CHECKPOINT_SECONDS, when a key is configured).

Run several on PostgreSQL to scale out; each claims work with row locks.

When the database goes away (a restart, a failover) the worker stays up: each loop waits
and reconnects, a task that failed only because the database was away is queued again, and
a send it interrupted is settled like a dead worker's (see ``notices.dispatch``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from flagdesk.core import workers
from flagdesk.core.logging import bind_worker

logger = logging.getLogger("flagdesk.worker")

UPKEEP_SECONDS = 5.0

_DATABASE_ERROR_PATHS = {f"{e.__module__}.{e.__qualname__}" for e in workers.DATABASE_ERRORS}
RECONNECT_MAX_SECONDS = 5.0
# A task the database broke off runs again after this pause, this many times at most.
REQUEUE_AFTER = dt.timedelta(seconds=2)
REQUEUE_LIMIT = 10


def upkeep() -> None:
    """One round of periodic work; safe to run in several workers at once."""
    from flagdesk.audit import checkpoints
    from flagdesk.mailarchive import service as mailarchive
    from flagdesk.notices import dispatch
    from flagdesk.notices import service as notices
    from flagdesk.records import service as records

    workers.beat()
    dispatch.recover_interrupted(delivered_elsewhere=mailarchive.proves_delivery)
    notices.remind_unacknowledged()
    records.schedule_retention()  # once a day, one worker: enqueues the retention run
    try:
        checkpoints.write_due()  # every FLAGDESK_AUDIT_CHECKPOINT_SECONDS, one worker
    except checkpoints.CheckpointError as exc:
        # Sending notices matters more than the anchor: report it, keep working.
        logger.error("audit checkpoint not written: %s", exc)


def _upkeep_loop(stop: threading.Event) -> None:
    try:
        while not stop.wait(UPKEEP_SECONDS):
            close_old_connections()
            try:
                upkeep()
            except Exception:
                logger.exception("upkeep failed; trying again in %s s", UPKEEP_SECONDS)
    finally:
        connection.close()


def _mail_loop(stop: threading.Event) -> None:
    from flagdesk.mailarchive import service as mailarchive

    try:
        mailarchive.watch_mailbox(settings.IMAP_URL or "", stop)
    finally:
        connection.close()


class _TaskQueue(Worker):
    """django-tasks-db's loop, plus: remember the task that is running, so that a task the
    database broke off is queued again instead of lost (tasks are idempotent by design)."""

    interrupted: Any = None

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.interrupted = db_task_result.pk
        super().run_task(db_task_result)  # raises when even marking it failed was impossible
        if (
            db_task_result.status == TaskResultStatus.FAILED
            and db_task_result.exception_class_path in _DATABASE_ERROR_PATHS
        ):
            _requeue(db_task_result.pk)
        self.interrupted = None

    def run_surviving_the_database(self) -> None:
        delay = 0.5
        while True:
            try:
                self.run()
                return
            except workers.DATABASE_ERRORS as exc:
                logger.warning(
                    "task queue: database unavailable (%s); trying again in %.1f s",
                    str(exc).strip(),
                    delay,
                )
            time.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)
            close_old_connections()
            try:
                self._after_outage()
            except workers.DATABASE_ERRORS:
                continue
            logger.info("task queue: database reachable again")
            delay = 0.5

    def _after_outage(self) -> None:
        from flagdesk.mailarchive import service as mailarchive
        from flagdesk.notices import dispatch

        if self.interrupted is not None:
            _requeue(self.interrupted)
            self.interrupted = None
        # No task runs now, so our own open attempts were broken off: settle them.
        dispatch.recover_interrupted(delivered_elsewhere=mailarchive.proves_delivery, own=True)


def _requeue(task_id: Any) -> None:
    task = DBTaskResult.objects.filter(pk=task_id).first()
    if task is None or task.status == TaskResultStatus.SUCCESSFUL:
        return
    if len(task.worker_ids) >= REQUEUE_LIMIT:
        logger.error(
            "task %s: the database broke it off %s times; giving up", task_id, REQUEUE_LIMIT
        )
        return
    DBTaskResult.objects.filter(pk=task_id).exclude(status=TaskResultStatus.SUCCESSFUL).update(
        status=TaskResultStatus.READY,
        run_after=timezone.now() + REQUEUE_AFTER,
        finished_at=None,
    )
    logger.warning(
        "task %s (%s) was broken off by the database; queued again", task_id, task.task_path
    )


class Command(BaseCommand):
    help = "Run all background work: send notices, watch the team mailbox, periodic upkeep."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Recover, run the tasks that are due and the upkeep once, then exit.",
        )
        parser.add_argument("--no-mail", action="store_true", help="Do not watch the IMAP mailbox.")
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            metavar="NAME",
            help="Run only the tasks of this queue (repeat for several): `notices` for a worker "
            "that only sends notices, `default` for narrative matching and retention. "
            "Default: every queue.",
        )

    def handle(
        self,
        *args: Any,
        once: bool,
        no_mail: bool,
        queues: list[str] | None = None,
        **options: Any,
    ) -> None:
        bind_worker(workers.current_worker_id())
        workers.register()
        self.stdout.write(f"worker {workers.current_worker_id()} started")
        upkeep()
        stop = threading.Event()
        threads = []
        if not once:
            threads.append(threading.Thread(target=_upkeep_loop, args=(stop,), daemon=True))
            if settings.IMAP_URL and not no_mail:
                threads.append(threading.Thread(target=_mail_loop, args=(stop,), daemon=True))
        for thread in threads:
            thread.start()
        queue = _TaskQueue(
            queue_names=queues or ["*"],
            interval=settings.WORKER_INTERVAL,
            batch=once,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=workers.current_worker_id(),
            excluded_queue_names=[],
        )
        try:
            if once:
                queue.run()
                upkeep()
            else:
                queue.configure_signals()
                queue.run_surviving_the_database()
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
            workers.stopped()
            self.stdout.write(f"worker {workers.current_worker_id()} stopped")
