# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk statistics YEAR [--format csv|json] [--out FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from flagdesk.reports import statistics


class Command(BaseCommand):
    help = (
        "Yearly statistics of notices per platform and category (DSA Art. 22(3) style), as "
        "CSV or JSON, without personal data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--format", choices=("csv", "json"), default="csv")
        parser.add_argument("--out", default="-", help="File to write; - (default) for stdout.")

    def handle(self, *args: Any, year: int, format: str, out: str, **options: Any) -> None:
        with translation.override("nl"):
            rows = statistics.yearly(year)
            text = statistics.to_csv(rows) if format == "csv" else statistics.to_json(rows, year)
        if out == "-":
            self.stdout.write(text, ending="")
        else:
            Path(out).write_text(text, encoding="utf-8")
            self.stderr.write(f"flagdesk statistics: {len(rows)} rows written to {out}")
