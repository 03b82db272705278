# SPDX-License-Identifier: EUPL-1.2
"""The audit log: a hash chain that detects changed and deleted events."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from flagdesk.audit import service as audit
from flagdesk.audit.models import AppendOnlyError, AuditEvent, ChainHead


@pytest.fixture
def three_events(db: Any) -> list[AuditEvent]:
    start = ChainHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
    events = [
        audit.log(f"thing_{i}", ("test.thing", i), after={"n": i, "naam": "één"})
        for i in range(1, 4)
    ]
    assert [e.seq for e in events] == [start + 1, start + 2, start + 3]
    return events


def _raw(sql: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_log_chains_hashes(three_events: list[AuditEvent]) -> None:
    first, second, third = three_events
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    stored = AuditEvent.objects.get(seq=third.seq)
    assert stored.compute_hash() == stored.hash == third.hash
    head = ChainHead.objects.get(id=1)
    assert (head.seq, head.hash) == (third.seq, third.hash)


def test_the_first_event_links_to_zeros(db: Any) -> None:
    first = AuditEvent.objects.order_by("seq").first() or audit.log("x", ("t", 1))
    assert first.seq == 1
    assert first.prev_hash == "0" * 64


def test_log_records_actor_object_and_snapshots(db: Any, alice: Any) -> None:
    event = audit.log("thing_done", alice, actor=alice, before={"a": 1}, after={"a": 2})
    assert (event.actor, event.actor_label) == (alice, "alice")
    assert (event.object_type, event.object_id) == ("accounts.user", str(alice.pk))
    assert (event.before, event.after) == ({"a": 1}, {"a": 2})
    system = audit.log("tick", ("test.thing", 1))
    assert system.actor is None
    assert system.actor_label == "system"


def test_verify_is_clean(three_events: list[AuditEvent]) -> None:
    assert audit.verify() == []


def test_changed_content_is_detected(three_events: list[AuditEvent]) -> None:
    target = three_events[1]
    _raw('UPDATE audit_auditevent SET "after" = %s WHERE seq = %s', '{"n": 99}', target.seq)
    problems = audit.verify()
    assert [p.seq for p in problems] == [target.seq]
    assert "changed" in problems[0].message


def test_changed_action_is_detected(three_events: list[AuditEvent]) -> None:
    target = three_events[0]
    _raw("UPDATE audit_auditevent SET action = %s WHERE seq = %s", "harmless", target.seq)
    assert [p.seq for p in audit.verify()] == [target.seq]


def test_deleted_middle_event_is_detected(three_events: list[AuditEvent]) -> None:
    middle = three_events[1]
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", middle.seq)
    problems = audit.verify()
    assert problems
    assert {p.seq for p in problems} == {three_events[2].seq}
    messages = " ".join(p.message for p in problems)
    assert "missing" in messages
    assert "broken" in messages


def test_deleted_last_event_is_detected_by_the_chain_head(three_events: list[AuditEvent]) -> None:
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", three_events[2].seq)
    problems = audit.verify()
    assert len(problems) == 1
    assert "removed" in problems[0].message


def test_deleting_everything_is_detected(three_events: list[AuditEvent]) -> None:
    _raw("DELETE FROM audit_auditevent")
    assert audit.verify()


def test_orm_update_and_delete_are_refused(three_events: list[AuditEvent]) -> None:
    event = AuditEvent.objects.get(seq=three_events[0].seq)
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=event.seq).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=event.seq).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert audit.verify() == []


def test_timeline_lists_events_of_the_given_objects(three_events: list[AuditEvent]) -> None:
    events = audit.timeline([("test.thing", 1), ("test.thing", 3)])
    assert [e.action for e in events] == ["thing_1", "thing_3"]
    assert audit.timeline([]) == []


def _verify_command() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_verify_command_exits_0_when_intact(three_events: list[AuditEvent]) -> None:
    code, out, _ = _verify_command()
    assert code == 0
    assert "intact" in out


def test_verify_command_exits_1_when_broken(three_events: list[AuditEvent]) -> None:
    _raw('UPDATE audit_auditevent SET "after" = NULL WHERE seq = %s', three_events[0].seq)
    code, _, err = _verify_command()
    assert code == 1
    assert f"event {three_events[0].seq}" in err
    assert "BROKEN" in err


def test_tail_command_prints_recent_events(three_events: list[AuditEvent]) -> None:
    out = io.StringIO()
    call_command("audit", "tail", "-n", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert "thing_3" in lines[-1]


def test_deleting_a_user_who_acted_keeps_the_chain_intact(db: Any) -> None:
    from flagdesk.accounts.constants import Role
    from flagdesk.conftest import make_user

    user = make_user("zed", Role.ADMIN)
    audit.log("thing_done", ("test.thing", 1), actor=user)
    user.delete()
    assert audit.verify() == []


def test_log_many_chains_like_one_log_per_event(db: Any, alice: Any) -> None:
    start = ChainHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
    first, second = audit.log_many(
        [
            audit.Entry("thing_opened", ("test.thing", 1), after={"n": 1}),
            audit.Entry("thing_noted", ("test.thing", 2), before={"n": 1}, after={"n": 2}),
        ],
        actor=alice,
    )
    assert [first.seq, second.seq] == [start + 1, start + 2]
    assert second.prev_hash == first.hash
    stored = list(AuditEvent.objects.filter(seq__gt=start).order_by("seq"))
    assert [(e.action, e.actor_label, e.hash) for e in stored] == [
        ("thing_opened", "alice", first.hash),
        ("thing_noted", "alice", second.hash),
    ]
    assert ChainHead.objects.get(id=1).hash == second.hash
    assert audit.log_many([]) == []
    assert audit.verify() == []


def test_batched_events_are_written_together_and_chain_as_usual(db: Any) -> None:
    from django.db import transaction

    with transaction.atomic(), audit.batched():
        audit.log("first", ("thing", 1))
        audit.log("second", ("thing", 2), after={"x": 1})
        assert AuditEvent.objects.count() == 0  # not yet: at the end of the batch
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "first",
        "second",
    ]
    assert audit.verify() == []


def test_a_failed_batch_writes_no_events(db: Any) -> None:
    from django.db import transaction

    def failing_batch() -> None:
        with transaction.atomic(), audit.batched():
            audit.log("lost", ("thing", 1))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_batch()
    assert not AuditEvent.objects.filter(action="lost").exists()
    audit.log("after", ("thing", 2))  # batching is over: written at once
    assert AuditEvent.objects.filter(action="after").exists()
