# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from flagdesk.audit import service
from flagdesk.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Work with the audit log: `verify` checks the hash chain, `tail` shows recent events."
    # Verifying the log must not depend on the rest of the configuration passing its checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check that no event was changed or deleted (exit 1 if so).")
        tail = sub.add_parser("tail", help="Print the most recent events.")
        tail.add_argument("-n", type=int, default=20, help="How many events (default 20).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            files_intact = self._verify_files()
            self._verify()
            if not files_intact:
                sys.exit(1)
        else:
            self._tail(options["n"])

    def _verify(self) -> None:
        total = AuditEvent.objects.count()
        problems = service.verify()
        if not problems:
            pruned = service.pruned_through()
            since = f" (events 1..{pruned} removed under retention)" if pruned else ""
            self.stdout.write(f"audit log intact: {total} events{since}, hash chain verified")
            return
        for problem in problems:
            self.stderr.write(f"event {problem.seq}: {problem.message}")
        self.stderr.write(f"audit log BROKEN: {len(problems)} problem(s) in {total} events")
        sys.exit(1)

    def _tail(self, count: int) -> None:
        events = list(AuditEvent.objects.order_by("-seq")[: max(count, 0)])
        for event in reversed(events):
            self.stdout.write(
                f"{event.seq:>7} {event.at:%Y-%m-%d %H:%M:%S} {event.actor_label:<20} "
                f"{event.action:<24} {event.object_type}:{event.object_id}"
            )

    def _verify_files(self) -> bool:
        # Stored files (archived mail, final reports, attachments) against their recorded
        # hashes; see flagdesk/core/integrity.py.
        from flagdesk.core import integrity

        mismatches = integrity.verify()
        for mismatch in mismatches:
            self.stderr.write(f"stored file {mismatch}")
        if mismatches:
            self.stderr.write(f"stored files BROKEN: {len(mismatches)} missing or changed")
        else:
            self.stdout.write("stored files intact: every recorded hash matches")
        return not mismatches
