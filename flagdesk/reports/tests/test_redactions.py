# SPDX-License-Identifier: EUPL-1.2
"""Cutting texts into plain and withheld segments, and refusing sources that lose text."""

from __future__ import annotations

import pytest

from flagdesk.reports.content import redact_line
from flagdesk.reports.document import Redacted, Text, paragraphs
from flagdesk.reports.redactions import (
    CombinedRedactions,
    EngineRedactions,
    NoRedactions,
    Segment,
    TermRedactions,
    is_reviewed,
    segments_from_spans,
)


def test_spans_cut_the_text_and_overlaps_merge() -> None:
    segments = segments_from_spans("Dear Jan de Vries,", [(5, 8, "5.1.2e"), (7, 17, "5.1.2e")])
    assert segments == [Segment("Dear "), Segment("Jan de Vries", "5.1.2e"), Segment(",")]


def test_terms_are_found_in_any_case() -> None:
    line = redact_line(TermRedactions(["demo assessor"]), "mail.text", 1, "Dear Demo Assessor,")
    assert line == (Text("Dear "), Redacted("5.1.2e", 13), Text(","))


def test_combined_sources_withhold_what_either_withholds() -> None:
    source = CombinedRedactions(TermRedactions(["Jan"]), TermRedactions(["Vries"]))
    text = "Jan de Vries"
    assert [s.ground for s in source.segments("mail.text", 1, text)] == ["5.1.2e", None, "5.1.2e"]


class LosingSource:
    def segments(self, kind: str, object_id: int, text: str) -> list[Segment]:
        return [Segment(text[:-1])]


def test_a_source_that_loses_text_is_refused() -> None:
    with pytest.raises(ValueError, match="do not cover"):
        redact_line(LosingSource(), "mail.text", 1, "Hello")


def test_paragraphs_split_at_blank_lines_around_redactions() -> None:
    line = (Text("Kind regards,\n\n"), Redacted("5.1.2e", 5), Text("\nDivision\n"))
    first, second = paragraphs(line)
    assert first.inlines == (Text("Kind regards,"),)
    assert second.inlines == (Redacted("5.1.2e", 5), Text("\nDivision"))


def test_fallback_sources_are_not_reviewed() -> None:
    assert not is_reviewed(NoRedactions())
    assert not is_reviewed(EngineRedactions())
    assert not is_reviewed(CombinedRedactions(EngineRedactions(), TermRedactions(["x"])))
