# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flagdesk.core.progress import ProgressBar
from flagdesk.elections import service as elections
from flagdesk.elections.models import Election
from flagdesk.records import archive


class Command(BaseCommand):
    help = (
        "Archiefwet export: `export ELECTION --out DIR` writes a closed election's records as a "
        "BagIt directory with MDTO metadata; `verify DIR` checks one without the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write the archival package of one election.")
        export.add_argument("election", help="Election code (e.g. TK2023) or id.")
        export.add_argument("--out", required=True, help="Directory to create (must be empty).")
        export.add_argument(
            "--force",
            action="store_true",
            help="Export although the attention window has not ended (recorded in the audit log).",
        )
        verify = sub.add_parser("verify", help="Check a package: checksums, manifest, MDTO.")
        verify.add_argument("path", help="The package directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(Path(options["path"]))
        else:
            self._export(options["election"], Path(options["out"]), options["force"])

    def _export(self, code: str, out: Path, force: bool) -> None:
        election = elections.get_election(code)
        if election is None and code.isdigit():
            election = Election.objects.filter(pk=int(code)).first()
        if election is None:
            raise CommandError(f"no election {code!r}")
        try:
            result = archive.export(
                election,
                out,
                actor="flagdesk archive",
                force=force,
                progress=ProgressBar(self.stderr._out),
            )
        except archive.ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        for note in result.skipped:
            self.stderr.write(f"not in the package: {note}")
        self.stdout.write(
            f"wrote {out}: {result.objects} information objects, {result.files} files, "
            f"{result.bytes / 1024 / 1024:.1f} MB; manifest sha256 {result.manifest_sha256}"
        )

    def _verify(self, path: Path) -> None:
        if not path.is_dir():
            raise CommandError(f"{path} is not a package directory")
        problems = archive.verify(path)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            self.stderr.write(f"package BROKEN: {len(problems)} problem(s)")
            sys.exit(1)
        self.stdout.write("package intact: manifests, checksums, MDTO structure and audit hashes")
