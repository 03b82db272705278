# SPDX-License-Identifier: EUPL-1.2
"""The report as a Word document (python-docx), for editing before it is sent.

A redaction is a run with black shading and the ground's label in white, cut to the width of
what it replaces — the original text is never written. Footnote references are superscript
numbers with the notes listed after the text (python-docx has no footnote API). A draft
carries "CONCEPT" in the header of every page.

Text from outside (a partner's explanation, a platform's reply) is only ever written as the
text of a run (``w:t``), never as a field, so ``=cmd|…`` or ``{ DDEAUTO … }`` stays words on
the page; characters XML cannot hold (form feed, NUL …) become spaces rather than stopping
the file from being made.
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils import timezone
from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

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

FONT = "DejaVu Sans"
BLUE = RGBColor(0x15, 0x42, 0x73)
# What XML 1.0 cannot hold: C0 controls other than tab, newline and return; lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def render_docx(report: Report, *, final: bool = False) -> bytes:
    doc = new_document()
    _core_properties(doc, report)
    _base_style(doc)
    if not final:
        _watermark(doc)
    _title(doc, report)
    for section in report.sections:
        _section(doc, section, level=1)
    _figures(doc, report.figures)
    _footnotes(doc, report)
    for appendix in report.appendices:
        _appendix(doc, appendix)
    _inventory(doc, report)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _core_properties(doc: Any, report: Report) -> None:
    """The document's own metadata: ours, not python-docx's template's ("python-docx", 2013).

    ``created`` is when the file is made: for the final report, the sign-off.
    """
    now = timezone.now()
    properties = doc.core_properties
    properties.title = xml_text(
        f"{report.title}: {report.subtitle}" if report.subtitle else report.title
    )
    properties.author = properties.last_modified_by = xml_text(report.organisation)
    properties.created = properties.modified = now
    properties.revision = 1
    properties.comments = properties.keywords = properties.subject = ""
    properties.language = "nl-NL"


def _base_style(doc: Any) -> None:
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"):
        style = doc.styles[name]
        style.font.name = FONT
        # East-Asian and complex-script slots too, or Word falls back to its own font.
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    doc.styles["Normal"].font.size = Pt(10)


def _watermark(doc: Any) -> None:
    for section in doc.sections:
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(f"{WATERMARK} – niet vastgesteld")
        run.bold = True
        run.font.size = Pt(28)
        run.font.color.rgb = RGBColor(0xB0, 0xB0, 0xB0)


def _title(doc: Any, report: Report) -> None:
    doc.add_paragraph(xml_text(report.organisation)).runs[0].font.color.rgb = BLUE
    doc.add_heading(xml_text(report.title), level=0)
    subtitle = doc.add_paragraph().add_run(xml_text(report.subtitle))
    subtitle.font.size = Pt(13)
    doc.add_paragraph(xml_text(f"Datum: {report.date_text}"))


def _section(doc: Any, section: Section, level: int) -> None:
    doc.add_heading(xml_text(section.title), level=level)
    for block in section.blocks:
        if isinstance(block, BulletList):
            for item in block.items:
                add_line(doc.add_paragraph(style="List Bullet"), item)
        else:
            add_line(doc.add_paragraph(), block.inlines)
    for sub in section.subsections:
        _section(doc, sub, level + 1)


def add_line(paragraph: Any, line: Line) -> None:
    for inline in line:
        if isinstance(inline, Text):
            _text_run(paragraph, inline.text, italic=inline.emphasis)
        elif isinstance(inline, Link):
            _text_run(paragraph, f"{inline.text} ({inline.url})")
        elif isinstance(inline, Redacted):
            redaction_run(paragraph, inline)
        elif isinstance(inline, FootnoteRef):
            paragraph.add_run(str(inline.number)).font.superscript = True


def _text_run(paragraph: Any, text: str, italic: bool = False) -> None:
    for index, piece in enumerate(xml_text(text).split("\n")):
        if index:
            paragraph.add_run().add_break()
        run = paragraph.add_run(piece)
        run.italic = italic or None


def redaction_run(paragraph: Any, redacted: Redacted) -> None:
    run = paragraph.add_run(f" {redacted.clipped_label} ")
    run.font.size = Pt(7)
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "000000")
    run._r.get_or_add_rPr().append(shading)


def _figures(doc: Any, figures: tuple[Figure, ...]) -> None:
    doc.add_heading("Cijfers", level=1)
    for figure in figures:
        doc.add_heading(xml_text(f"Figuur {figure.number}. {figure.title}"), level=3)
        table(doc, figure.headers, figure.rows)
        if figure.note:
            doc.add_paragraph(xml_text(figure.note)).runs[0].font.size = Pt(8)


def table(doc: Any, headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, headers, strict=True):
        cell.text = xml_text(text)
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = xml_text(text)


def _footnotes(doc: Any, report: Report) -> None:
    doc.add_heading("Voetnoten", level=2)
    for note in report.footnotes:
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{note.number}. ")
        add_line(paragraph, note.inlines)
        for run in paragraph.runs:
            run.font.size = Pt(8)


def _appendix(doc: Any, appendix: Appendix) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading(xml_text(f"Bijlage {appendix.number}. {appendix.title}"), level=1)
    for document in appendix.documents:
        doc.add_heading(xml_text(f"Document {document.number}. {document.title}"), level=2)
        for label, line in document.headers:
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.add_run(xml_text(f"{label}: ")).bold = True
            add_line(paragraph, line)
        doc.add_paragraph()
        for body in document.body:
            add_line(doc.add_paragraph(), body.inlines)


def _inventory(doc: Any, report: Report) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading(f"Bijlage {len(report.appendices) + 1}. Inventarislijst", level=1)
    rows = tuple(
        (str(e.number), e.title, e.date, e.judgement, "; ".join(e.grounds))
        for e in report.inventory
    )
    table(doc, ("Nr.", "Document", "Datum", "Beoordeling", "Weigeringsgronden"), rows)
