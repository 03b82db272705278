# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk worker``: all background work in one command.

- the task queue (sending notices, with retries),
- the team mailbox (IMAP IDLE, when FLAGDESK_IMAP_URL is set),
- upkeep every few seconds: the liveness report, recovery of sends a dead worker
  interrupted, reminders for notices that wait too long for an acknowledgment.

Run several on PostgreSQL to scale out; each claims work with row locks.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from flagdesk.core import workers

logger = logging.getLogger("flagdesk.worker")

UPKEEP_SECONDS = 5.0


def upkeep() -> None:
    """One round of periodic work; safe to run in several workers at once."""
    from flagdesk.mailarchive import service as mailarchive
    from flagdesk.notices import dispatch
    from flagdesk.notices import service as notices

    workers.beat()
    dispatch.recover_interrupted(delivered_elsewhere=mailarchive.proves_delivery)
    notices.remind_unacknowledged()


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


class Command(BaseCommand):
    help = "Run all background work: send notices, watch the team mailbox, periodic upkeep."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Recover, run the tasks that are due and the upkeep once, then exit.",
        )
        parser.add_argument("--no-mail", action="store_true", help="Do not watch the IMAP mailbox.")

    def handle(self, *args: Any, once: bool, no_mail: bool, **options: Any) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

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
        queue = Worker(
            queue_names=["*"],
            interval=settings.WORKER_INTERVAL,
            batch=once,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=workers.current_worker_id(),
            excluded_queue_names=[],
        )
        try:
            if not once:
                queue.configure_signals()
            queue.run()
            if once:
                upkeep()
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
            workers.stopped()
            self.stdout.write(f"worker {workers.current_worker_id()} stopped")
