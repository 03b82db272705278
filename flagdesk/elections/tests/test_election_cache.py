# SPDX-License-Identifier: EUPL-1.2
"""The per-process election list: cleared by a change, never filled inside a transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from flagdesk.elections import service
from flagdesk.elections.models import Election


@pytest.fixture
def empty_cache() -> Iterator[None]:
    service.forget_cached_elections()
    yield
    service.forget_cached_elections()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_saved_election_is_seen_at_once(empty_cache: None) -> None:
    day = dt.date(2031, 3, 19)
    before = service.current_election(day)
    assert before is not None and before.code != "GR2031"
    Election.objects.create(
        code="GR2031",
        type="GR",
        name="Gemeenteraad 2031",
        election_day=day,
        attention_start=day - dt.timedelta(days=42),
        attention_end=day + dt.timedelta(days=7),
    )
    current = service.current_election(day)
    assert current is not None and current.code == "GR2031"
    Election.objects.filter(code="GR2031").delete()  # a queryset delete sends post_delete too
    assert service.get_election("gr2031") is None


def test_an_open_transaction_fills_no_cache(db: Any, empty_cache: None) -> None:
    with transaction.atomic():
        assert service.get_election("TK2023") is not None
    assert service._cache["elections"] is None
