# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flagdesk.audit import service as audit
from flagdesk.core.progress import ProgressBar
from flagdesk.desk import backup


class Command(BaseCommand):
    help = (
        "Write one backup file: every table (Django serialisation, any database), the stored "
        "files (uploads, mail, reports, outbox) and a manifest of SHA-256 hashes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", required=True, help="The file to write: .tar, or .tar.gz to compress."
        )
        parser.add_argument(
            "--verify", action="store_true", help="Read the file back and check every hash."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        progress = ProgressBar(self.stderr._out)
        try:
            result = backup.create_backup(out, progress=progress)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        audit.log(
            "backup_created",
            ("backup", result.manifest_sha256[:16]),
            actor="flagdesk backup",
            after={
                "file": str(out.resolve()),
                "manifest_sha256": result.manifest_sha256,
                "rows": result.rows,
                "files": result.files,
            },
        )
        if options["verify"]:
            problems = backup.verify_backup(out, progress=progress)
            if problems:
                for problem in problems:
                    self.stderr.write(problem)
                raise SystemExit(1)
        self.stdout.write(
            f"wrote {out}: {result.rows} rows in {result.tables} tables, {result.files} files, "
            f"{result.bytes / 1024 / 1024:.1f} MB; manifest sha256 {result.manifest_sha256}"
        )
