# SPDX-License-Identifier: EUPL-1.2
"""`flagdesk migrate` refuses while workers report: an old worker must never meet a schema it
does not know (issue 18). `--force` overrides; a stopped or silent worker does not count."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from flagdesk.core.models import WorkerHeartbeat
from flagdesk.core.tests.processes import WorkerProcess, eventually, spawn
from tests_support.worker import worker_env

__all__ = ["spawn"]  # the fixture

Spawn = Callable[..., WorkerProcess]


def heartbeat(**fields: Any) -> WorkerHeartbeat:
    now = timezone.now()
    values = {
        "worker_id": "old-release-1",
        "hostname": "web-01",
        "pid": 4242,
        "started_at": now,
        "last_seen": now,
        **fields,
    }
    return WorkerHeartbeat.objects.create(**values)


def test_migrate_refuses_while_a_worker_reports(db: Any) -> None:
    beat = heartbeat()
    with pytest.raises(CommandError) as refused:
        call_command("migrate", verbosity=0)
    message = str(refused.value)
    assert "web-01" in message and "pid 4242" in message
    assert beat.last_seen.isoformat(timespec="seconds") in message
    assert "--force" in message


def test_migrate_runs_with_force(db: Any) -> None:
    heartbeat()
    call_command("migrate", force=True, verbosity=0)


@pytest.mark.parametrize(
    "fields",
    [
        {"stopped_at": timezone.now()},
        {"last_seen": timezone.now() - dt.timedelta(hours=1)},
    ],
    ids=["stopped", "silent"],
)
def test_a_stopped_or_silent_worker_does_not_count(db: Any, fields: dict[str, Any]) -> None:
    heartbeat(**fields)
    call_command("migrate", verbosity=0)


def test_a_plan_or_check_changes_nothing_and_is_allowed(db: Any) -> None:
    heartbeat()
    call_command("migrate", plan=True, verbosity=0)


def run_migrate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "flagdesk.cli", "migrate", "--no-input", *args]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrate_refuses_while_a_real_worker_runs(tmp_path: Path, spawn: Spawn) -> None:
    env = worker_env(tmp_path)
    worker = spawn(env, "--no-mail")
    eventually(
        lambda: WorkerHeartbeat.objects.filter(stopped_at__isnull=True).exists(),
        "the worker reports",
        workers=[worker],
    )
    refused = run_migrate(env)
    assert refused.returncode != 0
    assert f"pid {worker.process.pid}" in refused.stderr, refused.stderr
    assert worker.stop() == 0
    done = run_migrate(env)  # the upgrade's order: stop the workers, then migrate
    assert done.returncode == 0, done.stderr
