# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk report``: writes the file in the asked format and reports progress on stderr."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from flagdesk.elections.models import Election
from flagdesk.reports.tests.conftest import PERSONAL, assert_no_personal_data


def _report(*args: str) -> str:
    err = io.StringIO()
    redact = [arg for secret in PERSONAL for arg in ("--redact", secret)]
    call_command("report", *args, *redact, stderr=err, stdout=io.StringIO())
    return err.getvalue()


def test_it_writes_a_markdown_draft_with_progress(demo: Election, tmp_path: Path) -> None:
    out = tmp_path / "tk2023.md"
    progress = _report("TK2023", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("> **CONCEPT**")
    assert "## Toepassing rondom de Tweede Kamerverkiezing van 22 november 2023" in text
    assert_no_personal_data(text)
    assert "flagdesk report: building the TK2023 report: done in" in progress
    assert f"flagdesk report: wrote {out}" in progress


def test_it_writes_a_pdf_and_counts_its_pages(demo: Election, tmp_path: Path) -> None:
    out = tmp_path / "report.bin"
    progress = _report("tk2023", "--format", "pdf", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF-")
    assert "laying out and writing the PDF/A: done in" in progress
    assert " pages" in progress


def test_it_refuses_an_unknown_election_or_format(demo: Election, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no election"):
        _report("XX1999", "--out", str(tmp_path / "r.md"))
    with pytest.raises(CommandError, match="give --format"):
        _report("TK2023", "--out", str(tmp_path / "r.txt"))
