# SPDX-License-Identifier: EUPL-1.2
"""Background tasks of the notifications app, run by ``flagdesk worker``."""

from __future__ import annotations

from django_tasks import task

from flagdesk.notifications import mail


@task(queue_name="default")
def email_notification(notification_id: int) -> str:
    return mail.deliver(notification_id)


@task(queue_name="default")
def purge_notifications() -> str:
    """The nightly purge, enqueued by ``service.schedule_purge`` from the worker's upkeep."""
    # Imported here: the service module imports this one to enqueue its tasks.
    from flagdesk.notifications import service

    purge = service.purge_old()
    return f"deleted {purge.read} read and {purge.unread} unread notifications"
