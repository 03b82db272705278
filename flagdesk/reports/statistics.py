# SPDX-License-Identifier: EUPL-1.2
"""The yearly statistics in the style of DSA Art. 22(3): notices per platform and category.

No personal data: counts and durations only. There is no column for what a platform did
with the content, because FlagDesk does not record it (the seed's policy: ask for a review,
archive the acknowledgment, track nothing else).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from statistics import median

from django.utils import timezone

from flagdesk.core import csvsafe
from flagdesk.core.csvsafe import safe_cell as safe_cell  # kept where callers knew it
from flagdesk.intake.models import Category
from flagdesk.notices.models import DELIVERED_STATES, Notice

COLUMNS = (
    "year",
    "platform",
    "category",
    "notices",
    "acknowledged",
    "median_seconds_to_acknowledgment",
)


@dataclass(frozen=True)
class Row:
    year: int
    platform: str
    category: str
    notices: int
    acknowledged: int
    median_seconds_to_acknowledgment: int | None


def yearly(year: int) -> list[Row]:
    """First notices that reached the platform in ``year`` (local time), per platform × category."""
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    notices = Notice.objects.filter(
        follows__isnull=True,
        delivery__state__in=DELIVERED_STATES,
        delivery__accepted_at__gte=start,
        delivery__accepted_at__lt=end,
    ).select_related("platform", "case", "delivery")
    groups: dict[tuple[str, str], list[float | None]] = defaultdict(list)
    for notice in notices:
        accepted = notice.delivery.accepted_at
        waited = (
            max((notice.acknowledged_at - accepted).total_seconds(), 0.0)
            if notice.acknowledged_at and accepted
            else None
        )
        groups[(notice.platform.name, notice.case.category)].append(waited)
    rows = []
    for (platform, category), waits in sorted(groups.items()):
        known = [w for w in waits if w is not None]
        rows.append(
            Row(
                year=year,
                platform=platform,
                category=category,
                notices=len(waits),
                acknowledged=len(known),
                median_seconds_to_acknowledgment=round(median(known)) if known else None,
            )
        )
    return rows


def to_csv(rows: list[Row]) -> str:
    return csvsafe.to_csv(COLUMNS, ([getattr(row, column) for column in COLUMNS] for row in rows))


def to_json(rows: list[Row], year: int) -> str:
    document = {
        "year": year,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "categories": {c.value: str(c.label) for c in Category},
        "note": "Counts of notices to platforms; no personal data. What platforms did with "
        "the content is not recorded.",
        "rows": [asdict(row) for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
