# SPDX-License-Identifier: EUPL-1.2
"""Renderers of a :class:`~flagdesk.reports.content.Report`: HTML, PDF, DOCX and Markdown.

Each takes the report and ``final`` (without it every page carries a draft watermark) and
returns the file's bytes. None of them sees withheld text: the report holds only each
redaction's ground and width.
"""

from __future__ import annotations

from collections.abc import Callable

from flagdesk.reports.document import Report

FORMATS = ("pdf", "docx", "html", "md")


def render(report: Report, fmt: str, *, final: bool = False) -> bytes:
    return _renderer(fmt)(report, final)


def _renderer(fmt: str) -> Callable[[Report, bool], bytes]:
    # Imported on use: WeasyPrint and python-docx take a while to load.
    if fmt == "pdf":
        from flagdesk.reports.render.pdf import render_pdf

        return lambda report, final: render_pdf(report, final=final)
    if fmt == "docx":
        from flagdesk.reports.render.docx import render_docx

        return lambda report, final: render_docx(report, final=final)
    if fmt == "html":
        from flagdesk.reports.render.html import render_html

        return lambda report, final: render_html(report, final=final).encode()
    if fmt == "md":
        from flagdesk.reports.render.markdown import render_markdown

        return lambda report, final: render_markdown(report, final=final).encode()
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
