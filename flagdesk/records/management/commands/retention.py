# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flagdesk.records import service
from flagdesk.records.retention import Category


class Command(BaseCommand):
    help = (
        "Apply the retention policy now: anonymise or delete what is past its period, per "
        "category, one audit event each. --dry-run only counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; change nothing."
        )
        parser.add_argument(
            "--category",
            choices=[c.value for c in Category],
            help="Apply only this category.",
        )

    def handle(self, *args: Any, dry_run: bool, category: str | None, **options: Any) -> None:
        plan = {row["category"]: row for row in service.policy()}
        wanted = [category] if category else list(plan)
        for key in wanted:
            if not plan[key]["days"]:
                self.stdout.write(f"{key}: kept forever (0 days), skipped")
        total = sum(1 for key in wanted if plan[key]["days"])
        step = iter(range(1, total + 1))

        def progress(outcome: service.Outcome) -> None:
            self.stderr.write(f"[{next(step)}/{total}] {outcome.category.value} … done")

        try:
            report = service.run_retention(
                dry_run=dry_run, only=category, trigger="command", progress=progress
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if report.busy:
            self.stderr.write("another retention run is in progress; nothing done")
            sys.exit(1)
        self._table(report)

    def _table(self, report: service.Report) -> None:
        if not report.outcomes:
            self.stdout.write("nothing to apply: every category asked for is kept forever")
            return
        title = "would remove (dry run)" if report.dry_run else "removed"
        rows = [
            (
                o.category.value,
                o.action,
                str(o.days),
                o.cutoff.isoformat(),
                ", ".join(f"{k} {v}" for k, v in o.counts.items()),
            )
            for o in report.outcomes
        ]
        header = ("category", "action", "days", "before", title)
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, tuple("-" * w for w in widths), *rows]:
            cells = (cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
        if report.run is not None:
            self.stdout.write(f"run {report.run.pk} recorded in the audit log")
