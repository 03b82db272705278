# SPDX-License-Identifier: EUPL-1.2
"""Reads of a person's own notifications (writes go through ``service.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q

from flagdesk.notifications.models import Notification, NotificationSettings

READ_SHOWN = 50
UNREAD_SHOWN = 200  # more is a backlog to mark read in one go, not a list to read


def unread_count(user: Any) -> int:
    """The bell's number: one indexed count (the partial index on unread rows)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class BellState:
    """The bell's part of a live page's version; its unread count is the bell's number, so
    a page whose version was read shows it without counting again."""

    newest: int
    unread: int

    def __str__(self) -> str:
        return f"{self.newest}:{self.unread}"


def bell_version(user_id: int) -> BellState:
    """What the bell shows changes with a new notification or one read or cleared (here or in
    another tab): the newest one's id and the unread count, in one indexed read."""
    found = Notification.objects.filter(recipient_id=user_id).aggregate(
        newest=Max("pk"), unread=Count("pk", filter=Q(read_at__isnull=True))
    )
    return BellState(found["newest"] or 0, found["unread"])


def unread(user: Any, limit: int = UNREAD_SHOWN) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, read_at__isnull=True)[:limit])


def recently_read(user: Any, limit: int = READ_SHOWN) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, read_at__isnull=False)[:limit])


def own_notification(user: Any, notification_id: int) -> Notification | None:
    """The notification if it is the user's own; someone else's is as absent as a missing one."""
    return Notification.objects.filter(recipient=user, pk=notification_id).first()


def settings_of(user: Any) -> NotificationSettings | None:
    return NotificationSettings.objects.filter(user=user).first()
