# SPDX-License-Identifier: EUPL-1.2
"""Helpers for tests that run several real ``flagdesk worker`` processes and break things
under them (test_scale_out.py, test_faults.py)."""

from __future__ import annotations

import email
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

import pytest
from django.db import connection

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import User
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import PLATFORM_ADDRESS, approved_case
from flagdesk.platforms.models import Platform
from tests_support.smtp import Received
from tests_support.worker import start_worker

TEAM = "trustedflagger@minbzk.example"
# Generous limits for what separate processes do; waits end as soon as the condition holds.
WAIT = 60.0


class WorkerProcess:
    """A running ``flagdesk worker`` whose output is read as it comes (a full pipe would
    block the worker) and kept for assertions and failure messages."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.process = start_worker(env, *args)
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self._lines.append(line)

    @property
    def output(self) -> str:
        with self._lock:
            return "".join(self._lines)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_for_output(self, text: str, timeout: float = WAIT, since: int = 0) -> None:
        """Wait until the worker writes ``text`` (after the first ``since`` characters)."""
        eventually(lambda: text in self.output[since:], f"worker output {text!r}", timeout, [self])

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, as systemd stops it; the worker finishes its task and exits."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=5)
        return self.process.returncode


def eventually(
    condition: Callable[[], bool],
    what: str,
    timeout: float = WAIT,
    workers: Iterable[WorkerProcess] = (),
) -> None:
    """Wait for what another process does; fail early when a worker died."""
    workers = list(workers)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        dead = [w for w in workers if not w.alive]
        if dead:
            pytest.fail(f"a worker exited while waiting for {what}:\n{dead[0].output[-4000:]}")
        time.sleep(0.1)
    tail = "\n---\n".join(w.output[-3000:] for w in workers)
    pytest.fail(f"gave up waiting for: {what}\n{tail}")


@pytest.fixture
def spawn() -> Iterator[Callable[..., WorkerProcess]]:
    """``spawn(env, *args)`` starts a worker; all are stopped at the end of the test."""
    started: list[WorkerProcess] = []

    def start(env: dict[str, str], *args: str) -> WorkerProcess:
        worker = WorkerProcess(env, *args)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def email_platform(election_code: str = "TK2023") -> tuple[Election, Platform]:
    platform = Platform.objects.get(slug="x")
    platform.channel_kind = "email"
    platform.channel_address = PLATFORM_ADDRESS
    platform.channel_active = True
    platform.save()
    return Election.objects.get(code=election_code), platform


def draft_notices(count: int, prefix: str = "race") -> tuple[User, list[Notice]]:
    """``count`` cases, each with an approved deploy decision and its draft notice to X;
    returns the assessor who may send them, and the drafts."""
    election, _ = email_platform()
    alice = make_user(f"alice-{prefix}", Role.ASSESSOR)
    bob = make_user(f"bob-{prefix}", Role.APPROVER)
    drafts = []
    for number in range(count):
        url = f"https://x.com/kiezer2023/status/17273650{number:011d}"
        case = approved_case(election, alice, bob, url=url)
        drafts.append(Notice.objects.get(case=case))
    return alice, drafts


def message_ids(received: Iterable[Received]) -> Counter[str]:
    return Counter(
        str(email.message_from_bytes(item.data)["Message-ID"]).strip() for item in received
    )


def on_postgres() -> bool:
    return connection.vendor == "postgresql"
