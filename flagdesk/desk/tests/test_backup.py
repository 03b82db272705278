# SPDX-License-Identifier: EUPL-1.2
"""Backup and restore: a realistic dataset goes through `flagdesk backup`, a `flagdesk
restore` process into a new database (SQLite: a new file; PostgreSQL: a second database) and
a new data directory, and comes back whole: every row of every model, every file byte for
byte, the audit chain intact."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from flagdesk.audit.models import AuditEvent
from flagdesk.desk import backup
from tests_support.dataset import closed_election_with_everything
from tests_support.postgres import private_postgres

__all__ = ["private_postgres"]  # fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["same", "other"])
def target_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database: of the same kind as the test database, or of the
    other kind (SQLite to PostgreSQL, PostgreSQL to SQLite)."""
    sqlite = connection.vendor == "sqlite"
    if sqlite == (request.param == "same"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    elif sqlite:
        yield request.getfixturevalue("private_postgres").url  # its own empty database
    else:
        yield from _second_postgres_database()


def _second_postgres_database() -> Iterator[str]:
    db = connection.settings_dict
    name = f"{db['NAME']}_restored"
    auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    server = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flagdesk(database_url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLAGDESK_")}
    env.update(DATABASE_URL=database_url, FLAGDESK_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "flagdesk.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def tables(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of a backup, by model label (the file numbers follow the installed apps)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    with tarfile.open(path) as tar:
        for info in tar:
            if info.name.startswith("db/"):
                label = info.name.split("-", 1)[1].removesuffix(".jsonl")
                handle = tar.extractfile(info)
                assert handle is not None
                rows[label] = [json.loads(line) for line in handle]
    return rows


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and _stored(p.relative_to(root))
    }


def _stored(relative: Path) -> bool:
    return relative.parts[0] in ("files", "mail", "reports", "outbox")


def test_a_restore_loses_nothing(settings: Any, tmp_path: Path, target_database: str) -> None:
    closed_election_with_everything()
    call_command(
        "archive", "export", "TK2023", "--out", str(tmp_path / "pkg"), stdout=io.StringIO()
    )
    out = tmp_path / "backup.tar.gz"
    call_command("backup", "--out", str(out), stdout=io.StringIO(), stderr=io.StringIO())
    original = tables(out)
    assert original["audit.chainhead"] and original["reports.finalreport"]
    assert original["mailarchive.mailmessage"] and original["notices.attempt"]
    assert original["intake.attachment"] and original["narratives.narrativelink"]

    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    run = flagdesk(target_database, restored_dir, "restore", str(out))
    assert run.returncode == 0, run.stderr
    assert "audit log and stored files verified" in run.stdout

    again = tmp_path / "again.tar"
    assert flagdesk(target_database, restored_dir, "backup", "--out", str(again)).returncode == 0
    restored = tables(again)
    # The restore itself is the one event added, linked to the chain it continued.
    event = restored["audit.auditevent"].pop()
    assert event["fields"]["action"] == "backup_restored"
    assert event["fields"]["prev_hash"] == original["audit.chainhead"][0]["fields"]["hash"]
    assert restored["audit.chainhead"][0]["fields"]["hash"] == event["fields"]["hash"]
    restored["audit.chainhead"] = original["audit.chainhead"]
    assert restored.keys() >= original.keys()
    for label, rows in original.items():
        assert restored[label] == rows, label

    source = files(Path(settings.DATA_DIR))
    assert any(name.startswith("reports/") for name in source)
    assert any(name.startswith("mail/") for name in source)
    assert any(name.startswith("files/attachments/") for name in source)
    assert files(restored_dir) == source

    verified = flagdesk(target_database, restored_dir, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "hash chain verified" in verified.stdout and "stored files intact" in verified.stdout

    # And not twice: the database now holds data.
    refused = flagdesk(target_database, restored_dir, "restore", str(out))
    assert refused.returncode == 1
    assert "database is not empty" in refused.stderr
    # Unless told to replace everything: then the same again, checks included.
    (restored_dir / "mail" / "stray.eml").write_bytes(b"not from the backup")
    forced = flagdesk(target_database, restored_dir, "restore", "--force", str(out))
    assert forced.returncode == 0, forced.stderr
    assert files(restored_dir) == source


@pytest.mark.parametrize("target_database", ["same"], indirect=True)
def test_a_damaged_backup_is_refused_before_anything_changes(
    tmp_path: Path, target_database: str
) -> None:
    closed_election_with_everything()
    out = tmp_path / "backup.tar"
    call_command("backup", "--out", str(out), stdout=io.StringIO(), stderr=io.StringIO())
    with tarfile.open(out) as tar:
        member = next(i for i in tar if i.name.startswith("files/mail/"))
        offset = member.offset_data
    data = bytearray(out.read_bytes())
    data[offset + 5] ^= 1
    out.write_bytes(bytes(data))
    assert any(member.name in p for p in backup.verify_backup(out))

    empty = tmp_path / "empty"
    empty.mkdir()
    run = flagdesk(target_database, empty, "restore", str(out))
    assert run.returncode == 1
    assert f"{member.name}: does not match its hash" in run.stderr
    assert "nothing was restored" in run.stderr
    assert not any(p.is_file() for p in (empty / "mail").rglob("*"))


def test_the_backup_is_checkable_with_sha256sum(tmp_path: Path) -> None:
    closed_election_with_everything()
    out = tmp_path / "backup.tar"
    call_command("backup", "--out", str(out), stdout=io.StringIO(), stderr=io.StringIO())
    unpacked = tmp_path / "unpacked"
    with tarfile.open(out) as tar:
        tar.extractall(unpacked, filter="data")
    checked = subprocess.run(
        ["sha256sum", "--strict", "-c", "manifest-sha256.txt"],
        cwd=unpacked,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
    manifest = json.loads((unpacked / "manifest.json").read_text())
    assert manifest["migrations"]["audit"][0] == "0001_initial"
    event = AuditEvent.objects.get(action="backup_created")
    assert event.after["rows"] == sum(m.get("rows", 0) for m in manifest["members"])
