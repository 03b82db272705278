# SPDX-License-Identifier: EUPL-1.2
"""Stored files checked against the hashes recorded when they were written.

Archived mail (raw message and kept attachments), final report files, signal attachments and
portal confirmations all carry a SHA-256 in their row; a frozen notice carries the hash of its
bytes. ``verify()`` reads every one back and names each file that is missing or differs.
``flagdesk audit verify`` runs it after the hash chain, and ``flagdesk restore`` after a
restore.

A mail row whose files retention removed (``purged``) is not expected on disk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.core.files.storage import default_storage
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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stored_files() -> Iterator[StoredFile]:
    """Every file FlagDesk wrote with a recorded hash."""
    yield from _mail_files()
    yield from _report_files()
    yield from _attachment_files()
    yield from _portal_confirmations()


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


def check_notice_bytes() -> list[Mismatch]:
    """Frozen notices keep their bytes in the database; they must still match their hash."""
    from flagdesk.notices.models import Notice

    problems = []
    frozen = Notice.objects.exclude(raw=None).exclude(raw_sha256="").order_by("pk")
    for pk, raw, recorded in frozen.values_list("pk", "raw", "raw_sha256").iterator(2000):
        if hashlib.sha256(bytes(raw or b"")).hexdigest() != recorded:
            problems.append(Mismatch("notice as sent", f"notice {pk}", "bytes changed"))
    return problems


def verify() -> list[Mismatch]:
    """Every stored file and every frozen notice checked; an empty list means all are intact."""
    return check_files(stored_files()) + check_notice_bytes()


# ----------------------------------------------------------- per app


def _not_purged(queryset: QuerySet[M]) -> QuerySet[M]:
    # Retention may mark rows whose files it removed; whatever the field is called, those
    # rows no longer promise a file.
    names = {field.name for field in queryset.model._meta.get_fields()}
    if "purged_at" in names:
        queryset = queryset.filter(purged_at__isnull=True)
    if "purged" in names:
        queryset = queryset.filter(purged=False)
    return queryset


def _mail_files() -> Iterator[StoredFile]:
    from flagdesk.mailarchive import service as mailarchive
    from flagdesk.mailarchive.models import MailAttachment, MailMessage

    root = mailarchive.archive_root()
    messages = _not_purged(MailMessage.objects.exclude(raw_path="").order_by("pk"))
    for raw_path, sha256 in messages.values_list("raw_path", "sha256").iterator(2000):
        yield StoredFile(root / raw_path, sha256, "archived mail")
    attachments = MailAttachment.objects.exclude(path="").order_by("pk")
    attachments = attachments.filter(message__in=_not_purged(MailMessage.objects.all()))
    for path, sha256 in attachments.values_list("path", "sha256").iterator(2000):
        yield StoredFile(root / path, sha256, "mail attachment")


def _report_files() -> Iterator[StoredFile]:
    from flagdesk.reports import service as reports
    from flagdesk.reports.models import FinalReport

    root = reports.reports_root()
    for final in FinalReport.objects.order_by("pk").select_related("election"):
        for fmt, entry in sorted(final.files.items()):
            label = f"final report {final.election.code} v{final.version} ({fmt})"
            yield StoredFile(root / entry["path"], entry["sha256"], label)


def _attachment_files() -> Iterator[StoredFile]:
    from flagdesk.intake.models import Attachment

    rows = Attachment.objects.exclude(file="").order_by("pk")
    for name, sha256 in rows.values_list("file", "sha256").iterator(2000):
        yield StoredFile(Path(default_storage.path(name)), sha256, "signal attachment")


def _portal_confirmations() -> Iterator[StoredFile]:
    from flagdesk.notices.models import Notice

    rows = Notice.objects.exclude(portal_confirmation="").order_by("pk")
    fields = ("portal_confirmation", "portal_confirmation_sha256")
    for name, sha256 in rows.values_list(*fields).iterator(2000):
        # Confirmations stored before their hash was kept: only their presence is checked.
        yield StoredFile(Path(default_storage.path(name)), sha256 or None, "portal confirmation")
