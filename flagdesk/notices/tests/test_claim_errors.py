# SPDX-License-Identifier: EUPL-1.2
"""claim() backs off only for the one constraint it means ("one open attempt per delivery");
any other database error is logged with the notice id, fails the task and leaves the notice
visible as stuck, never silently "another attempt is open"."""

from __future__ import annotations

import logging

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.notices import dispatch, service
from flagdesk.notices.models import Attempt, Delivery, DeliveryState, Notice


def newer_schema_field() -> models.CharField[str, str]:
    field: models.CharField[str, str] = models.CharField(max_length=20, default="x")
    field.set_attributes_from_name("channel_ref")
    field.model = Attempt
    return field


def add_not_null_column_to_attempts() -> None:
    """What a migration of a newer release does to the table under an older worker: a NOT
    NULL column the old code does not fill (the default only fills the existing rows)."""
    with connection.schema_editor() as editor:
        editor.add_field(Attempt, newer_schema_field())


def drop_column_from_attempts() -> None:
    with connection.schema_editor() as editor:
        editor.remove_field(Attempt, newer_schema_field())


def test_an_open_attempt_is_backed_off_from(draft: Notice, alice: User) -> None:
    delivery = service.send(draft, alice)
    Attempt.objects.create(
        delivery=delivery, number=7, worker_id="other", started_at=timezone.now()
    )
    assert dispatch.claim(delivery.pk) is None
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.QUEUED, 0)


def test_the_open_attempt_constraint_is_recognised_by_name(draft: Notice, alice: User) -> None:
    delivery = service.send(draft, alice)
    Attempt.objects.create(delivery=delivery, number=1, worker_id="a", started_at=timezone.now())
    with pytest.raises(IntegrityError) as open_attempt, transaction.atomic():
        Attempt.objects.create(
            delivery=delivery, number=2, worker_id="b", started_at=timezone.now()
        )
    assert dispatch.is_open_attempt_conflict(open_attempt.value)
    Attempt.objects.filter(delivery=delivery).update(finished_at=timezone.now())
    with pytest.raises(IntegrityError) as same_number, transaction.atomic():
        Attempt.objects.create(
            delivery=delivery, number=1, worker_id="c", started_at=timezone.now()
        )
    assert not dispatch.is_open_attempt_conflict(same_number.value)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_another_integrity_error_fails_loudly(
    draft: Notice, alice: User, caplog: pytest.LogCaptureFixture
) -> None:
    delivery = service.send(draft, alice)
    add_not_null_column_to_attempts()
    try:
        with (
            caplog.at_level(logging.ERROR, logger="flagdesk.notices"),
            pytest.raises(IntegrityError),
        ):
            dispatch.claim(delivery.pk)
    finally:
        drop_column_from_attempts()
    delivery.refresh_from_db()
    # Nothing half-done: still queued, no attempt counted, so it can be sent after the fix.
    assert (delivery.state, delivery.attempts) == (DeliveryState.QUEUED, 0)
    [record] = [r for r in caplog.records if r.name == "flagdesk.notices"]
    assert f"notice {draft.pk}" in record.getMessage()
    assert "IntegrityError" in record.getMessage()
    assert draft.recipient not in record.getMessage()  # no addresses or row contents


def test_a_claim_that_finds_nothing_due_is_not_an_error(draft: Notice, alice: User) -> None:
    delivery = service.send(draft, alice)
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.ACCEPTED)
    assert dispatch.claim(delivery.pk) is None
