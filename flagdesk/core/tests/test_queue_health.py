# SPDX-License-Identifier: EUPL-1.2
"""The dashboard and /health show how much background work waits, per queue, and how long
the oldest task has waited; /health only adds fields (monitoring that reads the old ones
keeps working)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from flagdesk.accounts.models import User
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.narratives.tasks import suggest_narratives
from flagdesk.narratives.tests.test_service import new_case
from flagdesk.notices.tasks import deliver_notice


def test_health_counts_waiting_tasks_per_queue_and_the_oldest_wait(tk2023: Election) -> None:
    for case_id in range(3):
        suggest_narratives.enqueue(case_id + 1)
    deliver_notice.enqueue(1)
    DBTaskResult.objects.filter(queue_name="default").update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=2)
    )
    answer = Client().get("/health").json()
    assert {"status", "database", "workers", "notices_waiting", "mailboxes"} <= set(answer)
    default, notices, mail = (answer["queues"][name] for name in ("default", "notices", "mail"))
    assert default["waiting"] == 3 and default["oldest_seconds"] >= 120
    assert notices["waiting"] == 1 and 0 <= notices["oldest_seconds"] < 120
    assert mail == {"waiting": 0, "oldest_seconds": None}
    assert answer["matching"] == {"cases_waiting": 0, "oldest_seconds": None}


def test_a_retry_waits_from_its_due_time_and_a_future_one_not_at_all(db: None) -> None:
    deliver_notice.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue(1)
    assert Client().get("/health").json()["queues"]["notices"]["waiting"] == 0
    due = timezone.now() - dt.timedelta(seconds=30)
    DBTaskResult.objects.update(run_after=due, enqueued_at=due - dt.timedelta(hours=1))
    notices = Client().get("/health").json()["queues"]["notices"]
    assert notices["waiting"] == 1 and 30 <= notices["oldest_seconds"] < 3600


def test_a_queue_with_retries_and_new_tasks_counts_both_and_the_longest_wait(db: None) -> None:
    """Both kinds in one queue (read in one query since session 12): every due task is
    counted, and the oldest is the earlier of a retry's due time and a new task's
    enqueueing, whichever kind it is."""
    from flagdesk.core import queues

    now = timezone.now()
    deliver_notice.enqueue(1)
    deliver_notice.using(run_after=now + dt.timedelta(hours=1)).enqueue(2)
    DBTaskResult.objects.filter(args_kwargs__args=[1]).update(
        enqueued_at=now - dt.timedelta(minutes=2)
    )
    DBTaskResult.objects.filter(args_kwargs__args=[2]).update(
        run_after=now - dt.timedelta(minutes=5), enqueued_at=now - dt.timedelta(minutes=60)
    )
    [state] = [q for q in queues.queue_states() if q.name == "notices"]
    assert state.waiting == 2
    # The retry is due since 5 minutes (its enqueueing an hour ago does not count); the
    # new task waits since 2 minutes: the longest wait is the retry's.
    assert state.oldest is not None and abs((now - state.oldest).total_seconds() - 300) < 5
    DBTaskResult.objects.filter(args_kwargs__args=[1]).update(
        enqueued_at=now - dt.timedelta(minutes=9)
    )
    [state] = [q for q in queues.queue_states() if q.name == "notices"]
    assert abs((now - state.oldest).total_seconds() - 540) < 5


def test_health_and_dashboard_show_cases_waiting_for_matching(
    tk2023: Election, alice: User
) -> None:
    new_case(tk2023, "x", "https://x.com/a/status/3101")
    new_case(tk2023, "x", "https://x.com/a/status/3102")
    answer = Client().get("/health").json()
    assert answer["matching"]["cases_waiting"] == 2
    assert answer["queues"]["default"]["waiting"] == 1  # one batch task for both cases
    html = in_english(verified_client(alice)).get("/").content.decode()
    panel = html[html.index('id="h-background"') :]
    assert "Notices to send" in panel and "Cases waiting for matching" in panel
    assert "<td>2</td>" in panel
