# SPDX-License-Identifier: EUPL-1.2
"""The archive's files for ``flagdesk audit verify`` (registered in apps.py; core/integrity.py)."""

from __future__ import annotations

from collections.abc import Iterator

from flagdesk.core.integrity import StoredFile, not_purged
from flagdesk.mailarchive import service as mailarchive
from flagdesk.mailarchive.models import MailAttachment, MailMessage


def stored_files() -> Iterator[StoredFile]:
    """Raw messages and kept attachments, except those retention removed."""
    root = mailarchive.archive_root()
    messages = not_purged(MailMessage.objects.exclude(raw_path="").order_by("pk"))
    for raw_path, sha256 in messages.values_list("raw_path", "sha256").iterator(2000):
        yield StoredFile(root / raw_path, sha256, "archived mail")
    attachments = MailAttachment.objects.exclude(path="").order_by("pk")
    attachments = attachments.filter(message__in=not_purged(MailMessage.objects.all()))
    for path, sha256 in attachments.values_list("path", "sha256").iterator(2000):
        yield StoredFile(root / path, sha256, "mail attachment")
