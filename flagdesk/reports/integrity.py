# SPDX-License-Identifier: EUPL-1.2
"""Final report files for ``flagdesk audit verify`` (registered in apps.py; core/integrity.py)."""

from __future__ import annotations

from collections.abc import Iterator

from flagdesk.core.integrity import StoredFile
from flagdesk.reports import service as reports
from flagdesk.reports.models import FinalReport


def stored_files() -> Iterator[StoredFile]:
    root = reports.reports_root()
    for final in FinalReport.objects.order_by("pk").select_related("election"):
        for fmt, entry in sorted(final.files.items()):
            label = f"final report {final.election.code} v{final.version} ({fmt})"
            yield StoredFile(root / entry["path"], entry["sha256"], label)
