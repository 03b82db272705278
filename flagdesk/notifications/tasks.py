# SPDX-License-Identifier: EUPL-1.2
"""Background tasks of the notifications app, run by ``flagdesk worker``."""

from __future__ import annotations

from django_tasks import task

from flagdesk.notifications import mail


@task(queue_name="default")
def email_notification(notification_id: int) -> str:
    return mail.deliver(notification_id)
