# SPDX-License-Identifier: EUPL-1.2
"""Public API of the notifications app: turn audit events into notifications, mark them read,
keep each person's e-mail choice, and delete old ones (:func:`purge_old`).

:func:`notify_for` is the audit log's subscriber (``audit/hooks.py``): it runs inside the
transaction that wrote the events, so a notification exists exactly when its change does.
E-mail goes out later, from the worker (``tasks.email_notification``), never in a request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from flagdesk.accounts import selectors as account_reads
from flagdesk.accounts.permissions import Action, can, require
from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent
from flagdesk.notifications import recipients, tasks
from flagdesk.notifications.models import EmailState, Notification, NotificationSettings
from flagdesk.records import retention


def notify_for(events: Sequence[AuditEvent]) -> None:
    """Make the notifications these events call for (the audit log calls this)."""
    for event in events:
        if event.action in recipients.ADDRESSERS:
            notify(event)


def notify(event: AuditEvent) -> list[Notification]:
    """The notifications of one event; none twice for the same event and person.

    The actor is never told of their own action, and only active staff are told at all.
    """
    addressed = recipients.address(event)
    if addressed is None:
        return []
    wanted = addressed.recipients - {event.actor_ref}
    already = set(
        Notification.objects.filter(event_seq=event.seq).values_list("recipient_id", flat=True)
    )
    people = _staff(wanted - already)
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                event_seq=event.seq,
                action=event.action,
                kind=addressed.kind,
                case_reference=addressed.case.reference,
                link=addressed.link,
                actor_label=event.actor_label,
                created_at=event.at or timezone.now(),
            )
            for user in people
        ]
    )
    _queue_emails(created)
    return created


def _staff(user_ids: AbstractSet[int]) -> list[Any]:
    if not user_ids:
        return []
    return [u for u in account_reads.users_by_ids(user_ids) if can(u, Action.VIEW_CASES)]


def _queue_emails(created: list[Notification]) -> None:
    """Queue an e-mail for each notification whose recipient asked for one, after commit."""
    wanted = set(
        NotificationSettings.objects.filter(
            user_id__in=[n.recipient_id for n in created], email=True
        ).values_list("user_id", flat=True)
    )
    for notification in created:
        if notification.recipient_id in wanted and notification.recipient.email:
            Notification.objects.filter(pk=notification.pk).update(email_state=EmailState.QUEUED)
            transaction.on_commit(partial(tasks.email_notification.enqueue, notification.pk))


def mark_read(user: Any, notification: Notification) -> Notification:
    """Mark the user's own notification read (audited).

    :raises PermissionDenied: for someone else's notification.
    """
    require(user, Action.VIEW_CASES)
    if notification.recipient_id != user.pk:
        raise PermissionDenied("not your notification")
    with transaction.atomic():
        changed = Notification.objects.filter(
            pk=notification.pk, recipient=user, read_at__isnull=True
        ).update(read_at=timezone.now())
        if changed:
            audit.log(
                "notifications_read", user, actor=user, after={"notifications": [notification.pk]}
            )
    notification.refresh_from_db()
    return notification


def mark_all_read(user: Any) -> int:
    """Mark every unread notification of the user read (audited once); how many it marked."""
    require(user, Action.VIEW_CASES)
    with transaction.atomic():
        unread = Notification.objects.select_for_update(no_key=True).filter(
            recipient=user, read_at__isnull=True
        )
        ids = list(unread.values_list("pk", flat=True))
        if not ids:
            return 0
        Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
        audit.log("notifications_read", user, actor=user, after={"notifications": ids})
    return len(ids)


def save_settings(user: Any, *, email: bool, language: str) -> NotificationSettings:
    """A person's own choice of e-mail and its language (audited when it changes)."""
    require(user, Action.VIEW_CASES)
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    with transaction.atomic():
        current, _ = NotificationSettings.objects.select_for_update(no_key=True).get_or_create(
            user=user, defaults={"language": settings.LANGUAGE_CODE}
        )
        before = {"email": current.email, "language": current.language}
        current.email, current.language = email, language
        current.save()
        audit.log_changes(
            "notification_settings_changed",
            current,
            actor=user,
            before=before,
            after={"email": email, "language": language},
        )
    return current


# ----------------------------------------------------------------- retention

PURGED = "notifications_purged"


@dataclass(frozen=True)
class Purge:
    """What a purge removed (or, in a dry run, would remove)."""

    read: int
    unread: int
    dry_run: bool = False

    @property
    def total(self) -> int:
        return self.read + self.unread


def _past(days: int, now: dt.datetime) -> QuerySet[Notification]:
    """Notifications created more than ``days`` ago; none when ``days`` keeps them (0)."""
    if days <= 0:
        return Notification.objects.none()
    return Notification.objects.filter(created_at__lt=now - dt.timedelta(days=days))


def purge_old(*, dry_run: bool = False, actor: Any = None, now: dt.datetime | None = None) -> Purge:
    """Delete read notifications older than FLAGDESK_NOTIFICATIONS_KEEP_DAYS and unread ones
    older than FLAGDESK_NOTIFICATIONS_KEEP_UNREAD_DAYS; one audit event with the counts and
    the periods (never whose they were), none when nothing went or in a dry run.

    Safe to run twice at once (two workers): the second finds nothing left and logs nothing.
    """
    now = now or timezone.now()
    keep_read, keep_unread = (
        settings.NOTIFICATIONS_KEEP_DAYS,
        settings.NOTIFICATIONS_KEEP_UNREAD_DAYS,
    )
    read = _past(keep_read, now).filter(read_at__isnull=False)
    unread = _past(keep_unread, now).filter(read_at__isnull=True)
    if dry_run:
        return Purge(read.count(), unread.count(), dry_run=True)
    with transaction.atomic():
        # No other row points at a notification: these are plain DELETEs, no cascade.
        n_read, _ = read.delete()
        n_unread, _ = unread.delete()
        if n_read or n_unread:
            audit.log(
                PURGED,
                ("notifications.notification", ""),
                actor=actor,
                after={
                    "read": n_read,
                    "unread": n_unread,
                    "keep_days": keep_read,
                    "keep_unread_days": keep_unread,
                },
            )
    return Purge(n_read, n_unread)


_scheduled_day: dt.date | None = None


def schedule_purge(now: dt.datetime | None = None) -> bool:
    """From the worker's upkeep: enqueue the purge once a day per worker, from the nightly
    retention hour (FLAGDESK_RETENTION_HOUR; -1 turns it off). Several workers may each
    enqueue it; the purge is idempotent, so no lock row is needed. Returns whether it did."""
    global _scheduled_day
    local = timezone.localtime(now or timezone.now())
    if not retention.schedule_due(local, settings.RETENTION_HOUR, _scheduled_day):
        return False
    tasks.purge_notifications.enqueue()
    _scheduled_day = local.date()
    return True
