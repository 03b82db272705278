# SPDX-License-Identifier: EUPL-1.2
"""The report as an archival PDF (PDF/A-3u), from the HTML rendering, through WeasyPrint.

PDF/A embeds every font (DejaVu, named in the stylesheet) and its ``u`` level requires a
Unicode mapping for all text, so ``pdftotext`` reads the document as a person does — which
is also how the tests check that no withheld text is in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flagdesk.reports.document import Report
from flagdesk.reports.render.html import render_html

PDF_VARIANT = "pdf/a-3u"


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


def render_pdf(report: Report, *, final: bool = False) -> bytes:
    return render_pdf_document(report, final=final).data


def render_pdf_document(report: Report, *, final: bool = False) -> RenderedPdf:
    return html_to_pdf(render_html(report, final=final), report)


def html_to_pdf(html: str, report: Report) -> RenderedPdf:
    """Lay out the HTML and write the PDF; separate so callers can time the two steps."""
    from weasyprint import HTML  # slow to import; only when a PDF is wanted

    document = HTML(string=html).render()
    document.metadata.title = f"{report.title} – {report.subtitle}"
    document.metadata.authors = [report.organisation]
    document.metadata.lang = "nl"
    # A fixed date, not "now": the same report gives the same metadata.
    moment = dt.datetime.combine(report.date, dt.time(0), tzinfo=dt.UTC).isoformat()
    document.metadata.created = moment
    document.metadata.modified = moment
    data = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert data is not None  # write_pdf returns the bytes when no target is given
    return RenderedPdf(data, len(document.pages))
