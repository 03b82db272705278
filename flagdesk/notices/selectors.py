# SPDX-License-Identifier: EUPL-1.2
"""Reads of notices that other apps use (writes go through ``service.py``)."""

from __future__ import annotations

from flagdesk.notices.models import Attempt, Notice, NoticeStatus


def notice_by_id(notice_id: int) -> Notice | None:
    return Notice.objects.filter(pk=notice_id).first()


def sent_notices_of_case(case_id: int) -> list[Notice]:
    """The case's frozen (sent) notices, newest first, with their platform."""
    return list(
        Notice.objects.filter(case_id=case_id, status=NoticeStatus.FROZEN)
        .select_related("platform")
        .order_by("-frozen_at", "-pk")
    )


def latest_attempt_id() -> int:
    """The newest delivery attempt's id: a version source for the live pages, since a
    worker's claim changes a delivery's state without an audit event."""
    return Attempt.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
