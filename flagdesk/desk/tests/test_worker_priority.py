# SPDX-License-Identifier: EUPL-1.2
"""The worker's bulk loop (matching, retention) runs at a lower CPU priority than its lane
and than the web: on a machine shared with gunicorn and the database, a surge's matching
backlog took a third of the two cores from the pages (docs/benchmarks.md, "Where the time
goes at 128 users"). Checked on a real ``flagdesk worker`` process, thread by thread."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from flagdesk.core.tests.processes import WorkerProcess, spawn
from flagdesk.desk.management.commands.worker import BULK_NICENESS
from tests_support.worker import worker_env

__all__ = ["spawn"]  # the fixture

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.processes,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness"),
]


def niceness_by_thread(pid: int) -> dict[int, int]:
    """Each thread's niceness, from /proc (field 19 of its stat line)."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        found[int(task.name)] = int(fields[16])
    return found


@pytest.mark.parametrize("arguments", [(), ("--no-mail",)], ids=["make run", "one worker"])
def test_only_the_bulk_loop_runs_at_a_lower_priority(
    spawn: Callable[..., WorkerProcess], tmp_path: Path, arguments: tuple[str, ...]
) -> None:
    worker = spawn(worker_env(tmp_path), *arguments)
    worker.wait_for_output("task queue bulk")
    worker.wait_for_output("task queue lane")
    threads = niceness_by_thread(worker.process.pid)
    lowered = [tid for tid, nice in threads.items() if nice == BULK_NICENESS]
    assert len(lowered) == 1, threads  # the bulk loop's thread, and only that one
    assert threads[worker.process.pid] == 0  # the main thread (signals, the stop)
    assert sorted(set(threads.values())) == [0, BULK_NICENESS]  # the lane, upkeep, mail: 0


def test_the_lane_alone_keeps_its_priority(
    spawn: Callable[..., WorkerProcess], tmp_path: Path
) -> None:
    worker = spawn(worker_env(tmp_path), "--queue", "notices", "--no-mail")
    worker.wait_for_output("task queue lane")
    assert set(niceness_by_thread(worker.process.pid).values()) == {0}
