# SPDX-License-Identifier: EUPL-1.2
"""The report as Markdown (CommonMark with footnotes and pipe tables).

A redaction is written as its ground's code in brackets, ``[5.1.2e]`` — the same marker
``flagdesk redact`` prints — because plain text has no black box; its width is not kept.
A draft starts and ends with a "CONCEPT" notice (Markdown has no pages).
"""

from __future__ import annotations

import re

from flagdesk.reports.document import (
    Appendix,
    BulletList,
    Figure,
    FootnoteRef,
    Line,
    Link,
    Redacted,
    Report,
    Section,
    Text,
)
from flagdesk.reports.render.html import WATERMARK

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def render_markdown(report: Report, *, final: bool = False) -> str:
    draft = [f"> **{WATERMARK}** – dit rapport is nog niet vastgesteld.", ""] if not final else []
    parts = [
        *draft,
        f"*{escape(report.organisation)}*",
        "",
        f"# {escape(report.title)}",
        "",
        f"**{escape(report.subtitle)}**",
        "",
        f"Datum: {report.date_text}",
        "",
    ]
    for section in report.sections:
        parts += _section(section, level=2)
    parts += _figures(report.figures)
    for appendix in report.appendices:
        parts += _appendix(appendix)
    parts += _inventory(report)
    parts += [f"[^{n.number}]: {line_markdown(n.inlines)}" for n in report.footnotes]
    if draft:
        parts += ["", *draft]
    return "\n".join(parts).rstrip() + "\n"


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def redaction_marker(redacted: Redacted) -> str:
    return f"[{redacted.ground}]"


def line_markdown(line: Line) -> str:
    out = []
    for inline in line:
        if isinstance(inline, Text):
            text = escape(inline.text).replace("\n", "\\\n")
            out.append(f"*{text}*" if inline.emphasis and text.strip() else text)
        elif isinstance(inline, Link):
            out.append(f"[{escape(inline.text)}](<{inline.url}>)")
        elif isinstance(inline, Redacted):
            out.append(redaction_marker(inline))
        elif isinstance(inline, FootnoteRef):
            out.append(f"[^{inline.number}]")
    return "".join(out)


def _section(section: Section, level: int) -> list[str]:
    lines = [f"{'#' * level} {escape(section.title)}", ""]
    for block in section.blocks:
        if isinstance(block, BulletList):
            lines += [f"- {line_markdown(item)}" for item in block.items]
        else:
            lines.append(line_markdown(block.inlines))
        lines.append("")
    for sub in section.subsections:
        lines += _section(sub, level + 1)
    return lines


def _figures(figures: tuple[Figure, ...]) -> list[str]:
    lines = ["## Cijfers", ""]
    for figure in figures:
        lines += [f"### Figuur {figure.number}. {escape(figure.title)}", ""]
        lines += table(figure.headers, figure.rows)
        if figure.note:
            lines += [f"*{escape(figure.note)}*", ""]
    return lines


def table(
    headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...], numeric: bool = True
) -> list[str]:
    align = ["---"] + ["--:" if numeric else "---"] * (len(headers) - 1)
    lines = [_row(headers), _row(tuple(align), raw=True)]
    lines += [_row(row) for row in rows]
    return [*lines, ""]


def _row(cells: tuple[str, ...], raw: bool = False) -> str:
    return "| " + " | ".join(c if raw else escape(c) for c in cells) + " |"


def _appendix(appendix: Appendix) -> list[str]:
    lines = [f"## Bijlage {appendix.number}. {escape(appendix.title)}", ""]
    for document in appendix.documents:
        lines += [f"### Document {document.number}. {escape(document.title)}", ""]
        lines += [f"**{label}:** {line_markdown(line)}\\" for label, line in document.headers]
        lines[-1] = lines[-1].rstrip("\\")
        lines.append("")
        for paragraph in document.body:
            lines += [line_markdown(paragraph.inlines), ""]
    return lines


def _inventory(report: Report) -> list[str]:
    lines = [f"## Bijlage {len(report.appendices) + 1}. Inventarislijst", ""]
    rows = tuple(
        (str(e.number), e.title, e.date, e.judgement, "; ".join(e.grounds))
        for e in report.inventory
    )
    headers = ("Nr.", "Document", "Datum", "Beoordeling", "Weigeringsgronden")
    return lines + table(headers, rows, numeric=False)
