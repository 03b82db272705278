# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import datetime as dt

import pytest

from flagdesk.elections import service

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2023, 11, 22), "TK2023"),  # election day itself
        (dt.date(2023, 10, 20), "TK2023"),  # inside the attention window
        (dt.date(2024, 1, 15), "EP2024"),  # between windows: the next election
        (dt.date(2023, 3, 15), "PS2023"),  # PS and WS on one day: PS first
        (dt.date(2026, 11, 28), "PS2027"),  # PS, WS and the Caribbean councils share a day
        (dt.date(2030, 1, 1), "EK2027"),  # after the last: the latest one
    ],
)
def test_it_picks_the_current_election(day: dt.date, expected: str) -> None:
    election = service.current_election(day)
    assert election is not None
    assert election.code == expected
