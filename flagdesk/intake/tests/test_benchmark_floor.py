# SPDX-License-Identifier: EUPL-1.2
"""The benchmark's intake floor (benchmarks/bench_floor.py) writes what intake writes.

docs/benchmarks.md uses the floor as the lower bound for intake's speed; that only holds
while it does the product's work. If intake starts writing another row (or stops writing
one), this test fails until the floor follows.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django_tasks_db.models import DBTaskResult

from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent, ChainHead
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case, CaseCounter, CaseUrl, Signal, SignalUrl
from flagdesk.narratives.models import MatchingWanted
from flagdesk.platforms.models import Platform

WRITTEN: list[type[Model]] = [
    Case,
    CaseUrl,
    Signal,
    SignalUrl,
    AuditEvent,
    MatchingWanted,
    DBTaskResult,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN}


def submit(path: str, token: str, url: str) -> Any:
    body = {
        "category": "misinformation",
        "platform": "x",
        "content_urls": [url],
        "explanation": "Post tells voters to colour two boxes, which makes the vote invalid.",
        "contact_name": "Benchmark Redactie",
    }
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.post(path, body, content_type="application/json")


@pytest.fixture
def bench_urls(settings: Any) -> None:
    settings.ROOT_URLCONF = "benchmarks.bench_urls"


def test_the_floor_writes_the_rows_a_new_case_signal_writes(
    bench_urls: None, nos_token: str, x_platform: Platform, open_election: Election
) -> None:
    assert x_platform.has_channel
    before = counts()
    product = submit("/api/v1/signalen", nos_token, "https://x.com/a/status/1")
    assert product.status_code == 201, product.content
    after_product = counts()
    by_product = {name: after_product[name] - before[name] for name in before}
    # One matching batch task waits for every marked case: let the floor find none waiting
    # too, as the product did.
    DBTaskResult.objects.all().delete()
    before_floor = counts()
    floor = submit("/bench/floor", nos_token, "https://x.com/b/status/2")
    assert floor.status_code == 201, floor.content
    after_floor = counts()
    by_floor = {name: after_floor[name] - before_floor[name] for name in before}
    assert by_product == by_floor
    assert by_floor["AuditEvent"] == 2

    # The floor's rows are real ones: the next case reference, the chain intact.
    first, second = Case.objects.order_by("pk")
    assert int(second.reference.rsplit("-", 1)[1]) == int(first.reference.rsplit("-", 1)[1]) + 1
    assert CaseCounter.objects.get().last == int(second.reference.rsplit("-", 1)[1])
    assert Signal.objects.get(case=second).source_organisation_name == "NOS"
    assert ChainHead.objects.get(id=1).seq == AuditEvent.objects.count()
    assert audit.verify() == []
