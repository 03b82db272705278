# SPDX-License-Identifier: EUPL-1.2
"""The report as a document: plain, frozen dataclasses and nothing else.

:mod:`flagdesk.reports.content` builds a :class:`Report` from the data (queries and Dutch
prose); the renderers (``render/``: PDF/A, DOCX, HTML, Markdown) read one and import only
this module. A redacted span (:class:`Redacted`) keeps its Woo ground and a clipped label,
never the withheld text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flagdesk.reports.dutch import dutch_date


@dataclass(frozen=True)
class Text:
    text: str
    emphasis: bool = False


@dataclass(frozen=True)
class Link:
    text: str
    url: str


GROUND_LABELS = {
    "5.1.1a": "Eenheid van de Kroon",
    "5.1.1b": "Veiligheid van de Staat",
    "5.1.1c": "Vertrouwelijk verstrekte bedrijfs- en fabricagegegevens",
    "5.1.1d": "Bijzondere persoonsgegevens",
    "5.1.1e": "Identificatienummers",
    "5.1.2a": "Internationale betrekkingen",
    "5.1.2b": "Economische of financiële belangen van de Staat",
    "5.1.2c": "Opsporing en vervolging van strafbare feiten",
    "5.1.2d": "Inspectie, controle en toezicht",
    "5.1.2e": "Persoonlijke levenssfeer",
    "5.1.2f": "Concurrentiegevoelige bedrijfs- en fabricagegegevens",
    "5.1.2g": "Bescherming van het milieu",
    "5.1.2h": "Beveiliging van personen en bedrijven",
    "5.1.2i": "Goed functioneren van de Staat",
    "5.1.5": "Voorkomen van onevenredige benadeling",
    "5.2": "Persoonlijke beleidsopvattingen",
}
# A label is set smaller than the text it replaces: this many label characters fit in the
# width of one character of text.
LABEL_CHARS_PER_TEXT_CHAR = 1.8


def ground_code(ground: str) -> str:
    """``5.1.2e`` is printed ``5.1.2 e``, as on Woo documents."""
    if ground[-1:].isalpha():
        return f"{ground[:-1]} {ground[-1]}"
    return ground


def ground_label(ground: str) -> str:
    """``5.1.2 e Persoonlijke levenssfeer``."""
    name = GROUND_LABELS.get(ground)
    return f"{ground_code(ground)} {name}" if name else ground_code(ground)


@dataclass(frozen=True)
class Redacted:
    """Withheld text: its Woo ground and the number of characters it replaces, nothing more."""

    ground: str
    width: int

    @property
    def label(self) -> str:
        return ground_label(self.ground)

    @property
    def clipped_label(self) -> str:
        """The label cut to the width of the text it replaces, but never below the code."""
        fits = round(self.width * LABEL_CHARS_PER_TEXT_CHAR)
        return self.label[: max(fits, len(ground_code(self.ground)))].rstrip()

    @property
    def box_width(self) -> int:
        """Width of the box in characters of the surrounding text (room for the code)."""
        return max(self.width, round(len(ground_code(self.ground)) / LABEL_CHARS_PER_TEXT_CHAR))


@dataclass(frozen=True)
class FootnoteRef:
    number: int


Inline = Text | Link | Redacted | FootnoteRef
Line = tuple[Inline, ...]


@dataclass(frozen=True)
class Paragraph:
    inlines: Line


@dataclass(frozen=True)
class BulletList:
    items: tuple[Line, ...]


Block = Paragraph | BulletList


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Footnote:
    number: int
    inlines: Line


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str


@dataclass(frozen=True)
class Figure:
    """A table, and a bar chart of one of its columns where a picture helps."""

    number: int
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    chart: tuple[Bar, ...] = ()
    chart_unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class Document:
    """One piece of correspondence, redacted, as it appears in an appendix."""

    number: int
    title: str
    date: str
    day: str
    headers: tuple[tuple[str, Line], ...]
    body: tuple[Paragraph, ...]
    grounds: tuple[str, ...]

    @property
    def judgement(self) -> str:
        return PARTLY_PUBLIC if self.grounds else PUBLIC


PUBLIC = "Openbaarmaking"
PARTLY_PUBLIC = "Gedeeltelijk openbaar"


@dataclass(frozen=True)
class Appendix:
    number: int
    title: str
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class InventoryEntry:
    number: int
    title: str
    date: str
    judgement: str
    grounds: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    organisation: str
    organisation_short: str
    title: str
    subtitle: str
    date: dt.date
    election_code: str
    rules_version: str
    sections: tuple[Section, ...]
    figures: tuple[Figure, ...]
    footnotes: tuple[Footnote, ...]
    appendices: tuple[Appendix, ...]
    inventory: tuple[InventoryEntry, ...]
    deployments: int

    @property
    def date_text(self) -> str:
        return dutch_date(self.date)


def paragraphs(line: Line) -> tuple[Paragraph, ...]:
    """Split a redacted text into paragraphs at blank lines; single newlines stay in the text."""
    result: list[list[Inline]] = [[]]
    for inline in line:
        if not isinstance(inline, Text):
            result[-1].append(inline)
            continue
        pieces = inline.text.replace("\r\n", "\n").split("\n\n")
        for index, piece in enumerate(pieces):
            if index:
                result.append([])
                piece = piece.lstrip("\n")
            if index < len(pieces) - 1:
                piece = piece.rstrip("\n")
            if piece:
                result[-1].append(Text(piece))
    return tuple(Paragraph(trimmed(p)) for p in result if trimmed(p))


def trimmed(inlines: list[Inline]) -> Line:
    """Without line breaks at the paragraph's start and end."""
    items = list(inlines)
    if items and isinstance(items[0], Text):
        items[0] = Text(items[0].text.lstrip("\n"), items[0].emphasis)
    if items and isinstance(items[-1], Text):
        items[-1] = Text(items[-1].text.rstrip("\n"), items[-1].emphasis)
    return tuple(i for i in items if not (isinstance(i, Text) and not i.text))
