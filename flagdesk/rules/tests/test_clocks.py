# SPDX-License-Identifier: EUPL-1.2
"""The clock rules, case by case: which threshold applies, and on time, due soon or overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from flagdesk.rules.clocks import (
    ClockState,
    ServiceLevels,
    Stage,
    Thresholds,
    clock_parts,
    is_election_period,
    most_urgent_first,
    read_clock,
    threshold_minutes,
)

LEVELS = ServiceLevels(
    normal=Thresholds(decision=240, approval=60, acknowledgment=60),
    election_day=Thresholds(decision=30, approval=15, acknowledgment=15),
    due_soon_percent=75,
)
T0 = dt.datetime(2027, 3, 17, 9, 0, tzinfo=dt.UTC)


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


@pytest.mark.parametrize(
    ("elapsed", "state"),
    [
        (0, ClockState.OK),
        (44, ClockState.OK),
        (45, ClockState.DUE_SOON),  # 75 % of 60
        (59.9, ClockState.DUE_SOON),
        (60, ClockState.OVERDUE),  # the threshold itself is overdue
        (600, ClockState.OVERDUE),
    ],
)
def test_a_clock_is_ok_due_soon_or_overdue(elapsed: float, state: ClockState) -> None:
    reading = read_clock(Stage.APPROVAL, T0, minutes(elapsed), 60, 75)
    assert reading.state == state
    assert reading.threshold_minutes == 60
    assert reading.due_at == minutes(60)


def test_a_clock_started_in_the_future_has_just_started() -> None:
    reading = read_clock(Stage.ACKNOWLEDGMENT, minutes(5), T0, 60)
    assert reading.elapsed == dt.timedelta(0)
    assert reading.state == ClockState.OK


@pytest.mark.parametrize(("percent", "state"), [(0, ClockState.DUE_SOON), (100, ClockState.OK)])
def test_the_due_soon_share_is_clipped(percent: int, state: ClockState) -> None:
    assert read_clock(Stage.DECISION, T0, minutes(10), 60, percent).state == state
    # Beyond 100 % there is no "due soon" before overdue either.
    assert read_clock(Stage.DECISION, T0, minutes(59), 60, 250).state == ClockState.OK


def test_the_defaults_apply_without_a_platform_value() -> None:
    assert threshold_minutes(LEVELS, Stage.DECISION, {}, election_day=False) == 240
    assert threshold_minutes(LEVELS, Stage.DECISION, {}, election_day=True) == 30


def test_a_platform_value_replaces_the_normal_default() -> None:
    overrides = {Stage.ACKNOWLEDGMENT: 120, Stage.APPROVAL: None}
    assert threshold_minutes(LEVELS, Stage.ACKNOWLEDGMENT, overrides, election_day=False) == 120
    assert threshold_minutes(LEVELS, Stage.APPROVAL, overrides, election_day=False) == 60


def test_on_election_day_the_tighter_value_applies() -> None:
    loose = {Stage.ACKNOWLEDGMENT: 120}
    tight = {Stage.ACKNOWLEDGMENT: 5}
    # A platform can't loosen election day...
    assert threshold_minutes(LEVELS, Stage.ACKNOWLEDGMENT, loose, election_day=True) == 15
    # ...but its own tighter promise holds on election day too.
    assert threshold_minutes(LEVELS, Stage.ACKNOWLEDGMENT, tight, election_day=True) == 5


DAY = dt.date(2027, 3, 17)
WINDOW = (dt.date(2027, 3, 1), dt.date(2027, 3, 31))


@pytest.mark.parametrize(
    ("today", "margin", "expected"),
    [
        (DAY, 0, True),
        (DAY + dt.timedelta(days=1), 0, False),
        (DAY + dt.timedelta(days=1), 1, True),
        (DAY - dt.timedelta(days=1), 1, True),
        (DAY - dt.timedelta(days=2), 1, False),
        (DAY, -3, True),  # a negative margin means election day only
    ],
)
def test_the_election_period_is_the_day_and_its_margin(
    today: dt.date, margin: int, expected: bool
) -> None:
    assert is_election_period(today, DAY, *WINDOW, margin_days=margin) is expected


def test_the_election_period_never_leaves_the_attention_window() -> None:
    # A wide margin reaches beyond the window; outside it the normal values hold.
    assert is_election_period(dt.date(2027, 4, 1), DAY, *WINDOW, margin_days=30) is False
    assert is_election_period(dt.date(2027, 3, 31), DAY, *WINDOW, margin_days=30) is True


def test_overdue_rises_above_due_soon_above_ok() -> None:
    now = minutes(100)
    ok = read_clock(Stage.DECISION, minutes(90), now, 240)
    soon = read_clock(Stage.APPROVAL, minutes(50), now, 60)
    late = read_clock(Stage.ACKNOWLEDGMENT, minutes(30), now, 60)
    later = read_clock(Stage.ACKNOWLEDGMENT, minutes(0), now, 60)
    ordered = most_urgent_first([ok, soon, late, later])
    # Within overdue, the one that ran out first comes first.
    assert ordered == [later, late, soon, ok]


@pytest.mark.parametrize(
    ("seconds", "parts"),
    [(0, (0, 0, 0)), (59, (0, 0, 0)), (720, (0, 0, 12)), (7500, (0, 2, 5)), (90000, (1, 1, 0))],
)
def test_clock_parts_round_down_to_the_minute(seconds: int, parts: tuple[int, int, int]) -> None:
    assert clock_parts(seconds) == parts
