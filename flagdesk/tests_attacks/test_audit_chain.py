# SPDX-License-Identifier: EUPL-1.2
"""Attacks on the audit chain by someone who can write to the database (issue 12).

Before the fix, deleting the newest events and pointing the one-row chain head at the event
before them left a chain that ``flagdesk audit verify`` called intact, and the hash did not
cover the actor's id. Each test calls the real ``flagdesk audit`` command.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.audit import checkpoints
from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent, ChainHead
from flagdesk.core.tests.processes import WorkerProcess, eventually, spawn
from tests_support.worker import worker_env

__all__ = ["spawn"]  # the fixture


@pytest.fixture
def anchored(db: Any, settings: Any, tmp_path: Path) -> Path:
    """A key outside the database and a checkpoint file; returns the file."""
    key = tmp_path / "audit.key"
    key.write_text(secrets.token_hex(32) + "\n")
    settings.AUDIT_KEY_FILE = str(key)
    checkpoints = tmp_path / "checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_TARGETS = [f"file://{checkpoints}"]
    return checkpoints


def _raw(sql: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _audit(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def _events(count: int, actor: Any = None) -> list[AuditEvent]:
    return [
        audit.log(f"thing_{i}", ("test.thing", i), actor=actor, after={"n": i})
        for i in range(count)
    ]


def _cut_to(event: AuditEvent) -> None:
    """Delete every event after ``event`` and make the chain head agree: a quiet shortening."""
    _raw("DELETE FROM audit_auditevent WHERE seq > %s", event.seq)
    _raw("UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", event.seq, event.hash)


def test_deleting_the_newest_events_and_rewriting_the_head_is_caught(anchored: Path) -> None:
    events = _events(4)
    assert _audit("checkpoint")[0] == 0
    _cut_to(events[1])
    assert audit.verify() == []  # the chain alone can't tell: this is the attack

    code, _, err = _audit("verify")
    assert code == 1
    last, newest = events[1].seq, events[-1].seq
    assert f"events after #{last} missing: checkpoint at #{newest} with hash" in err
    assert "is not in the log" in err


def test_replacing_the_newest_events_with_a_rehashed_chain_is_caught(anchored: Path) -> None:
    events = _events(3)
    assert _audit("checkpoint")[0] == 0
    _cut_to(events[0])
    forged = _events(2)  # new events at the same seqs, properly chained: other hashes
    assert forged[-1].seq == events[-1].seq
    assert audit.verify() == []

    code, _, err = _audit("verify")
    assert code == 1
    assert f"event #{events[-1].seq} has a different hash than its checkpoint" in err


def test_deleting_everything_after_a_checkpoint_is_caught(anchored: Path) -> None:
    _events(2)
    assert _audit("checkpoint")[0] == 0
    _raw("DELETE FROM audit_auditevent")
    _raw("UPDATE audit_chainhead SET seq = 0, hash = %s WHERE id = 1", "0" * 64)
    code, _, err = _audit("verify")
    assert code == 1
    assert "missing: checkpoint at" in err


def test_a_forged_checkpoint_is_caught(anchored: Path) -> None:
    events = _events(3)
    assert _audit("checkpoint")[0] == 0
    _cut_to(events[0])
    # The attacker also rewrites the checkpoint file, but has no key: a MAC of their own.
    line = json.loads(anchored.read_text().splitlines()[-1])
    line.update(seq=events[0].seq, hash=events[0].hash, mac=secrets.token_hex(32))
    anchored.write_text(json.dumps(line) + "\n")

    code, _, err = _audit("verify")
    assert code == 1
    assert f"checkpoint at #{events[0].seq}: forged" in err


def test_a_checkpoint_file_that_was_removed_or_emptied_is_caught(anchored: Path) -> None:
    _events(2)
    assert _audit("checkpoint")[0] == 0
    anchored.write_text("")
    code, _, err = _audit("verify")
    assert code == 1
    assert "no checkpoints" in err
    anchored.unlink()
    code, _, err = _audit("verify")
    assert code == 1
    assert "no checkpoints" in err


def test_changing_the_actor_id_is_caught(alice: User, bob: User) -> None:
    [event] = _events(1, actor=alice)
    assert _audit("verify")[0] == 0
    _raw("UPDATE audit_auditevent SET actor_id = %s WHERE seq = %s", bob.pk, event.seq)
    code, _, err = _audit("verify")
    assert code == 1
    assert f"event {event.seq}:" in err


def test_changing_the_hashed_actor_reference_is_caught(alice: User, bob: User) -> None:
    [event] = _events(1, actor=alice)
    _raw(
        "UPDATE audit_auditevent SET actor_id = %s, actor_ref = %s WHERE seq = %s",
        bob.pk,
        bob.pk,
        event.seq,
    )
    code, _, err = _audit("verify")
    assert code == 1
    assert f"event {event.seq}: content was changed" in err


def test_downgrading_an_event_to_the_old_hash_is_caught(alice: User, bob: User) -> None:
    first, _second = _events(2, actor=alice)
    # Version 1 does not cover the actor's id: an attacker would like the event to be read so.
    _raw("UPDATE audit_auditevent SET hash_version = 1 WHERE seq = %s", first.seq)
    code, _, err = _audit("verify")
    assert code == 1
    assert f"event {first.seq}:" in err


def _old_insert(seq: int, prev: str, actor: User | None, action: str) -> str:
    """An event as the code before hash version 2 wrote it (no hash_version, no actor_ref)."""
    at = timezone.now() - dt.timedelta(days=1)
    label = actor.get_username() if actor else "system"
    payload = {
        "seq": seq,
        "at": at.isoformat(),
        "actor_label": label,
        "action": action,
        "object_type": "test.thing",
        "object_id": str(seq),
        "before": None,
        "after": {"old": True},
        "prev_hash": prev,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    _raw(
        "INSERT INTO audit_auditevent (seq, at, actor_label, action, object_type, object_id,"
        ' before, "after", prev_hash, hash, actor_id) VALUES (%s, %s, %s, %s, %s, %s, NULL,'
        " %s, %s, %s, %s)",
        seq,
        connection.ops.adapt_datetimefield_value(at),
        label,
        action,
        "test.thing",
        str(seq),
        json.dumps({"old": True}),
        prev,
        digest,
        actor.pk if actor else None,
    )
    _raw("UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", seq, digest)
    return digest


def test_old_events_still_verify_and_new_ones_chain_on(anchored: Path, alice: User) -> None:
    head, _ = ChainHead.objects.get_or_create(id=1)
    prev = _old_insert(head.seq + 1, head.hash, alice, "old_one")
    _old_insert(head.seq + 2, prev, None, "old_two")
    old = AuditEvent.objects.get(seq=head.seq + 1)
    assert old.hash_version == 1
    new = audit.log("new_one", ("test.thing", 1), actor=alice)
    assert new.hash_version == 2
    assert new.prev_hash == AuditEvent.objects.get(seq=head.seq + 2).hash
    assert audit.verify() == []
    assert _audit("checkpoint")[0] == 0
    code, out, _ = _audit("verify")
    assert code == 0, out
    assert "intact" in out


def test_pruning_checkpointed_events_keeps_the_log_intact(anchored: Path) -> None:
    _events(3)
    assert _audit("checkpoint")[0] == 0
    audit.prune(timezone.now() + dt.timedelta(seconds=1))
    assert AuditEvent.objects.get().action == audit.PRUNED
    code, out, err = _audit("verify")
    assert code == 0, err
    assert "intact" in out
    assert _audit("checkpoint")[0] == 0
    assert _audit("verify")[0] == 0


def _checkpointed_seqs(path: Path) -> list[int]:
    if not path.exists():
        return []
    return [
        cp.seq for line in path.read_text().splitlines() if (cp := checkpoints.parse_line(line))
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_writes_checkpoints_at_its_interval(
    anchored: Path, settings: Any, tmp_path: Path, spawn: Any
) -> None:
    settings.AUDIT_ANCHOR_EVERY_COMMIT = False  # only the workers' interval writes here
    first = audit.log("before_the_workers", ("test.thing", 1))
    env = worker_env(
        tmp_path / "data",
        FLAGDESK_AUDIT_ANCHOR_EVERY_COMMIT="false",
        FLAGDESK_AUDIT_KEY_FILE=settings.AUDIT_KEY_FILE,
        FLAGDESK_AUDIT_CHECKPOINT_TARGETS=f"file://{anchored}",
        FLAGDESK_AUDIT_CHECKPOINT_SECONDS="1",
    )
    workers: list[WorkerProcess] = [spawn(env, "--no-mail") for _ in range(2)]
    eventually(lambda: first.seq in _checkpointed_seqs(anchored), "first checkpoint", 60, workers)
    later = audit.log("while_they_run", ("test.thing", 2))
    eventually(lambda: later.seq in _checkpointed_seqs(anchored), "next checkpoint", 60, workers)
    for worker in workers:
        assert worker.stop() == 0, worker.output

    seqs = _checkpointed_seqs(anchored)
    assert len(seqs) == len(set(seqs)), seqs  # two workers, one checkpoint per new head
    assert _audit("verify")[0] == 0
    _cut_to(first)
    code, _, err = _audit("verify")
    assert code == 1
    assert f"events after #{first.seq} missing: checkpoint at #{later.seq}" in err


# ------------------------------------------------ with nothing configured: every commit anchors


@pytest.fixture
def out_of_the_box(settings: Any, tmp_path: Path) -> Path:
    """No key file, no targets set: the defaults in the data directory, which it returns."""
    settings.DATA_DIR = tmp_path
    settings.AUDIT_KEY_FILE = ""
    settings.AUDIT_CHECKPOINT_TARGETS = []
    return tmp_path


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_out_of_the_box_deleting_the_newest_event_is_caught_at_once(out_of_the_box: Path) -> None:
    """No key file set, no checkpoint command run, no worker: the commit anchors the log."""
    events = _events(3)  # each in its own transaction, as requests are
    assert (out_of_the_box / checkpoints.DEFAULT_KEY_NAME).stat().st_mode & 0o777 == 0o600
    _cut_to(events[-2])
    assert audit.verify() == []

    code, _, err = _audit("verify")
    assert code == 1
    assert f"events after #{events[-2].seq} missing: checkpoint at #{events[-1].seq}" in err


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_anchor_per_transaction_and_none_for_a_rolled_back_savepoint(
    out_of_the_box: Path,
) -> None:
    from django.db import transaction

    def log_then_fail() -> None:
        with transaction.atomic():
            _events(1)  # gone with its savepoint: must not be anchored
            raise RuntimeError

    with transaction.atomic():
        kept = _events(2)
        with pytest.raises(RuntimeError):
            log_then_fail()
    lines = (out_of_the_box / "audit-checkpoints.jsonl").read_text().splitlines()
    assert [cp.seq for line in lines if (cp := checkpoints.parse_line(line))] == [kept[-1].seq]
    assert _audit("verify")[0] == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_removing_the_key_file_does_not_switch_the_check_off(out_of_the_box: Path) -> None:
    events = _events(2)
    (out_of_the_box / checkpoints.DEFAULT_KEY_NAME).unlink()
    _cut_to(events[0])
    code, _, err = _audit("verify")
    assert code == 1
    assert "is missing, but checkpoints exist" in err


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_released_savepoint_keeps_its_anchor(out_of_the_box: Path) -> None:
    from django.db import transaction

    with transaction.atomic():
        _events(1)
        with transaction.atomic():  # a savepoint, released: its events commit with the rest
            inner = _events(1)
        outer = _events(1)
    lines = (out_of_the_box / "audit-checkpoints.jsonl").read_text().splitlines()
    seqs = sorted(cp.seq for line in lines if (cp := checkpoints.parse_line(line)))
    assert seqs == [inner[-1].seq, outer[-1].seq]
    assert _audit("verify")[0] == 0
    _cut_to(inner[-1])
    assert _audit("verify")[0] == 1
