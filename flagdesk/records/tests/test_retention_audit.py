# SPDX-License-Identifier: EUPL-1.2
"""Pruning the audit log under retention keeps the rest verifiable, and tampering detectable."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from flagdesk.audit import service as audit
from flagdesk.audit.models import AppendOnlyError, AuditEvent, ChainHead
from flagdesk.records import service


def _raw(sql: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def events(db: Any) -> list[AuditEvent]:
    return [audit.log(f"thing_{i}", ("test.thing", i), after={"n": i}) for i in range(1, 9)]


def prune_before(event: AuditEvent) -> dict[str, int]:
    """Prune every event before ``event`` (and check that the fixture's times allow it)."""
    earlier = AuditEvent.objects.filter(seq__lt=event.seq)
    assert not earlier.filter(at__gte=event.at).exists()
    return audit.prune(event.at)


def test_pruning_removes_the_oldest_and_leaves_an_anchor(events: list[AuditEvent]) -> None:
    removed_through = events[3].seq  # thing_1 .. thing_4 go (and anything logged before)
    before = AuditEvent.objects.filter(seq__lte=removed_through).count()
    assert prune_before(events[4]) == {"events": before}
    assert AuditEvent.objects.order_by("seq").first().seq == events[4].seq  # type: ignore[union-attr]
    pruned = AuditEvent.objects.get(action="audit_pruned")
    assert pruned.after == {
        "events": before,
        "from_seq": 1,
        "to_seq": removed_through,
        "anchor_hash": events[3].hash,
    }
    assert pruned.seq == events[-1].seq + 1
    assert audit.verify() == []
    assert audit.pruned_through() == removed_through
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"events 1..{removed_through} removed under retention" in out.getvalue()
    assert "intact" in out.getvalue()


def test_a_changed_event_after_pruning_is_still_detected(events: list[AuditEvent]) -> None:
    prune_before(events[4])
    target = events[6]
    _raw('UPDATE audit_auditevent SET "after" = %s WHERE seq = %s', '{"n": 99}', target.seq)
    problems = audit.verify()
    assert [p.seq for p in problems] == [target.seq]
    with pytest.raises(SystemExit):
        call_command("audit", "verify", stdout=io.StringIO(), stderr=io.StringIO())


def test_deleting_the_first_kept_event_is_detected(events: list[AuditEvent]) -> None:
    prune_before(events[4])
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", events[4].seq)
    problems = audit.verify()
    assert problems
    assert problems[0].seq == events[5].seq
    assert "missing" in problems[0].message


def test_a_forged_anchor_is_detected(events: list[AuditEvent]) -> None:
    prune_before(events[4])
    pruned = AuditEvent.objects.get(action="audit_pruned")
    forged = {**(pruned.after or {}), "to_seq": events[5].seq, "anchor_hash": events[5].hash}
    # Someone removes two more events and moves the anchor to hide it.
    _raw("DELETE FROM audit_auditevent WHERE seq IN (%s, %s)", events[4].seq, events[5].seq)
    _raw(
        'UPDATE audit_auditevent SET "after" = %s WHERE seq = %s',
        json.dumps(forged),
        pruned.seq,
    )
    assert [p.seq for p in audit.verify()] == [pruned.seq]


def test_deleting_the_start_without_pruning_is_still_detected(events: list[AuditEvent]) -> None:
    _raw("DELETE FROM audit_auditevent WHERE seq <= %s", events[2].seq)
    problems = audit.verify()
    assert problems[0].seq == events[3].seq
    assert "missing" in problems[0].message


def test_pruning_twice_keeps_the_chain_verifiable(events: list[AuditEvent]) -> None:
    prune_before(events[2])
    later = [audit.log("later", ("test.thing", i)) for i in range(3)]
    prune_before(events[6])
    first, second = AuditEvent.objects.filter(action="audit_pruned").order_by("seq")
    assert first.after is not None and first.after["to_seq"] == events[1].seq
    assert second.after is not None
    assert (second.after["from_seq"], second.after["to_seq"]) == (events[2].seq, events[5].seq)
    assert audit.verify() == []
    assert AuditEvent.objects.filter(seq=later[-1].seq).exists()


def test_pruning_everything_leaves_only_the_anchor(events: list[AuditEvent]) -> None:
    assert audit.prune(timezone.now() + dt.timedelta(days=1))["events"] >= len(events)
    [only] = AuditEvent.objects.all()
    assert only.action == "audit_pruned"
    assert audit.verify() == []
    assert ChainHead.objects.get().seq == only.seq


def test_a_dry_run_and_a_cutoff_before_everything_prune_nothing(events: list[AuditEvent]) -> None:
    count = AuditEvent.objects.count()
    assert audit.prune(events[4].at, dry_run=True)["events"] >= 4
    assert audit.prune(events[0].at - dt.timedelta(days=1)) == {"events": 0}
    assert AuditEvent.objects.count() == count


def test_the_orm_still_refuses_to_delete_events(events: list[AuditEvent]) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=events[0].seq).delete()


def test_a_retention_run_prunes_with_one_audit_pruned_event(
    events: list[AuditEvent], settings: Any
) -> None:
    settings.RETENTION_DAYS = {"audit": 30}
    # Thirty-one days from now, every event so far is older than the cutoff.
    today = timezone.localdate() + dt.timedelta(days=31)
    report = service.run_retention(today=today)
    [outcome] = report.outcomes
    assert outcome.counts["events"] >= len(events)
    [pruned] = AuditEvent.objects.all()
    assert pruned.action == "audit_pruned"
    assert pruned.after is not None
    assert pruned.after["run"] == report.run.pk  # type: ignore[union-attr]
    assert pruned.after["cutoff"] == (today - dt.timedelta(days=30)).isoformat()
    assert audit.verify() == []
    # Nothing left to prune: the run still says so, once.
    again = service.run_retention(today=today - dt.timedelta(days=60))
    assert again.outcomes[0].counts == {"events": 0}
    applied = AuditEvent.objects.get(action=service.APPLIED)
    assert applied.after is not None
    assert (applied.after["category"], applied.after["events"]) == ("audit", 0)
    assert audit.verify() == []
