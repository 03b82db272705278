# SPDX-License-Identifier: EUPL-1.2
"""Stored files checked against the hashes recorded when they were written.

Archived mail (raw message and kept attachments), final report files, signal attachments and
portal confirmations all carry a SHA-256 in their row; a frozen notice carries the hash of its
bytes. ``verify()`` reads every one back and names each file that is missing or differs.
``flagdesk audit verify`` runs it after the hash chain, and ``flagdesk restore`` after a
restore.

This module knows no app: each app registers what it stored (``register_stored_files``) and
any other check (``register_check``) in its ``AppConfig.ready()``, so ``core`` and ``audit``
stay below the apps they verify (docs/architecture.md).

A mail row whose files retention removed (``purged``) is not expected on disk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.db.models import Model, QuerySet

CHUNK = 1024 * 1024
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class StoredFile:
    path: Path
    sha256: str | None  # None: nothing was recorded, so only its presence is checked
    label: str


@dataclass(frozen=True)
class Mismatch:
    label: str
    path: str
    problem: str  # "missing" | "changed" | "bytes changed"

    def __str__(self) -> str:
        return f"{self.label}: {self.path}: {self.problem}"


FileSource = Callable[[], Iterable[StoredFile]]
Check = Callable[[], list[Mismatch]]
# name -> function, in registration order (INSTALLED_APPS order); a name registered twice
# (a test, a reloaded app) replaces its entry instead of running twice.
_file_sources: dict[str, FileSource] = {}
_checks: dict[str, Check] = {}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def register_stored_files(name: str, source: FileSource) -> None:
    """An app names the files it wrote with their hashes (called from its AppConfig.ready())."""
    _file_sources[name] = source


def register_check(name: str, check: Check) -> None:
    """An app adds a check of its own that is not about files (e.g. bytes kept in a row)."""
    _checks[name] = check


def stored_files() -> Iterator[StoredFile]:
    """Every file FlagDesk wrote with a recorded hash, from every app that registered some."""
    for source in _file_sources.values():
        yield from source()


def check_files(files: Iterable[StoredFile]) -> list[Mismatch]:
    problems: list[Mismatch] = []
    seen: set[Path] = set()
    for stored in files:
        if stored.path in seen:
            continue  # content-addressed: several rows may share one file
        seen.add(stored.path)
        if not stored.path.is_file():
            problems.append(Mismatch(stored.label, str(stored.path), "missing"))
        elif stored.sha256 is not None and file_sha256(stored.path) != stored.sha256:
            problems.append(Mismatch(stored.label, str(stored.path), "changed"))
    return problems


def verify() -> list[Mismatch]:
    """Every stored file and every registered check; an empty list means all are intact."""
    problems = check_files(stored_files())
    for check in _checks.values():
        problems.extend(check())
    return problems


def not_purged(queryset: QuerySet[M]) -> QuerySet[M]:
    """Rows whose files retention has not removed (those no longer promise a file)."""
    # Whatever the field is called (purged_at, purged), a marked row has no file on disk.
    names = {field.name for field in queryset.model._meta.get_fields()}
    if "purged_at" in names:
        queryset = queryset.filter(purged_at__isnull=True)
    if "purged" in names:
        queryset = queryset.filter(purged=False)
    return queryset
