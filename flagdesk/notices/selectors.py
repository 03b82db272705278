# SPDX-License-Identifier: EUPL-1.2
"""Reads of notices that other apps use (writes go through ``service.py``)."""

from __future__ import annotations

from flagdesk.notices.models import Notice, NoticeStatus


def notice_by_id(notice_id: int) -> Notice | None:
    return Notice.objects.filter(pk=notice_id).first()


def sent_notices_of_case(case_id: int) -> list[Notice]:
    """The case's frozen (sent) notices, newest first, with their platform."""
    return list(
        Notice.objects.filter(case_id=case_id, status=NoticeStatus.FROZEN)
        .select_related("platform")
        .order_by("-frozen_at", "-pk")
    )
