# SPDX-License-Identifier: EUPL-1.2
"""A private PostgreSQL cluster for tests that stop and start the database under a worker.

Never touch the machine's shared server (port 5432): other test processes use it. This one
lives in a temp dir, listens on a free loopback port with trust authentication, and is gone
after the test. ``initdb`` refuses to run as root, so as root the cluster belongs to the
``postgres`` system user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests_support.servers import free_port

BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "127.0.0.1"
USER = "postgres"
DATABASE = "flagdesk"
TIMEOUT = 60.0


class PostgresUnavailableError(RuntimeError):
    """PostgreSQL's server binaries are missing or the cluster would not start."""


class PostgresCluster:
    """``initdb`` + ``pg_ctl`` in a temp dir; ``stop()``/``start()`` keep port and data."""

    def __init__(self) -> None:
        if not (BIN / "initdb").exists():
            raise PostgresUnavailableError(
                f"{BIN}/initdb is missing: install the postgresql package (.ci/run does this)"
            )
        self.root = Path(tempfile.mkdtemp(prefix="flagdesk-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._owner = _owner()
        if self._owner is not None:
            os.chown(self.root, self._owner.pw_uid, self._owner.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "--no-sync",
            "-E", "UTF8", "--locale", "C.UTF-8",
        )  # fmt: skip
        self.start()
        self._run("createdb", "-h", HOST, "-p", str(self.port), "-U", USER, DATABASE)

    @property
    def url(self) -> str:
        return f"postgres://{USER}@{HOST}:{self.port}/{DATABASE}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses={HOST} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                  "-t", str(int(TIMEOUT)), "start")  # fmt: skip

    def stop(self) -> None:
        """Stop at once (``-m fast``): open connections are cut, as in a real restart."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own binaries, our own arguments
            [str(BIN / program), *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            cwd=self.root,
            user=self._owner.pw_uid if self._owner else None,
            group=self._owner.pw_gid if self._owner else None,
        )
        if check and done.returncode != 0:
            raise PostgresUnavailableError(
                f"{program} failed ({done.returncode}):\n{done.stdout}{done.stderr}\n"
                f"{self.log_tail()}"
            )


def _owner() -> pwd.struct_passwd | None:
    """Who runs the cluster: ourselves, or the ``postgres`` user when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError as exc:
        raise PostgresUnavailableError("running as root, but there is no postgres user") from exc


def wait_until_accepting(cluster: PostgresCluster, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, cluster.port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise PostgresUnavailableError(f"PostgreSQL did not come back:\n{cluster.log_tail()}")


@pytest.fixture
def private_postgres() -> Iterator[PostgresCluster]:
    """A running private cluster with an empty ``flagdesk`` database (not migrated)."""
    try:
        cluster = PostgresCluster()
    except PostgresUnavailableError as exc:
        problem = str(exc)
    else:
        try:
            yield cluster
        finally:
            cluster.close()
        return
    pytest.fail(f"private PostgreSQL unavailable: {problem}", pytrace=False)
