# SPDX-License-Identifier: EUPL-1.2
"""Run a real ``flagdesk worker`` process against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection


def database_url() -> str:
    """The URL of the database this test runs on (the test database, not the real one)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(data_dir: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLAGDESK_")}
    env.update(
        DATABASE_URL=database_url(),
        FLAGDESK_DATA_DIR=str(data_dir),
        FLAGDESK_LOG_LEVEL="INFO",
        FLAGDESK_WORKER_INTERVAL="0.05",
        # No nightly retention run in the middle of a test, unless the test asks for one.
        FLAGDESK_RETENTION_HOUR="-1",
    )
    env.update(settings)
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flagdesk.cli", "worker", *args]


def run_worker(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the worker to its end (``--once``, or until a failpoint kills it)."""
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        command(*args), env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603
        command(*args), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
