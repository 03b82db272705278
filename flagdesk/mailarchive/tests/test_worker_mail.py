# SPDX-License-Identifier: EUPL-1.2
"""The whole path with real servers: a `flagdesk worker` process sends through SMTP (aiosmtpd)
and reads the team mailbox over IMAP IDLE (Dovecot)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from flagdesk.accounts.models import User
from flagdesk.mailarchive.models import Kind, MailMessage
from flagdesk.notices import service as notices
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from tests_support.dovecot import DEFAULT_USER, DovecotServer
from tests_support.mail import platform_answer
from tests_support.smtp import Received, SmtpServer
from tests_support.worker import run_worker, start_worker, worker_env

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TEAM = "trustedflagger@minbzk.example"
ARCHIVE = "archive@minbzk.example"


def eventually(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Wait for something a separate process does; a generous limit, not a speed check."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for: {what}")


@pytest.fixture
def worker(
    tmp_path: Path, dovecot: DovecotServer
) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(smtp: SmtpServer, **extra: str) -> subprocess.Popen[str]:
        env = worker_env(
            tmp_path,
            FLAGDESK_SMTP_URL=smtp.url,
            FLAGDESK_FROM_EMAIL=TEAM,
            FLAGDESK_IMAP_URL=dovecot.url(),
            **extra,
        )
        process = start_worker(env)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_send_then_the_acknowledgment_arrives_by_idle(
    draft: Notice, alice: User, dovecot: DovecotServer, worker: Callable[..., subprocess.Popen[str]]
) -> None:
    with SmtpServer() as platform:
        process = worker(platform)
        delivery = notices.send(draft, alice)
        eventually(
            lambda: Delivery.objects.get(pk=delivery.pk).state == DeliveryState.ACCEPTED,
            "SMTP accepted",
        )
        [received] = platform.messages
        draft.refresh_from_db()
        assert received.data == bytes(draft.raw)
        # The platform answers; its mail lands in the team mailbox the worker is IDLE on.
        dovecot.append(DEFAULT_USER, platform_answer(draft, TEAM))
        eventually(
            lambda: Notice.objects.get(pk=draft.pk).acknowledged_at is not None, "acknowledged"
        )
        assert process.poll() is None
    [message] = MailMessage.objects.all()
    assert message.kind == Kind.ACKNOWLEDGMENT and message.notice_id == draft.pk
    assert notices.time_to_acknowledgment(Notice.objects.get(pk=draft.pk)) is not None


def test_the_archive_copy_proves_a_send_the_crash_left_unknown(
    draft: Notice,
    alice: User,
    dovecot: DovecotServer,
    tmp_path: Path,
    worker: Callable[..., subprocess.Popen[str]],
) -> None:
    def deliver_archive_copy(received: Received) -> None:
        # What the team's mail server does with the blind copy: put it in the team mailbox.
        if ARCHIVE in received.rcpt_tos:
            dovecot.append(DEFAULT_USER, received.data)

    with SmtpServer() as platform:
        platform.handler.on_message = deliver_archive_copy
        delivery = notices.send(draft, alice)
        env = worker_env(
            tmp_path,
            FLAGDESK_SMTP_URL=platform.url,
            FLAGDESK_FROM_EMAIL=TEAM,
            FLAGDESK_ARCHIVE_BCC=ARCHIVE,
            FLAGDESK_FAILPOINT="send.after_accept",
        )
        killed = run_worker(env, "--once", "--no-mail")
        assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
        assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.SENDING
        worker(platform, FLAGDESK_ARCHIVE_BCC=ARCHIVE)
        eventually(
            lambda: Delivery.objects.get(pk=delivery.pk).state == DeliveryState.ACCEPTED,
            "the archive copy settles the outcome",
        )
        assert len(platform.messages) == 1
    delivery.refresh_from_db()
    assert delivery.evidence.get("settled_by") or "evidence" in delivery.server_reply
