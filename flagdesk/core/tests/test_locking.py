# SPDX-License-Identifier: EUPL-1.2
"""Row locks never conflict with PostgreSQL's foreign-key checks.

Django makes foreign keys ``DEFERRABLE INITIALLY DEFERRED`` on PostgreSQL: they are checked at
commit, with ``FOR KEY SHARE`` on each referenced row. A transaction that appends to the audit
chain holds the chain head until it commits; if another transaction meanwhile held
``FOR UPDATE`` on a row the first one references (a platform, a notice, a delivery) and then
waited for the chain head, each would wait for the other: the deadlocks the election-day load
benchmark found. ``FOR NO KEY UPDATE`` does not conflict with ``FOR KEY SHARE``, and nothing
of ours changes a primary key, so every lock we take is that one.

The first test reproduces the deadlock with two real connections; the second checks that the
main path (intake, decision, send, delivery, a platform's reply) only takes the safe lock. On
SQLite there are no row locks (a write transaction locks the database), so this module runs
on PostgreSQL only, in the second run of ``make test``; the source check runs everywhere.
"""

from __future__ import annotations

import re
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from flagdesk.accounts.models import User
from flagdesk.audit import service as audit
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.mailarchive import service as mailarchive
from flagdesk.notices import dispatch
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import SEED_POST, approved_case
from flagdesk.platforms.models import Platform
from tests_support.mail import platform_answer

ON_POSTGRES_ONLY = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="row locks exist on PostgreSQL only (the second run of make test)",
)


@ON_POSTGRES_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(("no_key", "deadlocks"), [(False, True), (True, False)])
def test_for_update_on_a_referenced_row_deadlocks_and_no_key_does_not(
    x_platform: Platform, no_key: bool, deadlocks: bool
) -> None:
    """The mechanism itself: FOR UPDATE deadlocks against a deferred FK check, NO KEY doesn't."""
    table = f"lock_probe_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        # A table whose rows reference the platform through a deferred foreign key, as Django
        # makes them: checked at commit, while the chain head is held.
        cursor.execute(
            f"CREATE TABLE {table} (platform_id integer REFERENCES platforms_platform(id) "
            "DEFERRABLE INITIALLY DEFERRED)"
        )
    errors: list[BaseException] = []
    started = threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                audit.log("lock_test", x_platform)  # holds the chain head until commit
                with connection.cursor() as cursor:
                    cursor.execute(f"INSERT INTO {table} VALUES (%s)", [x_platform.pk])  # noqa: S608
                started.set()
                connection.cursor().execute("SELECT pg_sleep(0.5)")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert started.wait(10), errors
        try:
            with transaction.atomic():
                Platform.objects.select_for_update(no_key=no_key).get(pk=x_platform.pk)
                audit.log("lock_test", x_platform)  # waits for the chain head
        except BaseException as exc:
            errors.append(exc)
        thread.join(20)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {table}")
    found = " ".join(str(error) for error in errors)
    assert ("deadlock detected" in found) is deadlocks, found
    if not deadlocks:
        assert audit.verify() == []


@ON_POSTGRES_ONLY
def test_the_main_path_takes_no_lock_that_blocks_a_foreign_key_check(
    tk2023: Election, alice: User, bob: User, x_platform: Platform, settings: Any
) -> None:
    x_platform.channel_kind, x_platform.channel_address = "email", "escalations@x.example"
    x_platform.channel_active = True
    x_platform.save()
    settings.FROM_EMAIL = "trustedflagger@minbzk.example"
    with CaptureQueriesContext(connection) as queries:
        case = approved_case(tk2023, alice, bob)
        intake.record_signal(  # a second signal joins the case
            intake.SignalInput(
                election=tk2023, source_type="factchecker", category="misinformation",
                platform_name="x", content_urls=[SEED_POST],
                explanation="Same post.", received_via="email",
                source_organisation_name="Nieuwscheckers",
            )
        )  # fmt: skip
        notice = Notice.objects.get(case=case)
        delivery = notices.send(notice, alice)
        assert dispatch.attempt_delivery(delivery.pk) == "accepted"  # to the outbox
        notice.refresh_from_db()
        mailarchive.import_raw(platform_answer(notice, settings.FROM_EMAIL))
    locking = [q["sql"] for q in queries.captured_queries if " FOR " in q["sql"]]
    assert locking, "the path takes row locks; the capture must see them"
    blocking = [sql for sql in locking if "FOR UPDATE" in sql and "FOR NO KEY UPDATE" not in sql]
    assert blocking == []


def test_every_row_lock_in_the_source_is_no_key() -> None:
    """Also the paths the test above doesn't walk: every ``select_for_update`` says no_key."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"select_for_update\(([^)]*)\)", text):
            if "no_key=True" not in match.group(1):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(root)}:{line}")
    assert offenders == []
