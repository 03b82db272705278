# SPDX-License-Identifier: EUPL-1.2
"""Signal attachments for ``flagdesk audit verify`` (registered in apps.py; core/integrity.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.core.files.storage import default_storage

from flagdesk.core.integrity import StoredFile
from flagdesk.intake.models import Attachment


def stored_files() -> Iterator[StoredFile]:
    rows = Attachment.objects.exclude(file="").order_by("pk")
    for name, sha256 in rows.values_list("file", "sha256").iterator(2000):
        yield StoredFile(Path(default_storage.path(name)), sha256, "signal attachment")
