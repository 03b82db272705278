# SPDX-License-Identifier: EUPL-1.2
"""Break what the worker depends on while it works; every fault ends in a clear state and
nothing is lost or done twice.

- the database restarts under a working worker (a private PostgreSQL cluster, started for the
  test: the machine's shared server is never touched). This one runs ONLY when DATABASE_URL
  is PostgreSQL (the second run of ``make test``): the test process must read the private
  cluster through its own PostgreSQL connection, and a SQLite file cannot restart;
- the platform's SMTP server goes away and comes back on the same port;
- the team's IMAP server goes away and comes back on the same port, with the same mail;
- the disk under the mail archive is full (a small tmpfs; needs root, like Dovecot).

Real ``flagdesk worker`` processes and real servers throughout.
"""

from __future__ import annotations

import errno
import hashlib
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import verified_client
from flagdesk.core.models import WorkerHeartbeat
from flagdesk.core.tests.processes import (
    TEAM,
    WorkerProcess,
    draft_notices,
    eventually,
    message_ids,
    spawn,
)
from flagdesk.mailarchive.models import MailboxCursor, MailMessage
from flagdesk.notices import service as notices
from flagdesk.notices.models import Attempt, AttemptResult, Delivery, DeliveryState, Notice
from tests_support.dovecot import DEFAULT_USER, DovecotServer
from tests_support.mail import platform_answer
from tests_support.postgres import PostgresCluster, private_postgres
from tests_support.smtp import Received, SmtpServer
from tests_support.worker import worker_env

__all__ = ["private_postgres", "spawn"]  # fixtures

Spawn = Callable[..., WorkerProcess]
ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def all_accepted(deliveries: list[Delivery]) -> bool:
    ids = [d.pk for d in deliveries]
    return Delivery.objects.filter(pk__in=ids, state=DeliveryState.ACCEPTED).count() == len(ids)


def sent_ids(deliveries: list[Delivery]) -> Counter[str]:
    return Counter(Notice.objects.get(pk=d.notice_id).message_id for d in deliveries)


# ------------------------------------------------------------------------- the database


@pytest.fixture
def private_db(
    private_postgres: PostgresCluster, django_db_blocker: Any, tmp_path: Path
) -> Iterator[PostgresCluster]:
    """The test's own connection and every worker it starts use the private cluster."""
    env = worker_env(tmp_path, DATABASE_URL=private_postgres.url)
    done = subprocess.run(
        [*_flagdesk(), "migrate", "--no-input"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with django_db_blocker.unblock():
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(
            NAME="flagdesk", USER="postgres", PASSWORD="", HOST="127.0.0.1",
            PORT=str(private_postgres.port),
        )  # fmt: skip
        try:
            yield private_postgres
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


def _flagdesk() -> list[str]:
    return [sys.executable, "-m", "flagdesk.cli"]


class HeldServer:
    """Holds the server's answer to one message until released, so the database can be
    taken away exactly while the worker waits for it."""

    def __init__(self, hold_number: int) -> None:
        self.hold_number = hold_number
        self.seen = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    def __call__(self, received: Received) -> None:
        self.seen += 1
        if self.seen == self.hold_number:
            self.holding.set()
            self.release.wait(timeout=60)


@pytest.mark.skipif(
    not ON_POSTGRES, reason="runs when DATABASE_URL is PostgreSQL (the second run of make test)"
)
def test_the_worker_survives_database_restarts_and_sends_each_notice_once(
    private_db: PostgresCluster, tmp_path: Path, spawn: Spawn
) -> None:
    cluster = private_db
    alice, drafts = draft_notices(12)
    hold = HeldServer(hold_number=5)
    with SmtpServer() as platform:
        platform.handler.on_message = hold
        env = worker_env(tmp_path, FLAGDESK_SMTP_URL=platform.url, FLAGDESK_FROM_EMAIL=TEAM)
        worker = spawn(env, "--no-mail")
        eventually(lambda: WorkerHeartbeat.objects.exists(), "the worker", workers=[worker])
        with transaction.atomic():
            deliveries = [notices.send(draft, alice) for draft in drafts[:9]]
        assert hold.holding.wait(timeout=60), worker.output[-3000:]

        # 1. The database goes away while the fifth notice is on the wire: the server's
        #    answer comes while it is down; the worker keeps it and records it afterwards.
        cluster.stop()
        hold.release.set()
        worker.wait_for_output("database unavailable")
        cluster.start()
        connection.close()  # the test's own connection was cut too
        eventually(lambda: all_accepted(deliveries), "the first notices accepted", workers=[worker])

        # 2. The database restarts while the worker waits for work: it reconnects by itself.
        cluster.stop()
        worker.wait_for_output("task queue: database unavailable", since=len(worker.output))
        cluster.start()
        connection.close()
        back = timezone.now()
        eventually(
            lambda: WorkerHeartbeat.objects.filter(last_seen__gt=back).exists(),
            "the heartbeat after the restart",
            workers=[worker],
        )
        with transaction.atomic():
            deliveries += [notices.send(draft, alice) for draft in drafts[9:]]
        eventually(lambda: all_accepted(deliveries), "all notices accepted", workers=[worker])
        eventually(
            lambda: (
                not DBTaskResult.objects.filter(
                    status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING)
                ).exists()
            ),
            "every task finished",
            workers=[worker],
        )
        assert worker.stop() == 0, worker.output[-3000:]
        received = platform.messages
    assert message_ids(received) == sent_ids(deliveries)
    assert set(message_ids(received).values()) == {1}
    for delivery in Delivery.objects.all():
        assert delivery.attempts == 1
        assert list(Attempt.objects.filter(delivery=delivery).values_list("result", flat=True)) == [
            AttemptResult.ACCEPTED
        ]
    assert "recording the outcome" in worker.output  # the held answer was kept and recorded


# ------------------------------------------------------------------------------ SMTP


def restart_on_the_same_port(server: SmtpServer) -> None:
    # aiosmtpd's controller can't start twice: a new one, same handler, same port.
    server.controller = Controller(server.handler, hostname="127.0.0.1", port=server.port)
    server.start()


@TRANSACTIONAL
def test_notices_wait_visibly_while_the_platform_server_is_down_then_go_once(
    tmp_path: Path, spawn: Spawn
) -> None:
    alice, drafts = draft_notices(5)
    platform = SmtpServer().start()
    try:
        env = worker_env(
            tmp_path,
            FLAGDESK_SMTP_URL=platform.url,
            FLAGDESK_FROM_EMAIL=TEAM,
            FLAGDESK_SEND_RETRY_SECONDS="1",
        )
        worker = spawn(env, "--no-mail")
        first = [notices.send(drafts[0], alice)]
        eventually(lambda: all_accepted(first), "the first notice accepted", workers=[worker])
        platform.stop()
        waiting = [notices.send(draft, alice) for draft in drafts[1:]]
        eventually(
            lambda: (
                Delivery.objects.filter(
                    pk__in=[d.pk for d in waiting], state=DeliveryState.RETRYING
                ).count()
                == len(waiting)
            ),
            "the notices retrying",
            workers=[worker],
        )
        for delivery in Delivery.objects.filter(pk__in=[d.pk for d in waiting]):
            assert "connection failed" in delivery.last_error  # shown on the notice page
            assert delivery.attempt_rows.filter(result=AttemptResult.TEMPORARY_FAILURE).exists()
        assert notices.waiting_to_send() == len(waiting)
        restart_on_the_same_port(platform)
        everything = first + waiting
        eventually(lambda: all_accepted(everything), "all notices accepted", workers=[worker])
        assert worker.stop() == 0, worker.output[-3000:]
    finally:
        platform.stop()
    assert message_ids(platform.messages) == sent_ids(everything)
    assert set(message_ids(platform.messages).values()) == {1}
    for delivery in Delivery.objects.filter(pk__in=[d.pk for d in waiting]):
        assert delivery.last_error == ""
        results = list(delivery.attempt_rows.order_by("number").values_list("result", flat=True))
        assert results[-1] == AttemptResult.ACCEPTED
        assert set(results[:-1]) == {AttemptResult.TEMPORARY_FAILURE}


# ------------------------------------------------------------------------------ IMAP


def unmatched_mail(number: int, size: int = 0) -> bytes:
    message = EmailMessage()
    message["From"] = "Someone <someone@example.test>"
    message["To"] = TEAM
    message["Subject"] = f"Question {number}"
    message["Message-ID"] = f"<question-{number}@example.test>"
    message.set_content(f"Question number {number}.")
    if size:
        message.add_attachment(b"x" * size, maintype="application", subtype="octet-stream")
    return message.as_bytes()


@TRANSACTIONAL
def test_the_mailbox_watcher_reconnects_after_the_imap_server_restarts(
    tmp_path: Path, spawn: Spawn, dovecot: DovecotServer
) -> None:
    alice, [draft] = draft_notices(1)
    with SmtpServer() as platform:
        env = worker_env(
            tmp_path,
            FLAGDESK_SMTP_URL=platform.url,
            FLAGDESK_FROM_EMAIL=TEAM,
            FLAGDESK_IMAP_URL=dovecot.url(),
        )
        worker = spawn(env)
        delivery = notices.send(draft, alice)
        eventually(lambda: all_accepted([delivery]), "the notice accepted", workers=[worker])
        draft.refresh_from_db()
        dovecot.append(DEFAULT_USER, platform_answer(draft, TEAM, text="Received, thanks."))
        eventually(lambda: MailMessage.objects.count() == 1, "the first answer", workers=[worker])
        eventually(lambda: mailbox_health() == [True], "/health: mailbox read", workers=[worker])

        dovecot.stop()
        worker.wait_for_output("unavailable")  # "IMAP 127.0.0.1:… unavailable …; retrying"
        eventually(lambda: mailbox_health() == [False], "/health: mailbox down", workers=[worker])
        degraded = Client().get("/health")
        assert (degraded.status_code, degraded.json()["status"]) == (503, "degraded")
        [failing] = WorkerHeartbeat.objects.exclude(mailbox_error="")
        assert failing.mailbox_error_since is not None
        assert "secret" not in failing.mailbox + failing.mailbox_error  # no password anywhere
        staff = verified_client(alice)
        page = staff.get("/").content.decode()
        assert 'class="mailbox-failing"' in page
        dovecot.start()
        for number in range(5):
            dovecot.append(DEFAULT_USER, platform_answer(draft, TEAM, text=f"Update {number}."))
        eventually(lambda: MailMessage.objects.count() == 6, "six messages", workers=[worker])
        eventually(lambda: mailbox_health() == [True], "/health: mailbox back", workers=[worker])
        assert 'class="mailbox-failing"' not in staff.get("/").content.decode()
        assert worker.stop() == 0, worker.output[-3000:]
    messages = list(MailMessage.objects.all())
    assert {m.notice_id for m in messages} == {draft.pk}
    assert len({m.message_id for m in messages}) == 6
    assert AuditEvent.objects.filter(action="mail_archived").count() == 6
    assert AuditEvent.objects.filter(action="notice_acknowledged").count() == 1
    assert MailboxCursor.objects.get().last_uid == 6


def mailbox_health() -> list[bool]:
    return [m["ok"] for m in Client().get("/health").json()["mailboxes"]]


# ------------------------------------------------------------------------- a full disk


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A 512 KiB tmpfs where the archive keeps mail, filled up; yields (mount, filler)."""
    mount = tmp_path / "mail"
    mount.mkdir()
    done = subprocess.run(
        ["/usr/bin/mount", "-t", "tmpfs", "-o", "size=512k,mode=0755", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs (needs root): {done.stderr}", pytrace=False)
    try:
        filler = mount / "filler"
        fill_up(filler)
        yield mount, filler
    finally:
        subprocess.run(["/usr/bin/umount", "-l", str(mount)], check=False)


def fill_up(path: Path) -> None:
    """Write zeros until the file system says it is full."""
    with path.open("wb", buffering=0) as handle:
        while True:
            try:
                handle.write(b"\0" * 65536)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                return


def files_under(top: Path) -> list[Path]:
    return sorted(p for p in top.rglob("*") if p.is_file())


@TRANSACTIONAL
def test_a_full_disk_leaves_mail_unimported_and_nothing_half_written_until_space_returns(
    tmp_path: Path, spawn: Spawn, dovecot: DovecotServer, full_disk: tuple[Path, Path]
) -> None:
    mount, filler = full_disk
    raws = [unmatched_mail(1), unmatched_mail(2, size=100_000), unmatched_mail(3)]
    for raw in raws:
        dovecot.append(DEFAULT_USER, raw)
    # FLAGDESK_DATA_DIR/mail is the full tmpfs.
    worker = spawn(worker_env(tmp_path, FLAGDESK_IMAP_URL=dovecot.url()))
    worker.wait_for_output("No space left on device")
    worker.wait_for_output("delivering mail failed")
    eventually(lambda: mailbox_health() == [False], "/health: mailbox failing", workers=[worker])
    assert "No space left on device" in WorkerHeartbeat.objects.get().mailbox_error
    assert MailMessage.objects.count() == 0
    assert not MailboxCursor.objects.filter(last_uid__gt=0).exists()
    assert files_under(mount) == [filler]  # no partial or temporary file left behind

    filler.unlink()
    eventually(lambda: MailMessage.objects.count() == 3, "three messages", workers=[worker])
    assert worker.stop() == 0, worker.output[-3000:]
    assert MailboxCursor.objects.get().last_uid == 3
    assert AuditEvent.objects.filter(action="mail_archived").count() == 3
    stored = files_under(mount)
    assert not [p for p in stored if p.name.startswith(".")]
    for raw in raws:
        digest = hashlib.sha256(raw.replace(b"\n", b"\r\n")).hexdigest()
        message = MailMessage.objects.get(sha256=digest)
        assert (mount / message.raw_path).read_bytes() == raw.replace(b"\n", b"\r\n")
