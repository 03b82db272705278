# SPDX-License-Identifier: EUPL-1.2
"""Clocks and service levels: how long a case or a notice has waited at a stage, against the
threshold that applies to it. Pure: plain datetimes and minutes in, a reading out, so the
dashboard, the case page and the reminder job agree on what "overdue" means.

The stages, each with the moment its clock starts:

- ``decision``: from the case's first signal until a decision is proposed;
- ``approval``: from the proposal until an approver approves or sends it back;
- ``acknowledgment``: from the mail server's acceptance of a notice until the platform
  acknowledges it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    DECISION = "decision"
    APPROVAL = "approval"
    ACKNOWLEDGMENT = "acknowledgment"


class ClockState(StrEnum):
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


# Sorting key: overdue before due soon before on time.
URGENCY = {ClockState.OVERDUE: 0, ClockState.DUE_SOON: 1, ClockState.OK: 2}


@dataclass(frozen=True)
class Thresholds:
    """Minutes allowed per stage."""

    decision: int
    approval: int
    acknowledgment: int

    def minutes(self, stage: Stage) -> int:
        return int(getattr(self, stage.value))


@dataclass(frozen=True)
class ServiceLevels:
    """The defaults: normal days, the tighter election-day values, and from which share of
    the threshold a clock counts as "due soon"."""

    normal: Thresholds
    election_day: Thresholds
    due_soon_percent: int = 75


def threshold_minutes(
    levels: ServiceLevels,
    stage: Stage,
    platform_overrides: Mapping[Stage, int | None],
    *,
    election_day: bool,
) -> int:
    """A platform's own value replaces the normal default; on election day the tighter of
    that and the election-day default applies, so a platform can't loosen election day."""
    override = platform_overrides.get(stage)
    normal = override if override else levels.normal.minutes(stage)
    if election_day:
        return min(normal, levels.election_day.minutes(stage))
    return normal


def is_election_period(
    today: dt.date,
    election_day: dt.date,
    attention_start: dt.date,
    attention_end: dt.date,
    margin_days: int = 0,
) -> bool:
    """Whether the election-day thresholds apply today: election day itself, widened by
    ``margin_days`` on each side (counting night, the days before), never outside the
    election's attention window."""
    if not attention_start <= today <= attention_end:
        return False
    return abs((today - election_day).days) <= max(margin_days, 0)


@dataclass(frozen=True)
class Reading:
    """One clock: the stage, when it started, how long it has run and against which
    threshold."""

    stage: Stage
    since: dt.datetime
    elapsed: dt.timedelta
    threshold_minutes: int
    state: ClockState

    @property
    def due_at(self) -> dt.datetime:
        return self.since + dt.timedelta(minutes=self.threshold_minutes)

    @property
    def overdue(self) -> bool:
        return self.state == ClockState.OVERDUE

    @property
    def urgency(self) -> int:
        return URGENCY[self.state]


def read_clock(
    stage: Stage,
    since: dt.datetime,
    now: dt.datetime,
    threshold: int,
    due_soon_percent: int = 75,
) -> Reading:
    """The clock of one stage at ``now``. A clock that starts in the future (clock skew
    between a mail server and us) counts as just started."""
    elapsed = max(now - since, dt.timedelta(0))
    limit = dt.timedelta(minutes=threshold)
    if elapsed >= limit:
        state = ClockState.OVERDUE
    elif elapsed >= limit * (min(max(due_soon_percent, 0), 100) / 100):
        state = ClockState.DUE_SOON
    else:
        state = ClockState.OK
    return Reading(stage, since, elapsed, threshold, state)


def most_urgent_first(readings: list[Reading]) -> list[Reading]:
    """Overdue first, then due soon, then the rest; within each, the longest overrun (or
    the nearest deadline) first."""
    return sorted(readings, key=lambda r: (r.urgency, r.due_at))


def clock_parts(seconds: float) -> tuple[int, int, int]:
    """(days, hours, minutes) of a duration, rounded down to the minute: a clock on a page
    needs no seconds."""
    minutes_total = max(int(seconds), 0) // 60
    days, rest = divmod(minutes_total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return days, hours, minutes
