# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk worker``: all background work in one command.

- the task queue, in two loops of their own (threads): the **lane** runs only the
  time-critical queues (``notices``: sending notices and follow-ups, with retries), the
  **bulk** loop everything else (narrative matching, the retention run). So a notice never
  waits behind a long match, whatever else the process is doing (docs/architecture.md),
- the team mailbox (IMAP IDLE, when FLAGDESK_IMAP_URL is set),
- upkeep every few seconds: the liveness report, recovery of sends a dead worker
  interrupted, reminders for notices that wait too long for an acknowledgment, once a
  day (FLAGDESK_RETENTION_HOUR) the retention run and the purge of old notifications,
  enqueued as tasks, and the audit checkpoint (FLAGDESK_AUDIT_CHECKPOINT_SECONDS, when a
  key is configured).

Run several on PostgreSQL to scale out; each claims work with row locks.

When the database goes away (a restart, a failover) the worker stays up: each loop waits
and reconnects, a task that failed only because the database was away is queued again, and
a send it interrupted is settled like a dead worker's (see ``notices.dispatch``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from flagdesk.core import workers
from flagdesk.core.logging import bind_worker

logger = logging.getLogger("flagdesk.worker")

UPKEEP_SECONDS = 5.0

_DATABASE_ERROR_PATHS = {f"{e.__module__}.{e.__qualname__}" for e in workers.DATABASE_ERRORS}
RECONNECT_MAX_SECONDS = 5.0
# A task the database broke off runs again after this pause, this many times at most.
REQUEUE_AFTER = dt.timedelta(seconds=2)
REQUEUE_LIMIT = 10
# The bulk loop's CPU priority (Linux niceness, 0..19): below the web and the lane.
BULK_NICENESS = 10


def upkeep() -> None:
    """One round of periodic work; safe to run in several workers at once."""
    from flagdesk.audit import checkpoints
    from flagdesk.mailarchive import service as mailarchive
    from flagdesk.narratives import service as narratives
    from flagdesk.notices import clocks, dispatch
    from flagdesk.notices import service as notices
    from flagdesk.notifications import service as notifications
    from flagdesk.records import service as records

    workers.beat()
    dispatch.recover_interrupted(delivered_elsewhere=mailarchive.proves_delivery)
    notices.remind_unacknowledged()
    clocks.remind_due()  # one reminder_due event per case and stage whose clock ran out
    notices.warn_stuck()  # one warning per stuck notice per FLAGDESK_NOTICE_STUCK_AFTER
    narratives.schedule_leftover_matching()  # cases a crashed batch left behind
    records.schedule_retention()  # once a day, one worker: enqueues the retention run
    notifications.schedule_purge()  # once a day per worker: old notifications (idempotent)
    try:
        checkpoints.write_due()  # every FLAGDESK_AUDIT_CHECKPOINT_SECONDS, one worker
    except checkpoints.CheckpointError as exc:
        # Sending notices matters more than the anchor: report it, keep working.
        logger.error("audit checkpoint not written: %s", exc)


def _upkeep_loop(stop: threading.Event) -> None:
    """The first round at once (the worker starts its task loops without waiting for it),
    then one every UPKEEP_SECONDS."""
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                upkeep()
            except Exception:
                logger.exception("upkeep failed; trying again in %s s", UPKEEP_SECONDS)
            stop.wait(UPKEEP_SECONDS)
    finally:
        connection.close()


def _mail_loop(stop: threading.Event) -> None:
    from flagdesk.mailarchive import service as mailarchive

    try:
        mailarchive.watch_mailbox(settings.IMAP_URL or "", stop)
    finally:
        connection.close()


@dataclass(frozen=True)
class QueuePlan:
    """One task loop of a worker process: the queues it takes (``*``: all) and those it
    leaves to another loop."""

    name: str
    queue_names: list[str]
    excluded: list[str] = field(default_factory=list)

    @property
    def is_lane(self) -> bool:
        return self.name == "lane"


def plan_queues(chosen: list[str] | None) -> list[QueuePlan]:
    """Split the queues a worker runs (``--queue``; none or ``*``: every queue) into the
    lane (the time-critical queues, workers.LANE_QUEUES) and the bulk loop (the rest); a
    loop with nothing to take is left out."""
    if not chosen or "*" in chosen:
        lane = list(workers.LANE_QUEUES)
        return [QueuePlan("lane", lane), QueuePlan("bulk", ["*"], excluded=lane)]
    lane = [name for name in chosen if name in workers.LANE_QUEUES]
    bulk = [name for name in chosen if name not in workers.LANE_QUEUES]
    plans = [QueuePlan("lane", lane), QueuePlan("bulk", bulk)]
    return [plan for plan in plans if plan.queue_names]


class _TaskQueue(Worker):
    """django-tasks-db's loop, plus:

    - remember the task that is running, so that a task the database broke off is queued
      again instead of lost (tasks are idempotent by design);
    - look for a task without a lock first, so an idle loop takes no write lock on SQLite;
    - wait on ``stop`` rather than sleep, so SIGTERM ends an idle loop at once.
    """

    interrupted: Any = None

    def __init__(self, plan: QueuePlan, stop: threading.Event, *, batch: bool) -> None:
        super().__init__(
            queue_names=plan.queue_names,
            interval=settings.WORKER_INTERVAL,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=workers.current_worker_id(),
            excluded_queue_names=plan.excluded,
        )
        self.plan = plan
        self.stop = stop

    def run(self) -> None:
        logger.info("task queue %s: %s", self.plan.name, ",".join(self.queue_names))
        while self.running and not self.stop.is_set():
            close_old_connections()
            task, looked = self._claim_next()
            if task is not None:
                self.run_task(task)
            elif self.batch and looked:
                return
            else:
                self.stop.wait(self.interval)

    def _ready(self) -> Any:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        return tasks

    def _claim_next(self) -> tuple[DBTaskResult | None, bool]:
        """The next due task, claimed for this worker, and whether the queue could be read
        (False: SQLite was locked; look again)."""
        tasks = self._ready()
        if not tasks.exists():
            return None, True
        with exclusive_transaction(tasks.db):
            try:
                task = tasks.get_locked()
                if task is not None:
                    task.claim(self.worker_id)  # no other worker runs it now
            except OperationalError as exc:
                if not is_locked_database_exception(exc):
                    raise
                return None, False
        return task, True

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
        while not self.stop.is_set():
            try:
                self.run()
                return
            except workers.DATABASE_ERRORS as exc:
                logger.warning(
                    "task queue: database unavailable (%s); trying again in %.1f s",
                    str(exc).strip(),
                    delay,
                )
            if self.stop.wait(delay):
                return
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
        if self.plan.is_lane:
            # Sends run only in the lane, one loop per process, and it runs no task now:
            # this worker's open attempts were broken off, settle them. The bulk loop must
            # not: the lane may be in the middle of a send (its answer is kept in memory).
            dispatch.recover_interrupted(delivered_elsewhere=mailarchive.proves_delivery, own=True)


def _queue_loop(queue: _TaskQueue, stop: threading.Event, crashed: list[BaseException]) -> None:
    """A task loop's thread. When it ends for any reason the whole worker stops: a worker
    whose lane died must not go on reporting that it is alive."""
    try:
        if not queue.plan.is_lane:
            lower_cpu_priority_of_this_thread(BULK_NICENESS)
        queue.run_surviving_the_database()
    except BaseException as exc:
        logger.exception("task queue %s stopped by an error", queue.plan.name)
        crashed.append(exc)
    finally:
        stop.set()
        connection.close()


def lower_cpu_priority_of_this_thread(niceness: int) -> None:
    """Bulk work (a surge's matching backlog, the retention run) must not take the CPU from
    the pages and the notices on a machine it shares with gunicorn and the database
    (docs/benchmarks.md, "Where the time goes at 128 users"); with the CPU idle the niceness
    changes nothing, so the backlog still drains at full speed after the surge. Linux keeps
    a niceness per thread, so the lane in the same process keeps its priority; elsewhere
    this does nothing. Raising one's own niceness needs no privilege."""
    if sys.platform.startswith("linux"):
        thread = threading.get_native_id()
        os.setpriority(
            os.PRIO_PROCESS, thread, max(os.getpriority(os.PRIO_PROCESS, thread), niceness)
        )


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
        stop = threading.Event()
        try:
            if once:
                upkeep()
                # One pass, in priority order (notices first): no lane needed.
                _TaskQueue(QueuePlan("once", queues or ["*"]), stop, batch=True).run()
                upkeep()
            else:
                # The task loops start at once and the upkeep runs in its own thread: a
                # first round can be long (reminders for a backlog of overdue cases after a
                # restart) and a notice must not wait for it (docs/benchmarks.md, issue 15).
                self._run_until_stopped(stop, plan_queues(queues), watch_mail=not no_mail)
        finally:
            stop.set()
            # This thread's connection sat idle while the loops worked; the database may
            # have restarted meanwhile: report the stop on a fresh one.
            connection.close()
            try:
                workers.stopped()
            except workers.DATABASE_ERRORS as exc:
                logger.warning("could not record the stop (%s); the heartbeat will go stale", exc)
            self.stdout.write(f"worker {workers.current_worker_id()} stopped")

    def _run_until_stopped(
        self, stop: threading.Event, plans: list[QueuePlan], *, watch_mail: bool
    ) -> None:
        queues = [_TaskQueue(plan, stop, batch=False) for plan in plans]
        crashed: list[BaseException] = []
        loops = [
            threading.Thread(
                target=_queue_loop, args=(q, stop, crashed), name=f"queue-{q.plan.name}"
            )
            for q in queues
        ]
        helpers = [threading.Thread(target=_upkeep_loop, args=(stop,), daemon=True)]
        if settings.IMAP_URL and watch_mail:
            helpers.append(threading.Thread(target=_mail_loop, args=(stop,), daemon=True))
        _stop_on_signals(stop, queues)
        for thread in [*loops, *helpers]:
            thread.start()
        stop.wait()
        # Each loop finishes the task at hand (a send: at most FLAGDESK_SMTP_TIMEOUT).
        _stop_queues(stop, queues)
        for thread in loops:
            thread.join()
        for thread in helpers:
            thread.join(timeout=10)
        if crashed:
            raise crashed[0]


def _stop_queues(stop: threading.Event, queues: list[_TaskQueue]) -> None:
    workers.stopping.set()  # a long task (a matching batch) ends after the case at hand
    for queue in queues:
        queue.running = False
    stop.set()


def _stop_on_signals(stop: threading.Event, queues: list[_TaskQueue]) -> None:
    """SIGTERM (systemd), SIGINT (Ctrl-C), SIGQUIT: every loop finishes its task and the
    worker exits; a second signal ends it at once."""

    def shutdown(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            logger.warning("%s again: stopping now", signal.strsignal(signum))
            for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
                signal.signal(getattr(signal, name), signal.SIG_DFL)
            sys.exit(1)
        logger.warning("%s: finishing the tasks at hand, then stopping", signal.strsignal(signum))
        _stop_queues(stop, queues)

    for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
        signal.signal(getattr(signal, name), shutdown)
