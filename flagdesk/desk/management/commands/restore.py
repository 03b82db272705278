# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import sys
import tarfile
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from flagdesk.audit import service as audit
from flagdesk.core import integrity
from flagdesk.core.progress import ProgressBar
from flagdesk.desk import backup


class Command(BaseCommand):
    help = (
        "Restore a backup from `flagdesk backup` into an empty database and data directory: "
        "every hash is checked before and after, then the audit log and the stored files."
    )
    # The database may have no tables yet: restore creates them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file (.tar or .tar.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database and data directory that are not empty (all is replaced).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        progress = ProgressBar(self.stderr._out)
        problems = backup.verify_backup(path, progress=progress)
        if problems:
            self._fail("the backup is damaged; nothing was restored", problems)
        if not options["force"]:
            self._refuse_unless_empty()
        else:
            backup.remove_data_files()
        try:
            result = backup.restore_backup(path, progress=progress)
        except backup.BackupError as exc:
            self._fail(str(exc), [])
        problems = self._check_restored_files(path)
        problems += [f"audit event {p.seq}: {p.message}" for p in audit.verify()]
        problems += [str(m) for m in integrity.verify()]
        with tarfile.open(path) as tar:
            manifest_sha = backup.manifest_sha256(tar)
        audit.log(
            "backup_restored",
            ("backup", manifest_sha[:16]),
            actor="flagdesk restore",
            after={
                "file": str(path.resolve()),
                "manifest_sha256": manifest_sha,
                "rows": result.rows,
                "files": result.files,
                "forced": bool(options["force"]),
                "problems": len(problems),
            },
        )
        if problems:
            self._fail("restored, but the checks found problems", problems)
        self.stdout.write(
            f"restored {result.rows} rows and {result.files} files; every hash matches, "
            "audit log and stored files verified"
        )

    def _refuse_unless_empty(self) -> None:
        if not backup.database_is_empty():
            self._fail(
                "the database is not empty (it has users, cases or audit events); restore "
                "into a new database, or use --force to replace everything in it",
                [],
            )
        if backup.data_dir_files():
            self._fail(
                "the data directory already holds stored files; use an empty "
                "FLAGDESK_DATA_DIR, or --force to replace them",
                [],
            )

    def _check_restored_files(self, path: Path) -> list[str]:
        roots = backup.file_roots()
        problems = []
        with tarfile.open(path) as tar:
            manifest = backup.read_manifest(tar)
        for member in manifest["members"]:
            if not member["name"].startswith("files/"):
                continue
            _, root_name, relative = member["name"].split("/", 2)
            target = roots[root_name] / relative
            if not target.is_file():
                problems.append(f"{target}: missing after restore")
            elif integrity.file_sha256(target) != member["sha256"]:
                problems.append(f"{target}: differs from the backup after restore")
        return problems

    def _fail(self, message: str, problems: list[str]) -> NoReturn:
        for problem in problems:
            self.stderr.write(problem)
        self.stderr.write(f"restore FAILED: {message}")
        sys.exit(1)
