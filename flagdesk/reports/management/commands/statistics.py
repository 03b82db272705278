# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk statistics YEAR [--format csv|json] [--escalations] [--out FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from flagdesk.reports import statistics


class Command(BaseCommand):
    help = (
        "Yearly statistics (DSA Art. 22(3) style): notices of illegal content per platform and "
        "type of alleged illegal content; escalations under the platforms' terms apart. CSV "
        "or JSON, without personal data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--format", choices=("csv", "json"), default="csv")
        parser.add_argument(
            "--escalations",
            action="store_true",
            help="CSV: the escalations under the platforms' terms instead of the notices of "
            "illegal content (JSON always carries both, apart).",
        )
        parser.add_argument("--out", default="-", help="File to write; - (default) for stdout.")

    def handle(
        self, *args: Any, year: int, format: str, escalations: bool, out: str, **options: Any
    ) -> None:
        with translation.override("nl"):
            text, rows = _render(year, format, escalations)
        if out == "-":
            self.stdout.write(text, ending="")
        else:
            Path(out).write_text(text, encoding="utf-8")
            self.stderr.write(f"flagdesk statistics: {rows} rows written to {out}")


def _render(year: int, format: str, escalations: bool) -> tuple[str, int]:
    """The text and its number of rows."""
    rows = statistics.yearly(year)
    escalated = statistics.escalations(year)
    if format == "json":
        return statistics.to_json(rows, year, escalated), len(rows) + len(escalated)
    if escalations:
        return statistics.escalations_csv(escalated), len(escalated)
    return statistics.to_csv(rows), len(rows)
