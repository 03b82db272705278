# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk report ELECTION --format pdf|docx|html|md --out FILE [--final]``."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flagdesk.elections import service as elections
from flagdesk.reports.content import build_report
from flagdesk.reports.document import Report
from flagdesk.reports.redactions import (
    CombinedRedactions,
    EngineRedactions,
    RedactionSource,
    TermRedactions,
    default_redactions,
    is_reviewed,
)
from flagdesk.reports.render import FORMATS

T = TypeVar("T")
EXTENSIONS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".md": "md"}


class Command(BaseCommand):
    help = (
        "Write the report to parliament for one election (PDF/A, DOCX, HTML or Markdown), "
        "personal data redacted. Without --final every page carries a CONCEPT watermark."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election", help="Election code, e.g. TK2023.")
        parser.add_argument(
            "--format", choices=FORMATS, help="Output format (default: from --out's extension)."
        )
        parser.add_argument("--out", required=True, help="File to write; - for standard output.")
        parser.add_argument(
            "--final",
            action="store_true",
            help="Write the latest signed-off final version (stored at sign-off, its hash "
            "checked) instead of a draft. An approver signs off in the web UI.",
        )
        parser.add_argument(
            "--redact",
            action="append",
            default=[],
            metavar="TEXT",
            help="Also withhold every occurrence of TEXT (5.1.2e); may be repeated.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        election = elections.get_election(options["election"])
        if election is None:
            raise CommandError(f"no election with code {options['election']!r}")
        fmt = options["format"] or _format_from(options["out"])
        if options["final"]:
            self._write(options["out"], self._final(election, fmt))
            return
        source = self._redactions(election, options["redact"], final=False)
        report = self._stage(
            f"building the {election.code} report",
            lambda: build_report(election, redactions=source),
        )
        data = self._render(report, fmt, final=False)
        self._write(options["out"], data)

    def _final(self, election: Any, fmt: str) -> bytes:
        from flagdesk.reports import service

        final = service.latest_final(election)
        if final is None:
            raise CommandError(
                f"{election.code} has no signed-off report yet: an approver signs it off in "
                "the web UI once every redaction was reviewed"
            )
        self._progress(
            f"final version {final.version}, signed off by {final.signed_off_by} "
            f"on {final.signed_off_at:%Y-%m-%d %H:%M}, sha256 {final.files[fmt]['sha256']}"
        )
        try:
            return service.final_file(final, fmt)
        except service.ReportError as exc:
            raise CommandError(str(exc)) from exc

    def _redactions(self, election: Any, extra: list[str], *, final: bool) -> RedactionSource:
        source = default_redactions(election)
        if isinstance(source, EngineRedactions) and not source.available:
            self._progress("warning: no redaction engine installed; names are NOT redacted")
        if final and not is_reviewed(source):
            raise CommandError(
                "a final report needs reviewed redactions; without --final a draft is written"
            )
        return CombinedRedactions(source, TermRedactions(extra)) if extra else source

    def _render(self, report: Report, fmt: str, *, final: bool) -> bytes:
        from flagdesk.reports.render import render

        if fmt != "pdf":
            return self._stage(f"rendering {fmt}", lambda: render(report, fmt, final=final))
        from flagdesk.reports.render.html import render_html
        from flagdesk.reports.render.pdf import html_to_pdf

        html = self._stage("rendering html", lambda: render_html(report, final=final))
        pdf = self._stage("laying out and writing the PDF/A", lambda: html_to_pdf(html, report))
        self._progress(f"{pdf.pages} pages")
        return pdf.data

    def _write(self, out: str, data: bytes) -> None:
        if out == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        Path(out).write_bytes(data)
        self._progress(f"wrote {out} ({len(data) / 1024:.0f} KB)")

    def _stage(self, what: str, work: Callable[[], T]) -> T:
        with self._timed(what):
            return work()

    @contextmanager
    def _timed(self, what: str) -> Iterator[None]:
        self._progress(f"{what} …")
        started = time.perf_counter()
        yield
        self._progress(f"{what}: done in {time.perf_counter() - started:.1f} s")

    def _progress(self, line: str) -> None:
        self.stderr.write(f"flagdesk report: {line}")
        self.stderr.flush()


def _format_from(out: str) -> str:
    fmt = EXTENSIONS.get(Path(out).suffix.lower())
    if fmt is None:
        raise CommandError("give --format, or an --out file ending in .pdf, .docx, .html or .md")
    return fmt
