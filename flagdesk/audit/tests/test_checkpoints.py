# SPDX-License-Identifier: EUPL-1.2
"""Checkpoints: the rule that judges one, keys, targets, the worker's schedule, the command."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import secrets
import socket
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.audit import checkpoints
from flagdesk.audit import service as audit
from flagdesk.audit.checkpoints import Chain, Checkpoint, Key

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
KEY = Key(checkpoints.key_id(b"k" * 40), b"k" * 40)
OTHER_KEY = Key(checkpoints.key_id(b"o" * 40), b"o" * 40)
H = {seq: f"{seq:064x}" for seq in range(1, 20)}


def chain(last: int = 10, pruned: int = 0, anchors: dict[int, str] | None = None) -> Chain:
    hashes = {seq: h for seq, h in H.items() if pruned < seq <= last}
    return Chain(last, pruned, anchors or {}, hashes)


def signed(seq: int, event_hash: str | None = None, key: Key = KEY) -> Checkpoint:
    return checkpoints.sign(seq, event_hash or H[seq], NOW, key)


# ------------------------------------------------------------------------ the rule


def test_a_checkpoint_of_an_event_in_the_log_matches() -> None:
    assert checkpoints.judge(signed(5), [KEY], chain()) == checkpoints.MATCHES
    assert checkpoints.judge(signed(10), [KEY], chain()) == checkpoints.MATCHES


def test_a_checkpoint_beyond_the_last_event_means_events_were_removed() -> None:
    assert checkpoints.judge(signed(12), [KEY], chain()) == checkpoints.EVENTS_MISSING_AFTER
    assert checkpoints.judge(signed(1), [KEY], chain(last=0)) == checkpoints.EVENTS_MISSING_AFTER


def test_a_checkpoint_whose_event_is_gone_from_the_middle() -> None:
    holed = Chain(10, 0, {}, {seq: h for seq, h in H.items() if seq <= 10 and seq != 4})
    assert checkpoints.judge(signed(4), [KEY], holed) == checkpoints.EVENT_MISSING


def test_a_checkpoint_whose_event_has_another_hash_means_it_was_replaced() -> None:
    assert checkpoints.judge(signed(5, "f" * 64), [KEY], chain()) == checkpoints.HASH_DIFFERS


def test_a_wrong_mac_is_a_forgery_and_a_strange_key_is_unknown() -> None:
    genuine = signed(5)
    forged = Checkpoint(6, H[6], genuine.at, genuine.key_id, genuine.mac)
    assert checkpoints.judge(forged, [KEY], chain()) == checkpoints.FORGED
    assert checkpoints.judge(signed(5, key=OTHER_KEY), [KEY], chain()) == checkpoints.UNKNOWN_KEY
    moved = Checkpoint(5, H[5], "2030-01-01T00:00:00+00:00", genuine.key_id, genuine.mac)
    assert checkpoints.judge(moved, [KEY], chain()) == checkpoints.FORGED


def test_a_checkpoint_of_a_pruned_event_is_covered_by_the_prune_anchor() -> None:
    pruned = chain(last=10, pruned=6, anchors={6: H[6]})
    assert checkpoints.judge(signed(3), [KEY], pruned) == checkpoints.PRUNED
    assert checkpoints.judge(signed(6), [KEY], pruned) == checkpoints.PRUNED
    assert checkpoints.judge(signed(6, "e" * 64), [KEY], pruned) == checkpoints.HASH_DIFFERS
    assert checkpoints.judge(signed(8), [KEY], pruned) == checkpoints.MATCHES


def test_an_old_key_below_the_new_one_still_verifies() -> None:
    keys = checkpoints.parse_keys(f"# rotated 2026-12\n{'n' * 40}\n\n{'k' * 40}\n")
    assert keys[1] == KEY
    assert checkpoints.judge(signed(5), keys, chain()) == checkpoints.MATCHES
    assert checkpoints.judge(signed(5, key=keys[0]), keys, chain()) == checkpoints.MATCHES


@pytest.mark.parametrize("text", ["", "# only a comment\n", "short\n"])
def test_a_key_file_without_a_proper_key_is_refused(text: str) -> None:
    with pytest.raises(checkpoints.CheckpointError):
        checkpoints.parse_keys(text)


def test_lines_are_read_from_a_checkpoint_file_or_a_syslog_file() -> None:
    checkpoint = signed(5)
    assert checkpoints.parse_line(checkpoint.to_line()) == checkpoint
    syslog = f"Dec  1 12:00:00 host flagdesk: {checkpoints.MARKER} {checkpoint.to_line()}"
    assert checkpoints.parse_line(syslog) == checkpoint
    assert checkpoints.parse_line("Dec  1 12:00:00 host sshd[1]: accepted") is None
    assert checkpoints.parse_line("") is None
    for damaged in ['{"v": 1, "seq": "5"}', "{not json", '{"v": 9, "seq": 5, "hash": ""}']:
        with pytest.raises(checkpoints.DamagedCheckpoint):
            checkpoints.parse_line(damaged)


# ----------------------------------------------------------- writing and verifying


@pytest.fixture
def key_file(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "audit.key"
    path.write_text(secrets.token_hex(32) + "\n")
    settings.AUDIT_KEY_FILE = str(path)
    return path


@pytest.fixture
def checkpoint_file(db: Any, key_file: Path, tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_TARGETS = [f"file://{path}"]
    return path


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_before_the_first_checkpoint_verify_warns_then_the_default_key_is_made(
    db: Any, settings: Any, tmp_path: Path
) -> None:
    # In a test transaction nothing commits, so no anchor was written: as after an upgrade.
    settings.AUDIT_KEY_FILE = ""
    settings.AUDIT_CHECKPOINT_TARGETS = []
    audit.log("thing", ("test.thing", 1))
    code, out, err = run("verify")
    assert code == 0
    assert "audit log intact, but not anchored" in out
    assert "warning: audit log not anchored: no checkpoint was written yet" in err

    assert run("checkpoint")[0] == 0
    key = tmp_path / checkpoints.DEFAULT_KEY_NAME
    assert key.stat().st_mode & 0o777 == 0o600
    code, out, _ = run("verify")
    assert code == 0
    assert out.strip().endswith("audit log intact")


def test_an_unreadable_key_fails_verify(db: Any, settings: Any, tmp_path: Path) -> None:
    settings.AUDIT_KEY_FILE = str(tmp_path / "gone.key")
    audit.log("thing", ("test.thing", 1))
    code, _, err = run("verify")
    assert code == 1
    assert "cannot read the audit key file" in err


def test_the_checkpoint_goes_to_the_data_directory_by_default(
    db: Any, key_file: Path, settings: Any
) -> None:
    settings.AUDIT_CHECKPOINT_TARGETS = []
    event = audit.log("thing", ("test.thing", 1))
    code, out, _ = run("checkpoint")
    assert code == 0
    assert f"checkpoint at #{event.seq}" in out
    path = Path(settings.DATA_DIR) / "audit-checkpoints.jsonl"
    [line] = path.read_text().splitlines()
    assert json.loads(line)["seq"] == event.seq
    code, out, _ = run("verify")
    assert code == 0
    assert f"proves events up to #{event.seq} complete" in out
    assert out.rstrip().endswith("audit log intact")


def test_verify_says_which_events_no_checkpoint_covers_yet(checkpoint_file: Path) -> None:
    first = audit.log("thing", ("test.thing", 1))
    run("checkpoint")
    audit.log("thing", ("test.thing", 2))
    code, out, _ = run("verify")
    assert code == 0
    assert f"up to #{first.seq} complete; the 1 event(s) after it are newer" in out


def test_a_damaged_line_in_the_checkpoint_file_fails_verify(checkpoint_file: Path) -> None:
    audit.log("thing", ("test.thing", 1))
    run("checkpoint")
    with checkpoint_file.open("a") as handle:
        handle.write('{"v": 1, "seq": "many"}\n')
    code, _, err = run("verify")
    assert code == 1
    assert "line 2: damaged" in err


def test_the_worker_writes_when_due_and_the_chain_moved(
    checkpoint_file: Path, settings: Any
) -> None:
    settings.AUDIT_CHECKPOINT_SECONDS = 300
    audit.log("thing", ("test.thing", 1))
    now = timezone.now()
    assert checkpoints.write_due(now) is not None
    assert checkpoints.write_due(now + dt.timedelta(seconds=400)) is None  # nothing new
    event = audit.log("thing", ("test.thing", 2))
    assert checkpoints.write_due(now + dt.timedelta(seconds=10)) is None  # not due yet
    written = checkpoints.write_due(now + dt.timedelta(seconds=400))
    assert written is not None and written.seq == event.seq
    assert len(checkpoint_file.read_text().splitlines()) == 2
    settings.AUDIT_CHECKPOINT_SECONDS = 0
    audit.log("thing", ("test.thing", 3))
    assert checkpoints.write_due(now + dt.timedelta(days=1)) is None


def test_a_failed_write_is_reported_and_tried_again(
    checkpoint_file: Path, settings: Any, tmp_path: Path
) -> None:
    settings.AUDIT_CHECKPOINT_SECONDS = 300
    settings.AUDIT_CHECKPOINT_TARGETS = [f"file://{tmp_path}/no-such-dir/checkpoints.jsonl"]
    audit.log("thing", ("test.thing", 1))
    with pytest.raises(checkpoints.CheckpointError, match="no-such-dir"):
        checkpoints.write_due()
    with pytest.raises(CommandError, match="writing the checkpoint failed"):
        call_command("audit", "checkpoint")
    settings.AUDIT_CHECKPOINT_TARGETS = [f"file://{checkpoint_file}"]
    assert checkpoints.write_due() is not None  # at once, not an interval later


def test_the_worker_upkeep_carries_on_when_the_checkpoint_fails(
    db: Any, settings: Any, tmp_path: Path
) -> None:
    from flagdesk.desk.management.commands.worker import upkeep

    settings.AUDIT_KEY_FILE = str(tmp_path / "gone.key")
    settings.AUDIT_CHECKPOINT_SECONDS = 1
    audit.log("thing", ("test.thing", 1))
    upkeep()  # logs the error instead of stopping the other work


def test_checkpoints_go_to_syslog(checkpoint_file: Path, settings: Any, tmp_path: Path) -> None:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(30)
    port = receiver.getsockname()[1]
    settings.AUDIT_CHECKPOINT_TARGETS = [f"syslog://127.0.0.1:{port}?facility=local3"]
    try:
        event = audit.log("thing", ("test.thing", 1))
        run("checkpoint")
        message = receiver.recv(65536).decode()
    finally:
        receiver.close()
    assert message.startswith(f"<{19 * 8 + 6}>flagdesk: {checkpoints.MARKER} {{")
    checkpoint = checkpoints.parse_line(message)
    assert checkpoint is not None and checkpoint.seq == event.seq

    # Syslog can't be read back from here: verify says so, and reads a copy when given one.
    code, out, err = run("verify")
    assert code == 0
    assert "no checkpoint target can be read back" in err
    assert "not anchored" in out
    copy = tmp_path / "syslog-copy.log"
    copy.write_text(f"Dec  1 12:00:00 host sshd[1]: hello\n{message}\n")
    code, out, _ = run("verify", "--checkpoints", str(copy))
    assert code == 0
    assert f"in {copy} hold" in out


def test_a_syslog_target_keeps_one_connection_and_replaces_a_broken_one() -> None:
    """The anchor after every commit must not connect per transaction."""
    receiver = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.listen(4)
    receiver.settimeout(30)
    url = f"syslog+tcp://127.0.0.1:{receiver.getsockname()[1]}"
    target = checkpoints.make_target(url)
    try:
        target.write("first")
        connection, _ = receiver.accept()
        target.write("second")
        connection.settimeout(30)
        received = b""
        while b"second" not in received:
            chunk = connection.recv(65536)
            if not chunk:  # closed by the sender: "second" went over another connection
                break
            received += chunk
        assert b"first" in received and b"second" in received  # one connection carried both

        checkpoints._SYSLOG_HANDLERS[(url, os.getpid())].socket.close()  # the link broke
        target.write("third")
        again, _ = receiver.accept()
        again.settimeout(30)
        assert b"third" in again.recv(65536)
        connection.close()
        again.close()
    finally:
        receiver.close()
        checkpoints._SYSLOG_HANDLERS.pop((url, os.getpid()), None)


def test_an_unknown_target_is_refused_and_a_plugin_can_add_one(
    checkpoint_file: Path, settings: Any
) -> None:
    settings.AUDIT_CHECKPOINT_TARGETS = ["s3-worm://bucket/flagdesk"]
    with pytest.raises(checkpoints.CheckpointError, match="unknown checkpoint target"):
        checkpoints.configured_targets()

    class Memory:
        lines: list[str] = []

        def __init__(self, url: str) -> None:
            self.url = url

        def write(self, line: str) -> None:
            self.lines.append(line)

        def read(self) -> list[str] | None:
            return list(self.lines)

    checkpoints.register_target("s3-worm", Memory)
    try:
        event = audit.log("thing", ("test.thing", 1))
        run("checkpoint")
        assert [json.loads(line)["seq"] for line in Memory.lines] == [event.seq]
        code, out, _ = run("verify")
        assert code == 0
        assert "in s3-worm://bucket/flagdesk hold" in out
    finally:
        del checkpoints._FACTORIES["s3-worm"]


def test_keygen_writes_a_private_key_file_once(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    out = io.StringIO()
    call_command("audit", "keygen", str(path), stdout=out)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [key] = checkpoints.parse_keys(path.read_text())
    assert f"key {key.key_id} written" in out.getvalue()
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("audit", "keygen", str(path))


# ------------------------------------------------------------------------ actors


def test_new_events_hash_the_actors_id(db: Any, alice: User) -> None:
    event = audit.log("thing", ("test.thing", 1), actor=alice)
    assert (event.hash_version, event.actor_ref) == (2, alice.pk)
    assert event.payload()["actor_ref"] == alice.pk
    system = audit.log("tick", ("test.thing", 1), actor="cli")
    assert (system.actor_ref, system.actor_label) == (None, "cli")


def test_cutting_the_account_link_of_a_living_account_is_caught(db: Any, alice: User) -> None:
    event = audit.log("thing", ("test.thing", 1), actor=alice)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_id = NULL WHERE seq = %s", [event.seq])
    assert [(p.seq, p.message) for p in audit.verify()] == [
        (event.seq, "actor was removed from the event, but the account exists")
    ]


def test_an_unknown_hash_version_is_reported(db: Any) -> None:
    event = audit.log("thing", ("test.thing", 1))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET hash_version = 7 WHERE seq = %s", [event.seq])
    messages = [p.message for p in audit.verify()]
    assert "unknown hash version 7" in messages
