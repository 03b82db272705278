# SPDX-License-Identifier: EUPL-1.2
"""Every format: withheld text is nowhere in the file, labels and plain text are, and a draft
is marked on every page."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from flagdesk.reports.document import Report
from flagdesk.reports.render import render
from flagdesk.reports.tests.conftest import assert_no_personal_data

KEPT = ("GroenLinks/PvdA", "Urgent Escalation Channel", "minbzk.example", "Trust & Safety")


def pdf_pages(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


@pytest.fixture
def draft_pdf(report: Report) -> bytes:
    return render(report, "pdf")


@pytest.mark.poppler
def test_pdf_text_has_no_withheld_string_but_labels_and_the_rest(
    draft_pdf: bytes, tmp_path: Path
) -> None:
    text = "\n".join(pdf_pages(draft_pdf, tmp_path))
    assert_no_personal_data(text)
    assert "5.1.2 e Pers" in text
    for kept in KEPT:
        assert kept in text
    assert "Bijlage 1. Correspondentie met X (FD-2023-0001)" in text


def test_pdf_is_archival_with_embedded_fonts(draft_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(draft_pdf)
    fonts = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # the "emb" column
    metadata = subprocess.run(
        ["pdfinfo", "-meta", str(path)], check=True, capture_output=True, text=True
    ).stdout
    assert 'pdfaid:part="3"' in metadata and 'pdfaid:conformance="U"' in metadata


@pytest.mark.poppler
def test_pdf_draft_is_marked_on_every_page_and_final_on_none(
    report: Report, draft_pdf: bytes, tmp_path: Path
) -> None:
    pages = pdf_pages(draft_pdf, tmp_path)
    assert len(pages) >= 4
    assert all("CONCEPT" in page for page in pages)
    final = pdf_pages(render(report, "pdf", final=True), tmp_path)
    assert not any("CONCEPT" in page for page in final)


@pytest.mark.poppler
def test_pdf_pages_render_to_images(draft_pdf: bytes, tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(draft_pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
    )
    assert len(list(tmp_path.glob("page-*.png"))) == len(pdf_pages(draft_pdf, tmp_path))


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    parts += [p.text for s in document.sections for p in s.header.paragraphs]
    return "\n".join(parts)


def _docx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        )


def test_docx_has_no_withheld_string_anywhere_in_the_package(report: Report) -> None:
    data = render(report, "docx")
    assert_no_personal_data(_docx_xml(data))
    text = _docx_text(data)
    assert "5.1.2 e Pers" in text
    for kept in KEPT:
        assert kept in text


def test_docx_redaction_is_a_black_shaded_run(report: Report) -> None:
    document = docx.Document(io.BytesIO(render(report, "docx")))
    runs = [r for p in document.paragraphs for r in p.runs if "5.1.2 e" in r.text]
    assert runs
    assert all('w:fill="000000"' in r._r.xml for r in runs)


def test_docx_carries_our_metadata_not_the_templates(report: Report) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    properties = docx.Document(io.BytesIO(render(report, "docx", final=True))).core_properties
    assert properties.title.startswith(report.title)
    assert properties.author == properties.last_modified_by == report.organisation
    assert "python-docx" not in (properties.author, properties.last_modified_by)
    assert properties.created.replace(tzinfo=dt.UTC) >= before  # made at sign-off, not 2013
    assert properties.language == "nl-NL"


def test_docx_draft_has_the_watermark_in_every_header_and_final_not(report: Report) -> None:
    draft = docx.Document(io.BytesIO(render(report, "docx")))
    assert all("CONCEPT" in s.header.paragraphs[0].text for s in draft.sections)
    assert "CONCEPT" not in _docx_text(render(report, "docx", final=True))


def test_html_has_no_withheld_string_and_boxes_with_labels(report: Report) -> None:
    html = render(report, "html").decode()
    assert_no_personal_data(html)
    assert '<span class="redacted" style="width: 13ch"' in html  # "Demo Assessor"
    assert "5.1.2 e Persoonlijke levenssfeer" in html  # the box's title
    assert "GroenLinks/PvdA" in html
    assert 'class="watermark"' in html
    assert 'class="watermark"' not in render(report, "html", final=True).decode()


def test_markdown_has_no_withheld_string_and_marks_redactions(report: Report) -> None:
    markdown = render(report, "md").decode()
    assert_no_personal_data(markdown)
    assert "Dear [5.1.2e]," in markdown
    assert "## Achtergrond" in markdown and "### Beoordeling" in markdown
    assert (
        "| 1 | Melding aan X (bijlage 1) | 22 november 2023 | Gedeeltelijk openbaar | 5.1.2e |"
        in (markdown)
    )
    assert markdown.startswith("> **CONCEPT**")
    assert "CONCEPT" not in render(report, "md", final=True).decode()
