# SPDX-License-Identifier: EUPL-1.2
"""The rules of the partner API, case by case: which election a partner's signal goes to,
and what a partner's answer shows of the signal's case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from flagdesk.conftest import verified_client
from flagdesk.elections.models import Election
from flagdesk.intake.api import (
    RECEIVED,
    ElectionRefusal,
    as_partner_sees_it,
    choose_partner_election,
)
from flagdesk.intake.models import Signal

DAY = dt.date(2027, 3, 10)


def election(code: str, day: dt.date) -> Election:
    return Election(
        pk=hash(code) % 1000,
        code=code,
        type=code[:2],
        election_day=day,
        attention_start=day - dt.timedelta(weeks=6),
        attention_end=day + dt.timedelta(weeks=2),
    )


PS = election("PS2027", dt.date(2027, 3, 17))
WS = election("WS2027", dt.date(2027, 3, 17))
TK = election("TK2023", dt.date(2023, 11, 22))


@pytest.mark.parametrize(
    ("current", "named", "expected"),
    [
        (PS, None, PS),  # the open one, when the partner names none
        (PS, WS, WS),  # another open window: the partner's choice stands
        (PS, TK, ElectionRefusal.OUTSIDE_WINDOW),  # a past election
        (None, TK, ElectionRefusal.OUTSIDE_WINDOW),
        (TK, None, ElectionRefusal.NO_OPEN_WINDOW),  # the current one is not open
        (None, None, ElectionRefusal.NO_OPEN_WINDOW),  # no elections at all
    ],
)
def test_the_election_of_a_partners_signal(
    current: Election | None, named: Election | None, expected: Any
) -> None:
    assert choose_partner_election(current, named, DAY) == expected


def test_the_window_counts_its_first_and_last_day() -> None:
    assert choose_partner_election(PS, None, PS.attention_start) == PS
    assert choose_partner_election(PS, None, PS.attention_end) == PS
    after = PS.attention_end + dt.timedelta(days=1)
    assert choose_partner_election(PS, None, after) == ElectionRefusal.NO_OPEN_WINDOW


def _answer(**fields: Any) -> dict[str, Any]:
    return {
        "state": "decided",
        "intake_outcome": "joined_case",
        "reasons": ["ALREADY_NOTIFIED", "NO_CHANNEL"],
    } | fields


@pytest.mark.parametrize(
    ("answer", "own_case", "expected"),
    [
        # Someone else's case: received, and only the reasons about the signal itself.
        (
            _answer(),
            False,
            _answer(state=RECEIVED, intake_outcome=RECEIVED, reasons=["NO_CHANNEL"]),
        ),
        # Its own case: the state stays; ALREADY_NOTIFIED may come from another case, so not.
        (_answer(), True, _answer(reasons=["NO_CHANNEL"])),
        # Refused at intake (no case): nothing of a case to hide.
        (
            _answer(state=None, intake_outcome="refused", reasons=["NO_CHANNEL"]),
            False,
            _answer(state=None, intake_outcome="refused", reasons=["NO_CHANNEL"]),
        ),
    ],
)
def test_what_a_partner_sees(answer: dict[str, Any], own_case: bool, expected: Any) -> None:
    assert as_partner_sees_it(answer, own_case) == expected


def test_staff_may_still_file_under_any_election(carol: Any, tk2023: Election, nos: Any) -> None:
    body = {
        "election": "TK2023",
        "source_organisation": nos.pk,
        "category": "misinformation",
        "platform": "x",
        "content_urls": ["https://x.com/someone/status/1727300000000000111"],
        "explanation": "A late signal about the 2023 election.",
    }
    assert not tk2023.in_attention_window()
    response = verified_client(carol).post(
        "/api/v1/signalen", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert Signal.objects.get(pk=response.json()["id"]).election == tk2023
    # Staff see the real state.
    assert response.json()["state"] == "new" and response.json()["intake_outcome"] == "new_case"


def test_a_partner_files_under_the_open_election_when_it_names_none(
    nos_token: str, open_election: Election
) -> None:
    body = {
        "category": "misinformation",
        "platform": "x",
        "content_urls": ["https://x.com/someone/status/1727300000000000222"],
        "explanation": "Tells voters to colour two boxes.",
    }
    response = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}").post(
        "/api/v1/signalen", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["election"] == open_election.code
