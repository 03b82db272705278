# SPDX-License-Identifier: EUPL-1.2
"""The partner rate limit per API token: counted in the database, in fixed windows.

The limit holding across several gunicorn workers is tested in core/tests/test_deploy.py,
against a real gunicorn.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts import ratelimit
from flagdesk.accounts.models import RateWindow
from flagdesk.accounts.ratelimit import Limiter, Rate, parse_rate
from flagdesk.conftest import verified_client

MINUTE = Rate(3, 60)
T0 = 1_800_000_000.0  # the start of a minute: 1_800_000_000 is divisible by 60


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("600/min", Rate(600, 60)),
        ("600/m", Rate(600, 60)),
        ("5/s", Rate(5, 1)),
        ("5/second", Rate(5, 1)),
        ("100/hour", Rate(100, 3600)),
        ("1000/day", Rate(1000, 86400)),
    ],
)
def test_rates_are_read_as_drf_writes_them(text: str, rate: Rate) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "600", "min/600", "600/week", "-1/min", "six/min"])
def test_other_text_is_not_a_rate(text: str) -> None:
    with pytest.raises(ValueError, match="not a rate"):
        parse_rate(text)


@pytest.fixture(params=["upsert", "orm"])
def counting(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, db: Any) -> str:
    """Both ways of counting: one INSERT … ON CONFLICT … RETURNING, and the ORM's fallback."""
    if request.param == "orm":
        # What SQLite before 3.35 gets (no RETURNING); forced here on any database.
        monkeypatch.setattr(ratelimit, "_add", ratelimit._add_with_orm)
    return str(request.param)


def test_leases_are_a_fiftieth_of_the_rate_between_1_and_100() -> None:
    leases = [Rate(n, 60).lease for n in (1, 3, 99, 100, 600, 5000, 10**8)]
    assert leases == [1, 1, 1, 2, 12, 100, 100]


def test_requests_up_to_the_rate_pass_and_the_next_is_refused(counting: str) -> None:
    process = Limiter()
    verdicts = [process.count_request("token:1", MINUTE, now=T0 + i) for i in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].retry_after == 57  # the window ends at T0 + 60
    assert RateWindow.objects.get().count == 4
    # Refused once, the process knows the window is spent: no more writes until it ends.
    assert not process.count_request("token:1", MINUTE, now=T0 + 5).allowed
    assert RateWindow.objects.get().count == 4


def test_a_new_window_starts_from_zero_and_clears_the_old_one(counting: str) -> None:
    process = Limiter()
    for i in range(4):
        process.count_request("token:1", MINUTE, now=T0 + i)
    later = process.count_request("token:1", MINUTE, now=T0 + 60.5)
    assert (later.allowed, later.retry_after) == (True, 60)
    assert list(RateWindow.objects.values_list("count", flat=True)) == [1]
    assert list(process.leases) == [("token:1", int((T0 + 60) // 60))]


def test_tokens_are_counted_apart(counting: str) -> None:
    process = Limiter()
    for i in range(3):
        process.count_request("token:1", MINUTE, now=T0 + i)
    assert process.count_request("token:2", MINUTE, now=T0 + 3).allowed
    assert not process.count_request("token:1", MINUTE, now=T0 + 3).allowed
    assert RateWindow.objects.count() == 2


def test_processes_together_never_pass_more_than_the_rate(counting: str) -> None:
    rate = Rate(100, 60)  # leases of 2
    processes = [Limiter(), Limiter(), Limiter()]
    allowed = sum(
        processes[i % 3].count_request("token:1", rate, now=T0 + i / 10).allowed for i in range(150)
    )
    assert allowed == 100
    # One write per lease, not per request: 50 leases, then one refused lease per process.
    assert RateWindow.objects.get().count == 100 + 3 * rate.lease


def test_a_lease_one_process_holds_is_what_another_misses(counting: str) -> None:
    rate = Rate(100, 60)
    quiet, busy = Limiter(), Limiter()
    assert quiet.count_request("token:1", rate, now=T0).allowed  # leases 2, uses 1
    by_busy = sum(busy.count_request("token:1", rate, now=T0 + 1).allowed for _ in range(120))
    assert by_busy == 98
    assert quiet.count_request("token:1", rate, now=T0 + 2).allowed  # its second one
    assert not quiet.count_request("token:1", rate, now=T0 + 3).allowed


@pytest.fixture
def three_a_minute(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner": "3/min"},
    }


def test_the_api_answers_429_problem_json_with_retry_after(
    three_a_minute: None, nos_token: str
) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    statuses = [client.get("/api/v1/signalen").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/signalen")
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/problem+json")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["status"] == 429


def test_another_token_of_the_same_organisation_has_its_own_count(
    three_a_minute: None, nos_token: str, nos: Any
) -> None:
    from flagdesk.accounts import service as accounts

    _, second = accounts.issue_token(name="second", organisation=nos)
    first = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    for _ in range(3):
        first.get("/api/v1/signalen")
    assert first.get("/api/v1/signalen").status_code == 429
    assert Client(HTTP_AUTHORIZATION=f"Bearer {second}").get("/api/v1/signalen").status_code == 200


def test_staff_in_the_browser_are_not_limited(three_a_minute: None, alice: Any) -> None:
    client = verified_client(alice)
    statuses = {client.get("/api/v1/signalen").status_code for _ in range(5)}
    assert statuses == {200}
    assert not RateWindow.objects.exists()
