# SPDX-License-Identifier: EUPL-1.2
"""Text from outside (a partner's explanation, a platform's reply) stays plain text in the
Word file: no field codes Word could run, and no character that stops the file being made."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import docx
import pytest

from flagdesk.reports.document import (
    Appendix,
    BulletList,
    Document,
    Figure,
    Footnote,
    FootnoteRef,
    Link,
    Paragraph,
    Report,
    Section,
    Text,
)
from flagdesk.reports.render import render

PAYLOADS = (
    "=cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '{ DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" }',
    '{ INCLUDETEXT "https://evil.example/x" }',
)
# Vertical tab, form feed, NUL, escape: fine in a mail body, not allowed in XML.
CONTROLS = "page one\x0cpage two\x0bthree\x00four\x1bfive"


def hostile(report: Report) -> Report:
    line = (*(Text(p) for p in PAYLOADS), Link(PAYLOADS[0], "https://evil.example/"))
    section = Section(
        PAYLOADS[0],
        blocks=(Paragraph(line), BulletList(tuple((Text(p),) for p in PAYLOADS))),
    )
    figure = Figure(
        number=99,
        title=PAYLOADS[0],
        headers=(PAYLOADS[1], "n"),
        rows=tuple((p, "1") for p in PAYLOADS),
        note=PAYLOADS[3],
    )
    document = Document(
        number=99,
        title=PAYLOADS[4],
        date="22-11-2023",
        day="2023-11-22",
        headers=(("Van", (Text(PAYLOADS[0]),)), ("Onderwerp", (Text(CONTROLS),))),
        body=(Paragraph((Text(PAYLOADS[5]),)), Paragraph((Text(CONTROLS),))),
        grounds=(),
    )
    return dataclasses.replace(
        report,
        sections=(*report.sections, section),
        figures=(*report.figures, figure),
        footnotes=(*report.footnotes, Footnote(99, (Text(PAYLOADS[2]), FootnoteRef(1)))),
        appendices=(*report.appendices, Appendix(99, PAYLOADS[1], (document,))),
    )


@pytest.fixture
def package(report: Report) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(render(hostile(report), "docx", final=True)))


def test_no_field_codes_anywhere_in_the_package(package: zipfile.ZipFile) -> None:
    for name in package.namelist():
        if name.endswith(".xml"):
            xml = package.read(name).decode("utf-8")
            for tag in ("<w:fldSimple", "<w:instrText", "<w:fldChar", "<w:ddeLink", "<w:dde"):
                assert tag not in xml, f"{tag} in {name}"


def test_every_payload_is_a_plain_text_run(package: zipfile.ZipFile) -> None:
    document = docx.Document(io.BytesIO(package.fp.getvalue()))  # type: ignore[union-attr]
    runs = {r.text for p in document.paragraphs for r in p.runs}
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    for payload in PAYLOADS:
        assert payload in runs or payload in cells, payload
    assert "=cmd|' /C calc'!A0 (https://evil.example/)" in runs  # a link is text, not a field


def test_control_characters_do_not_stop_the_file(package: zipfile.ZipFile) -> None:
    document = docx.Document(io.BytesIO(package.fp.getvalue()))  # type: ignore[union-attr]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "page one page two three four five" in text
