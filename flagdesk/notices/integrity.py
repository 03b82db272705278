# SPDX-License-Identifier: EUPL-1.2
"""Portal confirmations and frozen notice bytes for ``flagdesk audit verify``.

Registered in apps.py with core/integrity.py's registry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from django.core.files.storage import default_storage

from flagdesk.core.integrity import Mismatch, StoredFile
from flagdesk.notices.models import Notice


def portal_confirmations() -> Iterator[StoredFile]:
    rows = Notice.objects.exclude(portal_confirmation="").order_by("pk")
    fields = ("portal_confirmation", "portal_confirmation_sha256")
    for name, sha256 in rows.values_list(*fields).iterator(2000):
        # Confirmations stored before their hash was kept: only their presence is checked.
        yield StoredFile(Path(default_storage.path(name)), sha256 or None, "portal confirmation")


def check_notice_bytes() -> list[Mismatch]:
    """Frozen notices keep their bytes in the database; they must still match their hash."""
    problems = []
    frozen = Notice.objects.exclude(raw=None).exclude(raw_sha256="").order_by("pk")
    for pk, raw, recorded in frozen.values_list("pk", "raw", "raw_sha256").iterator(2000):
        if hashlib.sha256(bytes(raw or b"")).hexdigest() != recorded:
            problems.append(Mismatch("notice as sent", f"notice {pk}", "bytes changed"))
    return problems
