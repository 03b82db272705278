# SPDX-License-Identifier: EUPL-1.2
"""Old notifications are deleted: read ones after FLAGDESK_NOTIFICATIONS_KEEP_DAYS, unread
ones after FLAGDESK_NOTIFICATIONS_KEEP_UNREAD_DAYS, nightly by the worker and by
``flagdesk notifications purge``; audited with counts only."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.desk.management.commands.worker import upkeep
from flagdesk.notifications import service
from flagdesk.notifications.models import Notification

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def make(user: User, days_old: float, *, read: bool, seq: int) -> Notification:
    created = NOW - dt.timedelta(days=days_old)
    return Notification.objects.create(
        recipient=user,
        event_seq=seq,
        action="decision_proposed",
        kind="approval_requested",
        link="/cases/FD-2023-0001",
        created_at=created,
        read_at=created + dt.timedelta(minutes=5) if read else None,
    )


@pytest.fixture
def mix(bob: User, alice: User) -> dict[str, Notification]:
    """Around both edges, for two people."""
    return {
        "read_old": make(bob, 91, read=True, seq=1),
        "read_young": make(bob, 89, read=True, seq=2),
        "unread_91": make(bob, 91, read=False, seq=3),  # unread: kept far longer
        "unread_old": make(alice, 366, read=False, seq=4),
        "unread_young": make(alice, 364, read=False, seq=5),
        "read_ancient": make(alice, 800, read=True, seq=6),
    }


def left() -> set[int]:
    return set(Notification.objects.values_list("pk", flat=True))


def test_it_deletes_only_what_is_past_its_period_and_audits_the_counts(
    mix: dict[str, Notification],
) -> None:
    purge = service.purge_old(now=NOW)
    assert (purge.read, purge.unread) == (2, 1)
    kept = {"read_young", "unread_91", "unread_young"}
    assert left() == {mix[name].pk for name in kept}
    event = AuditEvent.objects.get(action=service.PURGED)
    assert event.actor_label == "system"
    assert event.after == {"read": 2, "unread": 1, "keep_days": 90, "keep_unread_days": 365}
    # A second run finds nothing and writes nothing: two workers may both run it.
    assert service.purge_old(now=NOW).total == 0
    assert AuditEvent.objects.filter(action=service.PURGED).count() == 1


def test_the_periods_come_from_the_settings_and_zero_keeps_forever(
    mix: dict[str, Notification], settings: Any
) -> None:
    settings.NOTIFICATIONS_KEEP_DAYS = 0
    settings.NOTIFICATIONS_KEEP_UNREAD_DAYS = 30
    purge = service.purge_old(now=NOW)
    assert (purge.read, purge.unread) == (0, 3)
    assert left() == {mix[n].pk for n in ("read_old", "read_young", "read_ancient")}


def test_the_command_prints_how_many_and_dry_run_deletes_nothing(
    mix: dict[str, Notification],
) -> None:
    out = io.StringIO()
    call_command("notifications", "purge", "--dry-run", stdout=out)
    assert out.getvalue().startswith("would delete 3 notifications: 2 read")
    assert len(left()) == 6 and not AuditEvent.objects.filter(action=service.PURGED).exists()

    out = io.StringIO()
    call_command("notifications", "purge", stdout=out)
    assert out.getvalue().startswith("deleted 3 notifications: 2 read")
    assert "1 unread (older than 365 days)" in out.getvalue()
    assert len(left()) == 3
    assert AuditEvent.objects.get(action=service.PURGED).actor_label == "flagdesk notifications"


def test_the_worker_enqueues_the_purge_once_a_day_from_the_retention_hour(
    mix: dict[str, Notification], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "_scheduled_day", None)
    settings.RETENTION_HOUR = 3
    night = timezone.make_aware(dt.datetime(2026, 12, 7, 2, 59))
    assert not service.schedule_purge(night)
    assert service.schedule_purge(night + dt.timedelta(minutes=1))
    assert not service.schedule_purge(night + dt.timedelta(hours=5))  # once that day
    assert service.schedule_purge(night + dt.timedelta(days=1, hours=1))
    queued = DBTaskResult.objects.filter(task_path__endswith="purge_notifications")
    assert queued.count() == 2

    # The task the worker runs deletes them.
    from flagdesk.notifications import tasks

    assert tasks.purge_notifications.call() == "deleted 2 read and 1 unread notifications"
    assert len(left()) == 3


def test_the_worker_upkeep_schedules_it(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "_scheduled_day", None)
    settings.RETENTION_HOUR = 0  # due whenever upkeep runs
    upkeep()
    assert DBTaskResult.objects.filter(task_path__endswith="purge_notifications").exists()


def test_a_retention_hour_of_minus_one_turns_the_nightly_purge_off(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "_scheduled_day", None)
    settings.RETENTION_HOUR = -1
    assert not service.schedule_purge(NOW)
