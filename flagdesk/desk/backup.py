# SPDX-License-Identifier: EUPL-1.2
"""One-file backups of the database and the stored files, and their restore.

A backup is a tar file::

    manifest.json            format, time, database vendor, applied migrations, every member's
                             SHA-256, size and (for tables) row count
    manifest-sha256.txt      the same hashes for ``sha256sum -c`` after unpacking
    db/NNNN-app.model.jsonl  one line per row: Django's serialised form (full precision)
    files/<root>/<path>      the stored files: ``files`` (uploads), ``mail``, ``reports``,
                             ``outbox``

The rows are Django's own serialisation, read in one snapshot and written one model at a
time, so a backup restores into SQLite or PostgreSQL whichever it came from. Restore loads
the rows with their primary keys the way ``loaddata`` does (``save_base(raw=True)``, so the
audit log's refusal to change saved rows does not apply, and its chain head comes along).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import storages
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from flagdesk.core.integrity import CHUNK
from flagdesk.core.private import open_private

FORMAT = "flagdesk-backup/1"
# Logins are not worth keeping: a restored site asks everyone to log in again.
SKIPPED_MODELS = {"sessions.session"}

Progress = Callable[[str, int, int], None]


class BackupError(Exception):
    """Shown to the user."""


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


# ------------------------------------------------------------------ what is backed up


def file_roots() -> dict[str, Path]:
    """The directories of stored files, by the name they have inside a backup."""
    from flagdesk.mailarchive import service as mailarchive
    from flagdesk.reports import service as reports

    uploads = getattr(storages["default"], "location", None)
    return {
        "files": Path(uploads or Path(settings.DATA_DIR) / "files"),
        "mail": mailarchive.archive_root(),
        "reports": reports.reports_root(),
        "outbox": Path(settings.OUTBOX_DIR),
    }


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete table of every app, in an order that loads (dependencies first)."""
    app_list: dict[Any, list[type[models.Model]] | None] = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in SKIPPED_MODELS:
            continue
        app_list.setdefault(meta.app_config, []).append(model)  # type: ignore[union-attr]
    ordered = serializers.sort_dependencies(app_list.items(), allow_cycles=True)
    return list(ordered)


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _iter_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        # Half-written temporaries of write_once start with a dot; they are not data.
        if path.is_file() and not path.name.startswith("."):
            yield path


# -------------------------------------------------------------------- serialisation


class _Encoder(json.JSONEncoder):
    # Not DjangoJSONEncoder: it cuts datetimes to milliseconds, and a backup loses nothing.
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.date | dt.time):
            return o.isoformat()
        if isinstance(o, dt.timedelta):
            return f"{o.total_seconds()}"
        if isinstance(o, decimal.Decimal | uuid.UUID):
            return str(o)
        if isinstance(o, bytes | memoryview):
            raise TypeError("binary values are serialised by their field")
        return super().default(o)


def serialise_rows(model: type[models.Model]) -> Iterator[str]:
    """One JSON line per row, ordered by primary key, streamed in chunks."""
    queryset = model._base_manager.order_by("pk")
    chunk: list[models.Model] = []
    for obj in queryset.iterator(chunk_size=1000):
        chunk.append(obj)
        if len(chunk) == 1000:
            yield from _lines(chunk)
            chunk = []
    yield from _lines(chunk)


def _lines(chunk: list[models.Model]) -> Iterator[str]:
    for row in serializers.serialize("python", chunk):
        yield json.dumps(row, cls=_Encoder, sort_keys=True, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- backup


@dataclass
class Member:
    name: str
    sha256: str
    size: int
    rows: int | None = None


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    bytes: int
    manifest_sha256: str
    members: list[Member] = field(default_factory=list)


def create_backup(out: Path, *, progress: Progress = _no_progress) -> BackupResult:
    """Write the database and the stored files to ``out`` (a tar file; ``.tar.gz`` compresses).

    The rows are read in one snapshot (PostgreSQL: a repeatable-read transaction; SQLite: one
    transaction), so they are consistent with each other. Stored files are written before
    the row that names them is committed and never change, so every file a row names is
    there when the files are copied afterwards.
    """
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        # The models would describe columns the tables don't have yet.
        raise BackupError("the database is not migrated to this version: run flagdesk migrate")
    mode: Literal["w", "w:gz"] = "w:gz" if out.name.endswith((".tar.gz", ".tgz")) else "w"
    # A directory made here is the owner's alone; an existing one is left as the admin set it.
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    members: list[Member] = []
    with (
        open_private(partial) as handle,
        tarfile.open(fileobj=handle, mode=mode) as tar,
        tempfile.TemporaryDirectory() as scratch,
    ):
        schema = _dump_database(tar, Path(scratch), members, progress)
        _copy_files(tar, members, progress)
        manifest = _manifest(members, schema)
        manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
        _add_bytes(tar, "manifest-sha256.txt", _sha256sum_text(members).encode())
        _add_bytes(tar, "manifest.json", manifest_bytes)
    os.replace(partial, out)
    rows = [m.rows for m in members if m.rows is not None]
    return BackupResult(
        path=out,
        tables=len(rows),
        rows=sum(rows),
        files=sum(1 for m in members if m.rows is None),
        bytes=out.stat().st_size,
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        members=members,
    )


def _dump_database(
    tar: tarfile.TarFile, scratch: Path, members: list[Member], progress: Progress
) -> dict[str, Any]:
    models_ = backed_up_models()
    with transaction.atomic():
        if connection.vendor == "postgresql" and not _in_outer_transaction():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        schema = {"vendor": connection.vendor, "migrations": applied_migrations()}
        for number, model in enumerate(models_, start=1):
            progress("database", number - 1, len(models_))
            name = f"db/{number:04d}-{model._meta.label_lower}.jsonl"
            path = scratch / "table.jsonl"
            digest = hashlib.sha256()
            rows = 0
            with open_private(path) as handle:
                for line in serialise_rows(model):
                    data = line.encode()
                    digest.update(data)
                    handle.write(data)
                    rows += 1
            tar.add(path, arcname=name, recursive=False, filter=_plain)
            members.append(Member(name, digest.hexdigest(), path.stat().st_size, rows))
        progress("database", len(models_), len(models_))
    return schema


def _in_outer_transaction() -> bool:
    # Inside the caller's transaction (tests) the isolation level is already fixed.
    return bool(connection.savepoint_ids)


def _copy_files(tar: tarfile.TarFile, members: list[Member], progress: Progress) -> None:
    files = [(name, path) for name, root in file_roots().items() for path in _iter_files(root)]
    roots = file_roots()
    for number, (root_name, path) in enumerate(files):
        progress("files", number, len(files))
        relative = path.relative_to(roots[root_name]).as_posix()
        arcname = f"files/{root_name}/{relative}"
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as handle:
            info = tar.gettarinfo(fileobj=handle, arcname=arcname)
            info = _plain(info)
            tar.addfile(info, _Hashing(handle, digest))
            size = info.size
        members.append(Member(arcname, digest.hexdigest(), size))
    progress("files", len(files), len(files))


class _Hashing(io.RawIOBase):
    """Hashes what tar reads, so every file is read once."""

    def __init__(self, handle: IO[bytes], digest: Any) -> None:
        self._handle = handle
        self._digest = digest

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._digest.update(data)
        return data

    def readable(self) -> bool:
        return True


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o444
    tar.addfile(info, io.BytesIO(data))


def _manifest(members: list[Member], schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": schema["vendor"],
        "migrations": schema["migrations"],
        "members": [
            {"name": m.name, "sha256": m.sha256, "size": m.size}
            | ({"rows": m.rows} if m.rows is not None else {})
            for m in members
        ],
    }


def _sha256sum_text(members: list[Member]) -> str:
    return "".join(f"{m.sha256}  {m.name}\n" for m in members)


# -------------------------------------------------------------------------- reading


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        handle = tar.extractfile("manifest.json")
    except KeyError:
        raise BackupError("not a FlagDesk backup: manifest.json is missing") from None
    assert handle is not None
    manifest: dict[str, Any] = json.load(handle)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def manifest_sha256(tar: tarfile.TarFile) -> str:
    handle = tar.extractfile("manifest.json")
    assert handle is not None
    return hashlib.sha256(handle.read()).hexdigest()


def verify_backup(path: Path, *, progress: Progress = _no_progress) -> list[str]:
    """Every member's hash and size against the manifest; the problems found (none: intact)."""
    problems: list[str] = []
    with tarfile.open(path) as tar:
        manifest = read_manifest(tar)
        expected = {m["name"]: m for m in manifest["members"]}
        seen: set[str] = set()
        for info in tar:
            if info.name in ("manifest.json", "manifest-sha256.txt"):
                continue
            progress("checking", len(seen), len(expected))
            entry = expected.get(info.name)
            if entry is None:
                problems.append(f"{info.name}: not in the manifest")
                continue
            seen.add(info.name)
            handle = tar.extractfile(info)
            if handle is None:
                problems.append(f"{info.name}: not a file")
                continue
            digest = hashlib.sha256()
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != entry["sha256"] or info.size != entry["size"]:
                problems.append(f"{info.name}: does not match its hash in the manifest")
        progress("checking", len(expected), len(expected))
        problems.extend(f"{name}: missing" for name in sorted(set(expected) - seen))
    return problems


# -------------------------------------------------------------------------- restore


def user_rows() -> int:
    """Rows that a fresh, migrated database does not have: people, cases, the audit log."""
    from flagdesk.accounts.models import User
    from flagdesk.audit.models import AuditEvent
    from flagdesk.intake.models import Case, Signal

    return sum(m.objects.count() for m in (User, AuditEvent, Case, Signal))


def data_dir_files() -> list[Path]:
    return [path for root in file_roots().values() for path in _iter_files(root)]


def database_is_empty() -> bool:
    tables = connection.introspection.table_names()
    return "django_migrations" not in tables or user_rows() == 0


def check_schema(manifest: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The migration targets that bring this database to the backup's schema.

    A fresh database is migrated up to them; one that already has tables must be exactly
    there. Raises BackupError when this code doesn't know a migration the backup has.
    """
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    wanted: dict[str, set[str]] = {app: set(names) for app, names in manifest["migrations"].items()}
    unknown = [
        f"{app}.{name}"
        for app, names in wanted.items()
        for name in names
        if (app, name) not in graph.nodes
    ]
    if unknown:
        raise BackupError(
            "the backup was made by a newer FlagDesk (unknown migrations: "
            + ", ".join(unknown[:5])
            + "); restore it with that version"
        )
    targets: list[tuple[str, str | None]] = []
    for app, names in sorted(wanted.items()):
        leaves = [
            name
            for name in names
            if not any(
                child[0] == app and child[1] in names
                for child in graph.node_map[(app, name)].children
            )
        ]
        targets.extend((app, leaf) for leaf in sorted(leaves))
    applied = (
        applied_migrations()
        if "django_migrations" in connection.introspection.table_names()
        else {}
    )
    if applied and {a: set(n) for a, n in applied.items()} != wanted:
        raise BackupError(
            "this database already has tables at another schema version; restore into a new, "
            "empty database (FlagDesk creates the tables)"
        )
    return targets


@dataclass
class RestoreResult:
    rows: int
    files: int


def restore_backup(path: Path, *, progress: Progress = _no_progress) -> RestoreResult:
    """Load a verified backup into this database and the data directory.

    The caller checked that both are empty (or was told to overwrite). Tables are created up
    to the backup's schema, emptied, loaded with the original primary keys, and then migrated
    to this version's latest schema.
    """
    with tarfile.open(path) as tar:
        manifest = read_manifest(tar)
        expected = {m["name"]: m for m in manifest["members"]}
        targets = check_schema(manifest)
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        rows = _load_database(tar, expected, progress)
        files = _restore_files(tar, expected, progress)
    from django.core.management import call_command

    # The heartbeats just loaded are the backed-up installation's workers, not workers on this
    # database: migrate's check for running workers (core/management/commands/migrate.py)
    # would take them for live ones.
    call_command("migrate", verbosity=0, interactive=False, force=True)
    return RestoreResult(rows=rows, files=files)


def _load_database(tar: tarfile.TarFile, expected: dict[str, Any], progress: Progress) -> int:
    tables = sorted(name for name in expected if name.startswith("db/"))
    loaded_models: list[type[models.Model]] = []
    total = 0
    with transaction.atomic():
        _empty_tables()
        with connection.constraint_checks_disabled():
            for number, name in enumerate(tables):
                progress("database", number, len(tables))
                label = name.split("-", 1)[1].removesuffix(".jsonl")
                model = apps.get_model(label)
                loaded_models.append(model)
                total += _load_table(tar, name, expected[name])
        # What loaddata does: the deferred checks, now that every table is there.
        connection.check_constraints(table_names=[m._meta.db_table for m in loaded_models])
        progress("database", len(tables), len(tables))
        sequences = connection.ops.sequence_reset_sql(no_style(), loaded_models)
        if sequences:
            with connection.cursor() as cursor:
                for sql in sequences:
                    cursor.execute(sql)
    return total


def _empty_tables() -> None:
    # Not ``flush``: it re-creates content types and permissions, which the backup brings.
    tables = list(connection.introspection.django_table_names(only_existing=True))
    sql = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    connection.ops.execute_sql_flush(sql)


def _load_table(tar: tarfile.TarFile, name: str, entry: dict[str, Any]) -> int:
    handle = tar.extractfile(name)
    assert handle is not None
    digest = hashlib.sha256()
    rows = 0

    def lines() -> Iterator[dict[str, Any]]:
        nonlocal rows
        for raw in handle:
            digest.update(raw)
            rows += 1
            yield json.loads(raw)

    batch: list[Any] = []
    for obj in serializers.deserialize("python", lines(), ignorenonexistent=True):
        batch.append(obj)
        if len(batch) == 1000:
            _insert(batch)
            batch = []
    _insert(batch)
    if digest.hexdigest() != entry["sha256"] or rows != entry.get("rows"):
        raise BackupError(f"{name} changed while it was read")
    return rows


def _insert(batch: list[Any]) -> None:
    """Rows as loaddata saves them, but many per INSERT where that is the same thing."""
    if not batch:
        return
    model = type(batch[0].object)
    if model._meta.parents or any(obj.m2m_data for obj in batch):
        for obj in batch:  # inherited tables and many-to-many links need save_base
            obj.save()
        return
    # What save_base(raw=True) inserts, many rows at a time: no save(), no signals, and no
    # pre_save either (bulk_create would stamp auto_now fields with the time of the restore).
    fields = list(model._meta.local_concrete_fields)
    objects = [obj.object for obj in batch]
    size = max(connection.ops.bulk_batch_size(fields, objects), 1)
    for start in range(0, len(objects), size):
        model._base_manager._insert(
            objects[start : start + size], fields=fields, raw=True, using=connection.alias
        )


def _restore_files(tar: tarfile.TarFile, expected: dict[str, Any], progress: Progress) -> int:
    roots = file_roots()
    names = sorted(name for name in expected if name.startswith("files/"))
    for number, name in enumerate(names):
        progress("files", number, len(names))
        root_name, relative = name.split("/", 2)[1:]
        parts = PurePosixPath(relative).parts
        if root_name not in roots or ".." in parts or PurePosixPath(relative).is_absolute():
            raise BackupError(f"{name}: not a path FlagDesk writes")
        target = roots[root_name].joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(name)
        assert source is not None
        digest = hashlib.sha256()
        temporary = target.with_name(f".{target.name}.restore")
        with open(temporary, "wb") as handle:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                handle.write(chunk)
        if digest.hexdigest() != expected[name]["sha256"]:
            temporary.unlink()
            raise BackupError(f"{name}: does not match its hash in the manifest")
        # Stored files are read-only, as write_once leaves them.
        os.chmod(temporary, 0o444)
        os.replace(temporary, target)
    progress("files", len(names), len(names))
    return len(names)


def remove_data_files() -> None:
    """Empty the stored-file directories (``restore --force``)."""
    for root in file_roots().values():
        if root.is_dir():
            for child in root.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
