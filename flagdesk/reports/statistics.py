# SPDX-License-Identifier: EUPL-1.2
"""The yearly statistics in the style of DSA Art. 22(3): notices of illegal content per
platform and type of alleged illegal content; escalations under the platforms' own terms,
which are no notices of illegal content, are counted apart.

No personal data: counts and durations only. There is no column for what a platform did
with the content, because FlagDesk does not record it (the seed's policy: ask for a review,
archive the acknowledgment, track nothing else).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from statistics import median
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from flagdesk.core import csvsafe
from flagdesk.core.csvsafe import safe_cell as safe_cell  # kept where callers knew it
from flagdesk.intake.models import Category
from flagdesk.notices.models import DELIVERED_STATES, Notice
from flagdesk.rules.legal_basis import CONTENT_TYPES, Basis

COLUMNS = (
    "year",
    "platform",
    "illegal_content_type",
    "notices",
    "acknowledged",
    "median_seconds_to_acknowledgment",
)
# Escalations under the platforms' terms are no notices of illegal content: apart, per
# platform × the case's category.
ESCALATION_COLUMNS = (
    "year",
    "platform",
    "category",
    "notices",
    "acknowledged",
    "median_seconds_to_acknowledgment",
)


@dataclass(frozen=True)
class Row:
    """Notices of illegal content (DSA Art. 16) to one platform of one type in a year."""

    year: int
    platform: str
    illegal_content_type: str
    notices: int
    acknowledged: int
    median_seconds_to_acknowledgment: int | None


@dataclass(frozen=True)
class EscalationRow:
    """Escalations of possible breaches of one platform's terms, per category, in a year."""

    year: int
    platform: str
    category: str
    notices: int
    acknowledged: int
    median_seconds_to_acknowledgment: int | None


def _first_notices(year: int, basis: str) -> QuerySet[Notice]:
    """First notices of ``basis`` that reached the platform in ``year`` (local time)."""
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    return Notice.objects.filter(
        follows__isnull=True,
        decision__legal_basis=basis,
        delivery__state__in=DELIVERED_STATES,
        delivery__accepted_at__gte=start,
        delivery__accepted_at__lt=end,
    ).select_related("platform", "case", "delivery", "decision")


def _seconds_waited(notice: Notice) -> float | None:
    accepted = notice.delivery.accepted_at
    if notice.acknowledged_at and accepted:
        return max((notice.acknowledged_at - accepted).total_seconds(), 0.0)
    return None


def _grouped(
    notices: Iterable[Notice], key: Callable[[Notice], str]
) -> list[tuple[str, str, list[float | None]]]:
    groups: dict[tuple[str, str], list[float | None]] = defaultdict(list)
    for notice in notices:
        groups[(notice.platform.name, key(notice))].append(_seconds_waited(notice))
    return [(platform, kind, waits) for (platform, kind), waits in sorted(groups.items())]


def _counts(waits: list[float | None]) -> tuple[int, int, int | None]:
    known = [w for w in waits if w is not None]
    return len(waits), len(known), round(median(known)) if known else None


def yearly(year: int) -> list[Row]:
    """The Art. 22(3) counts: notices of illegal content only, per platform × type."""
    notices = _first_notices(year, Basis.ILLEGAL_CONTENT)
    return [
        Row(year, platform, kind, *_counts(waits))
        for platform, kind, waits in _grouped(notices, lambda n: n.decision.illegal_content_type)
    ]


def escalations(year: int) -> list[EscalationRow]:
    """Escalations under the platforms' terms, reported apart: per platform × category."""
    notices = _first_notices(year, Basis.TERMS_ESCALATION)
    return [
        EscalationRow(year, platform, kind, *_counts(waits))
        for platform, kind, waits in _grouped(notices, lambda n: n.case.category)
    ]


def to_csv(rows: list[Row]) -> str:
    return csvsafe.to_csv(COLUMNS, ([getattr(row, column) for column in COLUMNS] for row in rows))


def escalations_csv(rows: list[EscalationRow]) -> str:
    return csvsafe.to_csv(
        ESCALATION_COLUMNS, ([getattr(row, c) for c in ESCALATION_COLUMNS] for row in rows)
    )


def to_json(rows: list[Row], year: int, escalation_rows: Sequence[EscalationRow] = ()) -> str:
    return json.dumps(document(rows, year, escalation_rows), ensure_ascii=False, indent=2) + "\n"


def document(
    rows: list[Row], year: int, escalation_rows: Sequence[EscalationRow] = ()
) -> dict[str, Any]:
    """The JSON document of the CLI and the API: the labels in the active language."""
    return {
        "year": year,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "illegal_content_types": {
            t.code: {"label": t.label_en, "dsa_category": t.dsa_category}
            for t in CONTENT_TYPES.values()
        },
        "categories": {c.value: str(c.label) for c in Category},
        "note": "rows: notices of illegal content under DSA Art. 16, per platform and type of "
        "alleged illegal content. terms_escalations: requests to check content against a "
        "platform's own terms, reported apart (no notices of illegal content). Counts only; "
        "no personal data. What platforms did with the content is not recorded.",
        "rows": [asdict(row) for row in rows],
        "terms_escalations": [asdict(row) for row in escalation_rows],
    }
