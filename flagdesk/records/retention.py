# SPDX-License-Identifier: EUPL-1.2
"""The retention policy, pure: which categories are due, with which cutoff, and when the
nightly run is due. No Django imports; ``records.service`` applies it.

Like Open Forms' ``data_removal``, each category has a period in days (0 keeps forever) and a
fixed action. The period counts from a reference date per item (``counted_from``): for what
belongs to a case, the last day of its election's attention window, because a case stays
live until then; for the rest, its own date. An item goes when its reference date lies
before the cutoff, ``today - days``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    CONTACTS = "contacts"
    REFUSAL_COUNTS = "refusal_counts"
    RAW_MAIL = "raw_mail"
    ATTACHMENTS = "attachments"
    AUDIT = "audit"


class Action(StrEnum):
    ANONYMISE = "anonymise"
    DELETE = "delete"


@dataclass(frozen=True)
class Rule:
    category: Category
    action: Action
    counted_from: str


RULES: tuple[Rule, ...] = (
    # The case and the signal stay (the report and the archive need them): only the person
    # goes. Deleting would break the case, so anonymising is the only action.
    Rule(Category.CONTACTS, Action.ANONYMISE, "end of the election's attention window"),
    Rule(Category.REFUSAL_COUNTS, Action.DELETE, "day counted"),
    # The file goes, the row stays as a record that the message arrived (date, kind, notice,
    # SHA-256, the sanitised text the report quoted).
    Rule(
        Category.RAW_MAIL,
        Action.DELETE,
        "end of the case's election's attention window; archiving date for unmatched mail",
    ),
    Rule(Category.ATTACHMENTS, Action.DELETE, "end of the election's attention window"),
    # A prefix of the chain goes; an audit_pruned event anchors what remains.
    Rule(Category.AUDIT, Action.DELETE, "date of the event"),
)
RULE_BY_CATEGORY = {rule.category: rule for rule in RULES}


@dataclass(frozen=True)
class Due:
    """A category to apply now: items whose reference date lies before ``cutoff`` go."""

    category: Category
    action: Action
    days: int
    cutoff: dt.date


def cutoff(days: int, today: dt.date) -> dt.date | None:
    """The first reference date that is kept; ``None`` when ``days`` is 0 (keep forever)."""
    if days < 0:
        raise ValueError(f"a retention period can't be negative: {days}")
    if days == 0:
        return None
    return today - dt.timedelta(days=days)


def due(periods: Mapping[str, int], today: dt.date, only: str | None = None) -> list[Due]:
    """The categories to apply, in a fixed order, with their cutoff.

    :param periods: days per category value; a missing category keeps forever.
    :param only: restrict to this one category (raises ``ValueError`` if unknown).
    """
    if only is not None and only not in {c.value for c in Category}:
        raise ValueError(f"unknown retention category: {only}")
    result = []
    for rule in RULES:
        if only is not None and rule.category != only:
            continue
        days = int(periods.get(rule.category.value, 0))
        first_kept = cutoff(days, today)
        if first_kept is not None:
            result.append(Due(rule.category, rule.action, days, first_kept))
    return result


def schedule_due(now_local: dt.datetime, hour: int, last_scheduled: dt.date | None) -> bool:
    """Whether the nightly run should start: from ``hour`` (local time) on, once per day.

    A worker that was down at that hour starts it later the same day. ``hour`` < 0 turns the
    schedule off.
    """
    if hour < 0:
        return False
    return now_local.hour >= hour and last_scheduled != now_local.date()
