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


def sender_ids_of_case(case_id: int) -> set[int]:
    """Who sent the case's notices (froze them for sending); a draft has no sender yet."""
    return set(
        Notice.objects.filter(case_id=case_id, frozen_by__isnull=False)
        .order_by()
        .values_list("frozen_by_id", flat=True)
        .distinct()
    )


def notice_states(case_ids: list[int]) -> dict[int, list[tuple[str, str | None, bool]]]:
    """Case id → its notices, oldest first, as (status, delivery state or None,
    acknowledged): one query, for the case list's state column."""
    rows = (
        Notice.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "created_at", "pk")
        .values_list("case_id", "status", "delivery__state", "acknowledged_at")
    )
    found: dict[int, list[tuple[str, str | None, bool]]] = {}
    for case_id, status, state, acknowledged_at in rows:
        found.setdefault(case_id, []).append((status, state, acknowledged_at is not None))
    return found


def latest_attempt_id() -> int:
    """The newest delivery attempt's id: a version source for the live pages, since a
    worker's claim changes a delivery's state without an audit event."""
    return Attempt.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
