# SPDX-License-Identifier: EUPL-1.2
"""Background tasks of the notices app, run by ``flagdesk worker``."""

from __future__ import annotations

from django_tasks import task

from flagdesk.notices import dispatch


@task(queue_name="notices", priority=10)
def deliver_notice(delivery_id: int) -> str:
    return dispatch.attempt_delivery(delivery_id)
