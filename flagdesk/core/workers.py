# SPDX-License-Identifier: EUPL-1.2
"""Who is working: each ``flagdesk worker`` reports here, so others can tell dead from busy.

A worker is dead when it stopped, when it has not reported for FLAGDESK_WORKER_STALE_SECONDS,
or when it ran on this host and its process is gone (that last check lets a restarted
worker recover a killed one at once instead of waiting for the timeout).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone

from flagdesk.core.models import WorkerHeartbeat

logger = logging.getLogger("flagdesk.worker")

#: The database is unreachable (a restart, a failover, the network): wait and try again.
DATABASE_ERRORS = (OperationalError, InterfaceError)

#: The time-critical queues: every ``flagdesk worker`` runs them in a loop of their own (the
#: lane), never behind narrative matching or the retention run. ``mail`` is kept for mail work
#: that must not wait either.
LANE_QUEUES = ("notices", "mail")

#: Set when this worker process is asked to stop: a long task (a matching batch) ends after
#: the item at hand instead of holding up the stop.
stopping = threading.Event()

_current_worker_id: str | None = None


def current_worker_id() -> str:
    """The id of this process's worker; code run outside a worker gets a per-process id."""
    global _current_worker_id
    if _current_worker_id is None:
        _current_worker_id = f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    return _current_worker_id


def register() -> WorkerHeartbeat:
    now = timezone.now()
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=current_worker_id(),
        defaults={
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": now,
            "last_seen": now,
            "stopped_at": None,
        },
    )
    return beat


def beat() -> None:
    updated = WorkerHeartbeat.objects.filter(worker_id=current_worker_id()).update(
        last_seen=timezone.now()
    )
    if not updated:
        register()


def stopped() -> None:
    WorkerHeartbeat.objects.filter(worker_id=current_worker_id()).update(stopped_at=timezone.now())


def report_mailbox(mailbox: str, error: str | None) -> None:
    """The mailbox thread's state, for the dashboard and /health: fine (``error`` None) or
    failing since the first error. Never raises: the database may be what fails."""
    now = timezone.now()
    mine = WorkerHeartbeat.objects.filter(worker_id=current_worker_id())
    try:
        if error is None:
            mine.update(
                mailbox=mailbox, mailbox_ok_at=now, mailbox_error="", mailbox_error_since=None
            )
            return
        mine.filter(mailbox_error_since__isnull=True).update(mailbox_error_since=now)
        mine.update(mailbox=mailbox, mailbox_error=error[:500])
    except DatabaseError:
        logger.warning("could not record the mailbox's state", exc_info=True)


@dataclass(frozen=True)
class MailboxState:
    mailbox: str
    ok: bool
    ok_at: dt.datetime | None
    error: str
    error_since: dt.datetime | None


def mailbox_states(live: list[WorkerHeartbeat] | None = None) -> list[MailboxState]:
    """Each watched mailbox as the live workers see it: fine when one of its watchers reads
    it, failing (with the earliest failure) when none does. ``live``: the live workers when
    the caller has just read them (saves reading them again)."""
    by_mailbox: dict[str, list[WorkerHeartbeat]] = {}
    for beat in live_workers() if live is None else live:
        if beat.mailbox:
            by_mailbox.setdefault(beat.mailbox, []).append(beat)
    return [_mailbox_state(mailbox, beats) for mailbox, beats in sorted(by_mailbox.items())]


def _mailbox_state(mailbox: str, beats: list[WorkerHeartbeat]) -> MailboxState:
    last_good = max((b.mailbox_ok_at for b in beats if b.mailbox_ok_at), default=None)
    if any(b.mailbox_ok_at and not b.mailbox_error for b in beats):
        return MailboxState(mailbox, True, last_good, "", None)
    first = min(beats, key=lambda b: b.mailbox_error_since or b.last_seen)
    return MailboxState(mailbox, False, last_good, first.mailbox_error, first.mailbox_error_since)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_alive(worker_id: str, now: dt.datetime | None = None) -> bool:
    if worker_id == current_worker_id():
        return True
    beat = WorkerHeartbeat.objects.filter(worker_id=worker_id).first()
    if beat is None or beat.stopped_at is not None:
        return False
    now = now or timezone.now()
    if beat.last_seen < now - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS):
        return False
    if beat.hostname == socket.gethostname():
        return _process_exists(beat.pid)
    return True


def live_workers() -> list[WorkerHeartbeat]:
    limit = timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return list(WorkerHeartbeat.objects.filter(stopped_at__isnull=True, last_seen__gte=limit))
