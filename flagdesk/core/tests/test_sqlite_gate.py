# SPDX-License-Identifier: EUPL-1.2
"""The SQLite write gate (flagdesk/core/sqlite/base.py): one transaction at a time, handed on
at commit, rollback or close, never shared with a forked child, bounded by the timeout.

The gate exists on SQLite only; on PostgreSQL (the second run of ``make test``) these tests
are skipped, as the row-lock tests in test_locking.py are skipped on SQLite.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections, transaction

from flagdesk.audit.models import ChainHead
from flagdesk.core.sqlite.base import DatabaseCreation, DatabaseWrapper

ON_SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the write gate is part of the SQLite backend only"
)
# serialized_rollback, as every transactional test here: the tests after it find the
# database as migrations left it.
pytestmark = [ON_SQLITE_ONLY, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def other() -> Iterator[DatabaseWrapper]:
    """A second connection to the test database, as another process would have."""
    conn = connections.create_connection("default")
    conn.settings_dict = {**connection.settings_dict, "OPTIONS": {"timeout": 0.3}}
    yield conn  # type: ignore[misc]
    conn.close()


def gate_is_free() -> bool:
    path = connection.gate_path()  # type: ignore[attr-defined]
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_the_sqlite_engine_is_the_gated_one() -> None:
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.gate_path() == f"{connection.settings_dict['NAME']}-writegate"


def test_a_transaction_holds_the_gate_until_it_commits() -> None:
    assert gate_is_free()
    with transaction.atomic():
        ChainHead.objects.get_or_create(id=1)
        assert not gate_is_free()
    assert gate_is_free()


def test_a_rolled_back_transaction_opens_the_gate() -> None:
    shut_inside: list[bool] = []

    def fail_inside() -> None:
        with transaction.atomic():
            shut_inside.append(not gate_is_free())
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fail_inside()
    assert shut_inside == [True]
    assert gate_is_free()


def test_closing_the_connection_opens_the_gate() -> None:
    transaction.set_autocommit(False)
    try:
        connection._start_transaction_under_autocommit()  # type: ignore[attr-defined]
        assert not gate_is_free()
    finally:
        connection.close()
    assert gate_is_free()


def test_a_second_writer_waits_and_then_sees_the_first_ones_commit() -> None:
    entered = threading.Event()
    seen: list[int] = []

    def second_writer() -> None:
        try:
            with transaction.atomic():
                entered.set()
                seen.append(ChainHead.objects.get(id=1).seq)
        finally:
            connections["default"].close()

    with transaction.atomic():
        ChainHead.objects.update_or_create(id=1, defaults={"seq": 41})
        thread = threading.Thread(target=second_writer)
        thread.start()
        # Waiting, not started: nothing of its transaction has run while the gate is shut.
        assert not entered.wait(0.3)
        ChainHead.objects.filter(id=1).update(seq=42)
    thread.join(timeout=20)
    assert entered.is_set()
    assert seen == [42]


def test_a_waiter_gives_up_after_the_timeout(other: DatabaseWrapper) -> None:
    other.ensure_connection()
    with transaction.atomic():
        with pytest.raises(OperationalError, match="database is locked"):
            other._start_transaction_under_autocommit()
        assert not other._gate_held
    # Once the first transaction is over, the same connection gets the gate.
    other._start_transaction_under_autocommit()
    assert other._gate_held
    other.rollback()
    assert not other._gate_held


def test_a_forked_child_does_not_share_its_parents_gate() -> None:
    """flock belongs to the open file, which a child inherits: it must open its own."""
    with transaction.atomic():
        pid = os.fork()
        if pid == 0:  # the child: its inherited connection must wait for the parent
            code = 1
            try:
                connection.settings_dict["OPTIONS"] = {"timeout": 0.3}
                connection._take_gate()  # type: ignore[attr-defined]
            except OperationalError:
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_destroying_a_test_database_removes_its_gate_file(tmp_path: Path) -> None:
    database = tmp_path / "test-1.sqlite3"
    database.write_bytes(b"")
    gate = tmp_path / "test-1.sqlite3-writegate"
    gate.write_bytes(b"")
    DatabaseCreation(connections["default"])._destroy_test_db(str(database), verbosity=0)
    assert not database.exists()
    assert not gate.exists()
