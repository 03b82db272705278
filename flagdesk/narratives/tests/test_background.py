# SPDX-License-Identifier: EUPL-1.2
"""Background matching keeps up with a surge: one marker per case (not a task per signal),
one batch task waiting for all of them, batches of FLAGDESK_MATCHING_BATCH cases, and a
queue that drains by itself."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from flagdesk.core.models import WorkerHeartbeat
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case
from flagdesk.narratives import service
from flagdesk.narratives.models import MatchingWanted
from flagdesk.narratives.tasks import match_wanted_cases
from flagdesk.narratives.tests.test_service import new_case
from tests_support.worker import run_worker, worker_env


def batch_tasks(status: str = TaskResultStatus.READY) -> int:
    return DBTaskResult.objects.filter(
        task_path=match_wanted_cases.module_path, status=status
    ).count()


def test_a_hundred_signals_on_one_case_leave_one_pending_task(tk2023: Election) -> None:
    case = new_case(tk2023, "x", "https://x.com/a/status/501")
    for _ in range(99):
        assert new_case(tk2023, "x", "https://x.com/a/status/501").pk == case.pk
    assert case.signals.count() == 100
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    assert batch_tasks() == 1
    [marker] = MatchingWanted.objects.all()
    # The signal that opened the case made the marker (no batch can have read a case that
    # did not exist); each of the 99 that joined it moved the generation on.
    assert (marker.case_id, marker.generation) == (case.pk, 99)


def test_signals_on_many_cases_still_leave_one_batch_task(tk2023: Election) -> None:
    for number in range(20):
        new_case(tk2023, "x", f"https://x.com/a/status/6{number:02d}")
    assert MatchingWanted.objects.count() == 20
    assert batch_tasks() == 1
    assert service.matching_backlog().cases == 20


def test_a_batch_takes_the_longest_waiting_cases_first(tk2023: Election) -> None:
    cases = [new_case(tk2023, "x", f"https://x.com/a/status/7{n:02d}") for n in range(5)]
    assert service.match_wanted(limit=2) == 2
    left = set(MatchingWanted.objects.values_list("case_id", flat=True))
    assert left == {c.pk for c in cases[2:]}
    assert service.links_for(cases[0]) and service.links_for(cases[1])
    assert not MatchingWanted.objects.exclude(claimed_by="").exists()  # claims released


def test_a_signal_that_arrives_during_the_match_makes_the_case_wait_again(
    tk2023: Election,
) -> None:
    case = new_case(tk2023, "x", "https://x.com/a/status/801")
    claimed = service._claim(10)
    service.want_matching(case.pk)  # a new signal commits while the batch matches the case
    service._match_one(claimed[0])
    service._release(claimed)
    assert MatchingWanted.objects.filter(case=case).exists()  # matched again next batch
    assert service.match_wanted() == 1
    assert not MatchingWanted.objects.exists()


def test_cases_a_dead_worker_claimed_are_matched_live_claims_are_left(tk2023: Election) -> None:
    dead_case = new_case(tk2023, "x", "https://x.com/a/status/901")
    busy_case = new_case(tk2023, "x", "https://x.com/a/status/902")
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="other-host-1-live", hostname="other-host", pid=1, started_at=now, last_seen=now
    )
    MatchingWanted.objects.filter(case=dead_case).update(claimed_by="gone-1-x", claimed_at=now)
    MatchingWanted.objects.filter(case=busy_case).update(
        claimed_by="other-host-1-live", claimed_at=now
    )
    assert service.match_wanted() == 1
    assert list(MatchingWanted.objects.values_list("case_id", flat=True)) == [busy_case.pk]


def test_upkeep_schedules_a_batch_for_cases_left_without_one(tk2023: Election) -> None:
    new_case(tk2023, "x", "https://x.com/a/status/1001")
    DBTaskResult.objects.all().delete()  # as if the batch task had crashed
    assert service.schedule_leftover_matching() is True
    assert service.schedule_leftover_matching() is False  # one waits now
    assert batch_tasks() == 1


def test_nothing_waiting_schedules_nothing(db: None) -> None:
    assert service.schedule_leftover_matching() is False
    assert batch_tasks() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.processes
def test_a_worker_drains_a_surge_in_batches_by_itself(tk2023: Election, tmp_path: Path) -> None:
    cases = [new_case(tk2023, "x", f"https://x.com/a/status/11{n:02d}") for n in range(7)]
    env = worker_env(tmp_path, FLAGDESK_MATCHING_BATCH="3")
    done = run_worker(env, "--once", "--no-mail")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not MatchingWanted.objects.exists()
    runs = DBTaskResult.objects.filter(task_path=match_wanted_cases.module_path)
    assert sorted(runs.values_list("return_value", flat=True)) == [1, 3, 3]
    assert set(runs.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert all(service.links_for(case) for case in cases)


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="the enqueue race needs PostgreSQL (SQLite serialises every write transaction)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_signals_on_postgres_enqueue_one_batch_task(tk2023: Election) -> None:
    cases = [new_case(tk2023, "x", f"https://x.com/a/status/12{n:02d}") for n in range(8)]
    DBTaskResult.objects.all().delete()
    MatchingWanted.objects.all().delete()
    start = threading.Barrier(len(cases) * 2)
    errors: list[BaseException] = []

    def signal_arrives(case: Case) -> None:
        try:
            with transaction.atomic():
                Case.objects.get(pk=case.pk)  # the transaction has begun
                start.wait(timeout=30)  # all check "is a batch waiting?" at once
                service.want_matching(case.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    # Two signals per case: also the marker's insert races with itself.
    threads = [threading.Thread(target=signal_arrives, args=(c,)) for c in cases + cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert batch_tasks() == 1
    assert MatchingWanted.objects.count() == len(cases)
    assert set(MatchingWanted.objects.values_list("generation", flat=True)) == {2}
