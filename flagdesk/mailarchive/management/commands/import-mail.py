# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk import-mail --election CODE PATH``: bring an earlier mail archive in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flagdesk.core.progress import ProgressBar
from flagdesk.elections import service as elections
from flagdesk.mailarchive import mailimport

MIB = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import an earlier mail archive (an mbox, a Maildir, a folder of .eml files, or one "
        "file) for one election: every message archived raw and hashed, our sent notices "
        "recorded, replies matched; idempotent. Exits 1 when a file was bad (listed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The mbox, Maildir, folder or .eml file to import.")
        parser.add_argument(
            "--election", required=True, help="Code of the election it belongs to, e.g. TK2023."
        )
        parser.add_argument(
            "--max-message-mb",
            type=int,
            default=100,
            help="Larger messages are reported and skipped (default 100).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        election = elections.get_election(options["election"])
        if election is None:
            raise CommandError(
                f"no election {options['election']!r} (see `flagdesk election list`)"
            )
        root = Path(options["path"])
        if not root.exists():
            raise CommandError(f"{options['path']}: no such file or folder")
        summary = mailimport.import_archive(
            root.resolve(),
            election,
            max_bytes=options["max_message_mb"] * MIB,
            progress=ProgressBar(self.stderr._out),
        )
        for line in summary.bad:
            self.stderr.write(f"bad: {line}")
        self.stdout.write(f"import-mail {election.code}: " + "; ".join(summary.lines()))
        if summary.bad:
            raise SystemExit(1)
