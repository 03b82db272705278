# SPDX-License-Identifier: EUPL-1.2
"""Several processes recording signals at once on SQLite: they queue, none fails with
"database is locked".

SQLite allows one writer. Django's ``transaction_mode="IMMEDIATE"`` (settings.py) makes every
transaction take the write lock at its start, so a second writer waits in SQLite's busy
handler (up to ``timeout``) instead of failing when its read turns into a write mid-way, as a
deferred transaction does. Intake reads (the case URLs, the chain head) before it writes.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connection, connections

from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, Signal
from flagdesk.intake.tests.test_service_intake import signal_input

PROCESSES = 4
SIGNALS_EACH = 15

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer only"),
    pytest.mark.processes,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def record_signals(election: Election, writer: int) -> int:
    """In a forked child: its own connection, its own signals; the exit code says how it went."""
    try:
        for n in range(SIGNALS_EACH):
            url = f"https://x.com/kiezer/status/17{writer:02d}{n:04d}0000000000"
            intake.record_signal(signal_input(election, [url]))
            # Every other signal joins a case another process may be writing to.
            intake.record_signal(signal_input(election, ["https://x.com/kiezer/status/1"]))
    except Exception as exc:
        print(f"writer {writer}: {exc!r}", flush=True)  # the reason, for the test log
        return 1
    finally:
        connections.close_all()
    return 0


def test_concurrent_writer_processes_queue_instead_of_failing(tk2023: Election) -> Any:
    connections.close_all()  # each child opens its own connection
    children = []
    for writer in range(PROCESSES):
        pid = os.fork()
        if pid == 0:
            os._exit(record_signals(tk2023, writer))
        children.append(pid)
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]

    assert codes == [0] * PROCESSES
    assert Signal.objects.count() == PROCESSES * SIGNALS_EACH * 2
    assert Case.objects.count() == PROCESSES * SIGNALS_EACH + 1
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references)
