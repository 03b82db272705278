# SPDX-License-Identifier: EUPL-1.2
"""Django's SQLite backend, with a write gate that wakes waiting writers at once.

Every FlagDesk transaction on SQLite starts with ``BEGIN IMMEDIATE`` (settings.py), so
transactions already run one at a time. A transaction that finds the write lock taken
waits in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15 … ms between tries: on
election day, with web workers and background workers all writing, much of that sleep is
spent after the lock was already free. The gate is an ``flock`` on ``<database>-writegate``
taken just before ``BEGIN IMMEDIATE`` and released at commit, rollback or close; a waiter
polls it in steps of 0.2–2 ms, so it starts within a couple of milliseconds of the
release. Measured with ``benchmarks/intake.py`` (docs/benchmarks.md, "SQLite write
gate"): intake throughput at 4 clients about +9 % (median of six alternating runs).

SQLite's own lock still guards the data: the gate only decides who asks next. Writes
outside a transaction (autocommit) do not take the gate and queue on SQLite as before. The
kernel drops an ``flock`` when its process dies, so a crashed worker never leaves the gate
shut; a waiter gives up after the connection's ``timeout`` (as SQLite would) with
"database is locked".
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from typing import Any

from django.db.backends.sqlite3 import base, creation
from django.db.utils import OperationalError

# The hooks overridden below are private in Django (stable in 5.2 LTS) and absent from
# django-stubs, hence the type: ignore on each call up.

GATE_SUFFIX = "-writegate"
FIRST_PAUSE = 0.0002
LONGEST_PAUSE = 0.002


class DatabaseCreation(creation.DatabaseCreation):
    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        super()._destroy_test_db(test_database_name, verbosity)  # type: ignore[misc]
        if test_database_name and not self.is_in_memory_db(test_database_name):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{test_database_name}{GATE_SUFFIX}")


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
    _gate_fd: int | None = None
    _gate_pid: int | None = None
    _gate_held = False

    def _start_transaction_under_autocommit(self) -> None:
        self._take_gate()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._open_gate()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._open_gate()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._open_gate()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._open_gate()
            if self._gate_fd is not None and self._gate_pid == os.getpid():
                os.close(self._gate_fd)
            self._gate_fd = None

    def gate_path(self) -> str | None:
        """The gate's file, or ``None`` for an in-memory database (one connection only)."""
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}{GATE_SUFFIX}"

    def _take_gate(self) -> None:
        fd = self._gate_file()
        if fd is None:
            return
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + timeout
        pause = FIRST_PAUSE
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OperationalError("database is locked (write gate)") from None
                time.sleep(pause)
                pause = min(pause * 1.5, LONGEST_PAUSE)
        self._gate_held = True

    def _open_gate(self) -> None:
        if self._gate_held and self._gate_fd is not None:
            fcntl.flock(self._gate_fd, fcntl.LOCK_UN)
        self._gate_held = False

    def _gate_file(self) -> int | None:
        # A child process shares its parent's open files, and with them their flock: it
        # needs a file of its own for the gate to keep the two apart.
        if self._gate_fd is not None and self._gate_pid != os.getpid():
            self._gate_fd, self._gate_held = None, False
        if self._gate_fd is None:
            path = self.gate_path()
            if path is None:
                return None
            self._gate_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._gate_pid = os.getpid()
        return self._gate_fd
