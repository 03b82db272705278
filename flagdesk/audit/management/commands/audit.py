# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flagdesk.audit import checkpoints, service
from flagdesk.audit.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Work with the audit log: `verify` checks the hash chain and its checkpoints, "
        "`checkpoint` anchors the newest event outside the database, `keygen` makes a "
        "checkpoint key, `tail` shows recent events."
    )
    # Verifying the log must not depend on the rest of the configuration passing its checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="Check that no event was changed or deleted (exit 1 if so)."
        )
        verify.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            type=Path,
            metavar="FILE",
            help="Also check the checkpoints in FILE (a copy from off-host storage, or a "
            "syslog file); repeat for several.",
        )
        sub.add_parser(
            "checkpoint", help="Write a checkpoint of the newest event to every target now."
        )
        keygen = sub.add_parser("keygen", help="Create a new checkpoint key file (mode 600).")
        keygen.add_argument("path", type=Path, help="The file to create; never overwritten.")
        tail = sub.add_parser("tail", help="Print the most recent events.")
        tail.add_argument("-n", type=int, default=20, help="How many events (default 20).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            files, chain = self._verify_files(), self._verify_chain()
            report = self._verify_checkpoints(options["checkpoints"])
            if not (files and chain and not report.fails):
                sys.exit(1)
            anchored = not report.findings  # only warnings are left: not anchored
            self.stdout.write(
                "audit log intact" if anchored else "audit log intact, but not anchored"
            )
        elif action == "checkpoint":
            self._checkpoint()
        elif action == "keygen":
            self._keygen(options["path"])
        else:
            self._tail(options["n"])

    def _verify_chain(self) -> bool:
        total = AuditEvent.objects.count()
        problems = service.verify()
        if not problems:
            pruned = service.pruned_through()
            since = f" (events 1..{pruned} removed under retention)" if pruned else ""
            self.stdout.write(
                f"hash chain verified: {total} events{since}, none changed or re-linked"
            )
            return True
        for problem in problems:
            self.stderr.write(f"event {problem.seq}: {problem.message}")
        self.stderr.write(f"audit log BROKEN: {len(problems)} problem(s) in {total} events")
        return False

    def _verify_checkpoints(self, extra_files: list[Path]) -> checkpoints.Report:
        report = checkpoints.verify(extra_files)
        for finding in report.findings:
            prefix = "" if finding.fails else "warning: "
            self.stderr.write(f"{prefix}{finding.message}")
        if report.fails:
            failures = sum(1 for finding in report.findings if finding.fails)
            self.stderr.write(f"audit checkpoints BROKEN: {failures} problem(s)")
        else:
            for summary in report.summaries:
                self.stdout.write(summary)
        return report

    def _checkpoint(self) -> None:
        try:
            checkpoint = checkpoints.write_checkpoint()
        except checkpoints.CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        if checkpoint is None:
            self.stdout.write("the audit log is empty: nothing to anchor yet")
            return
        targets = ", ".join(target.url for target in checkpoints.configured_targets())
        self.stdout.write(
            f"checkpoint at #{checkpoint.seq} (hash {checkpoint.hash}, key "
            f"{checkpoint.key_id}) written to {targets}"
        )

    def _keygen(self, path: Path) -> None:
        try:
            key = checkpoints.generate_key_file(path)
        except FileExistsError as exc:
            raise CommandError(f"{path} exists; a key file is never overwritten") from exc
        self.stdout.write(
            f"key {key.key_id} written to {path} (mode 600); set FLAGDESK_AUDIT_KEY_FILE={path}"
        )

    def _tail(self, count: int) -> None:
        events = list(AuditEvent.objects.order_by("-seq")[: max(count, 0)])
        for event in reversed(events):
            self.stdout.write(
                f"{event.seq:>7} {event.at:%Y-%m-%d %H:%M:%S} {event.actor_label:<20} "
                f"{event.action:<24} {event.object_type}:{event.object_id}"
            )

    def _verify_files(self) -> bool:
        # Stored files (archived mail, final reports, attachments) against their recorded
        # hashes; each app registers its own (flagdesk/core/integrity.py).
        from flagdesk.core import integrity

        mismatches = integrity.verify()
        for mismatch in mismatches:
            self.stderr.write(f"stored file {mismatch}")
        if mismatches:
            self.stderr.write(f"stored files BROKEN: {len(mismatches)} missing or changed")
        else:
            self.stdout.write("stored files intact: every recorded hash matches")
        return not mismatches
