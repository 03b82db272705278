# SPDX-License-Identifier: EUPL-1.2
"""Where the report gets its redactions from: the interface and two fallbacks.

The report asks a :class:`RedactionSource` to cut each stored text it shows into
:class:`Segment` s: plain text, or a span of personal data with the Woo ground that
withholds it. The reviewed redactions (``flagdesk.redaction.service``) are the real source;
until a review exists, :class:`EngineRedactions` applies what the detection engine accepts by
default. The report itself keeps only a redacted span's ground and length, never its text.

Kinds of text the report asks about (``kind``, with the id of the row it comes from):

``signal.explanation`` · ``assessment.misleading_reasoning`` · ``notice.from`` ·
``notice.to`` · ``notice.subject`` · ``notice.body`` · ``mail.from`` · ``mail.to`` ·
``mail.subject`` · ``mail.text``.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

# One shape for both apps: a piece of text, plain when ``ground`` is None, else withheld.
from flagdesk.redaction.service import Segment

DEFAULT_GROUND = "5.1.2e"

# What the report asks about; the redaction review uses the same names.
TEXT_KINDS = (
    "signal.explanation",
    "assessment.misleading_reasoning",
    "notice.from",
    "notice.to",
    "notice.subject",
    "notice.body",
    "mail.from",
    "mail.to",
    "mail.subject",
    "mail.text",
)


class RedactionSource(Protocol):
    def segments(self, kind: str, object_id: int, text: str) -> list[Segment]: ...


Span = tuple[int, int, str]


def segments_from_spans(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Cut ``text`` at the ``(start, end, ground)`` spans; overlapping spans are merged.

    Where spans with different grounds overlap, the merged span keeps the first ground.
    """
    merged: list[list[Any]] = []
    for start, end, ground in sorted(s for s in spans if s[0] < s[1]):
        start, end = max(start, 0), min(end, len(text))
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif start < end:
            merged.append([start, end, ground])
    segments: list[Segment] = []
    position = 0
    for start, end, ground in merged:
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], ground))
        position = end
    if position < len(text) or not segments:
        segments.append(Segment(text[position:]))
    return segments


class NoRedactions:
    """Every text as it is. Only for texts known to hold no personal data."""

    def segments(self, kind: str, object_id: int, text: str) -> list[Segment]:
        return [Segment(text)]


class TermRedactions:
    """Withhold every occurrence of given strings (case-insensitive): a deny-list.

    Used by the tests for a predictable result, and usable on top of the engine for names
    it misses.
    """

    def __init__(self, terms: Sequence[str], ground: str = DEFAULT_GROUND) -> None:
        self.terms = [t for t in terms if t]
        self.ground = ground

    def segments(self, kind: str, object_id: int, text: str) -> list[Segment]:
        lowered = text.lower()
        spans: list[Span] = []
        for term in self.terms:
            needle = term.lower()
            start = lowered.find(needle)
            while start >= 0:
                spans.append((start, start + len(needle), self.ground))
                start = lowered.find(needle, start + 1)
        return segments_from_spans(text, spans)


class CombinedRedactions:
    """What any of several sources withholds (e.g. the engine plus a deny-list)."""

    def __init__(self, *sources: RedactionSource) -> None:
        self.sources = sources

    def segments(self, kind: str, object_id: int, text: str) -> list[Segment]:
        spans: list[Span] = []
        for source in self.sources:
            spans += spans_of(source.segments(kind, object_id, text))
        return segments_from_spans(text, spans)


def spans_of(segments: Iterable[Segment]) -> list[Span]:
    spans: list[Span] = []
    position = 0
    for segment in segments:
        end = position + len(segment.text)
        if segment.ground:
            spans.append((position, end, segment.ground))
        position = end
    return spans


class EngineRedactions:
    """The detection engine's default-accepted findings, before any review.

    When ``flagdesk.redaction.engine`` is not installed, nothing is redacted and
    :attr:`available` is False, so a caller can refuse to publish. An engine that exists
    but fails to import raises: a silent fallback would publish personal data.
    """

    def __init__(self, lang: str = "auto") -> None:
        self.lang = lang
        self._detect = _engine_detect()

    @property
    def available(self) -> bool:
        return self._detect is not None

    def segments(self, kind: str, object_id: int, text: str) -> list[Segment]:
        if self._detect is None or not text:
            return [Segment(text)]
        findings = self._detect(text, lang=self.lang)
        spans = [(f.start, f.end, f.ground or DEFAULT_GROUND) for f in findings if f.default_accept]
        return segments_from_spans(text, spans)


def _engine_detect() -> Callable[..., Sequence[Any]] | None:
    if importlib.util.find_spec("flagdesk.redaction.engine") is None:
        return None
    engine = importlib.import_module("flagdesk.redaction.engine")
    detect: Callable[..., Sequence[Any]] = engine.detect
    return detect


def default_redactions(election: Any) -> RedactionSource:
    """The reviewed redactions for this election when the redaction app offers them,
    else the engine's defaults."""
    if importlib.util.find_spec("flagdesk.redaction.service") is not None:
        service = importlib.import_module("flagdesk.redaction.service")
        factory = getattr(service, "report_redactions", None)
        if factory is not None:
            source: RedactionSource = factory(election)
            return source
    return EngineRedactions()


def is_reviewed(source: RedactionSource) -> bool:
    """Whether the source is a reviewed one (not a fallback) — a final report needs that."""
    if isinstance(source, CombinedRedactions):
        return any(is_reviewed(s) for s in source.sources)
    return not isinstance(source, (EngineRedactions, NoRedactions, TermRedactions))
