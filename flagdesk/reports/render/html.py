# SPDX-License-Identifier: EUPL-1.2
"""The report as one self-contained HTML page (CSS inline), also the source of the PDF.

Lines are turned into HTML here, escaped, and handed to the template as safe strings; the
template lays out the document (title, sections, figures, footnotes, appendices). A
redaction becomes a black box holding only its label, cut to the width of the text it
replaces: the original text is not in the page, so it cannot be selected, copied or found.
"""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from flagdesk.reports.document import (
    Block,
    BulletList,
    Figure,
    FootnoteRef,
    Inline,
    Line,
    Link,
    Redacted,
    Report,
    Section,
    Text,
)
from flagdesk.reports.render.charts import bar_chart_svg

CSS_PATH = Path(__file__).resolve().parent.parent / "static" / "reports" / "report.css"
WATERMARK = "CONCEPT"


def render_html(report: Report, *, final: bool = False) -> str:
    footnotes = {n.number: line_html(n.inlines, {}) for n in report.footnotes}
    context = {
        "report": report,
        "final": final,
        "watermark": WATERMARK,
        "css": mark_safe(stylesheet()),  # our own file, not user input
        "sections": [_section(s, footnotes, level=2) for s in report.sections],
        "figures": [_figure(f) for f in report.figures],
        "footnotes": [(n, footnotes[n]) for n in sorted(footnotes)],
        "appendices": [_appendix(a) for a in report.appendices],
    }
    return render_to_string("reports/report.html", context)


@cache
def stylesheet() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


def line_html(line: Line, footnotes: dict[int, SafeString]) -> SafeString:
    return mark_safe("".join(inline_html(i, footnotes) for i in line))


def inline_html(inline: Inline, footnotes: dict[int, SafeString]) -> str:
    if isinstance(inline, Text):
        text = escape(inline.text).replace("\n", "<br>")
        return f"<em>{text}</em>" if inline.emphasis else text
    if isinstance(inline, Link):
        return f'<a href="{escape(inline.url)}">{escape(inline.text)}</a>'
    if isinstance(inline, Redacted):
        return redaction_html(inline)
    return _footnote_html(inline, footnotes)


def redaction_html(redacted: Redacted) -> str:
    return (
        f'<span class="redacted" style="width: {redacted.box_width}ch" '
        f'title="{escape(redacted.label)}"><span>{escape(redacted.clipped_label)}</span></span>'
    )


def _footnote_html(ref: FootnoteRef, footnotes: dict[int, SafeString]) -> str:
    # The note's text sits where it is called: print CSS floats it to the page's foot; on
    # screen it is hidden and the list at the end is shown instead.
    body = footnotes.get(ref.number, "")
    return (
        f'<span class="footnote" id="fn-{ref.number}">{body}</span>'
        f'<sup class="fn-ref"><a href="#note-{ref.number}">{ref.number}</a></sup>'
    )


def _section(section: Section, footnotes: dict[int, SafeString], level: int) -> dict[str, Any]:
    return {
        "title": section.title,
        "level": level,
        "blocks": [_block(b, footnotes) for b in section.blocks],
        "subsections": [_section(s, footnotes, level + 1) for s in section.subsections],
    }


def _block(block: Block, footnotes: dict[int, SafeString]) -> dict[str, Any]:
    if isinstance(block, BulletList):
        return {"list": [line_html(item, footnotes) for item in block.items]}
    return {"html": line_html(block.inlines, footnotes)}


def _figure(figure: Figure) -> dict[str, Any]:
    chart = bar_chart_svg(figure.chart, figure.chart_unit, figure.title) if figure.chart else ""
    return {"figure": figure, "chart": mark_safe(chart)}  # built from escaped parts


def _appendix(appendix: Any) -> dict[str, Any]:
    return {
        "appendix": appendix,
        "documents": [
            {
                "document": d,
                "headers": [(label, line_html(line, {})) for label, line in d.headers],
                "body": [line_html(p.inlines, {}) for p in d.body],
            }
            for d in appendix.documents
        ],
    }
