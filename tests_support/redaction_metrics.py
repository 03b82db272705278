# SPDX-License-Identifier: EUPL-1.2
"""Recall and keep of the redaction engine on an annotated corpus.

- *recall*: of all occurrences of the annotated personal strings, the fraction that is fully
  covered by redactions (what ``flagdesk redact`` removes: the default-accepted findings);
- *keep*: of all occurrences of the annotated keep-strings, the fraction that no redaction
  touches, i.e. that is still intact after ``apply()``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flagdesk.redaction.engine import Finding, Language, OrganisationProfile, detect

CORPUS_DIR = Path(__file__).resolve().parents[1] / "redaction-corpus" / "docs"


@dataclass(frozen=True)
class Document:
    id: str
    split: str
    lang: str
    text: str
    personal: tuple[str, ...]
    keep: tuple[str, ...]


@dataclass
class Score:
    personal_total: int = 0
    personal_removed: int = 0
    keep_total: int = 0
    keep_intact: int = 0
    missed: list[str] = field(default_factory=list)  # "doc-id: string"
    broken: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.personal_removed / self.personal_total if self.personal_total else 1.0

    @property
    def keep(self) -> float:
        return self.keep_intact / self.keep_total if self.keep_total else 1.0

    def add(self, other: Score) -> None:
        self.personal_total += other.personal_total
        self.personal_removed += other.personal_removed
        self.keep_total += other.keep_total
        self.keep_intact += other.keep_intact
        self.missed += other.missed
        self.broken += other.broken


def load_corpus(directory: Path = CORPUS_DIR) -> list[Document]:
    documents = []
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        documents.append(
            Document(
                id=data["id"],
                split=data["split"],
                lang=data.get("lang", "auto"),
                text=data["text"],
                personal=tuple(data["personal"]),
                keep=tuple(data["keep"]),
            )
        )
    return documents


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    spans, position = [], text.find(needle)
    while needle and position != -1:
        spans.append((position, position + len(needle)))
        position = text.find(needle, position + 1)
    return spans


def _covered(text: str, span: tuple[int, int], redacted: Sequence[tuple[int, int]]) -> bool:
    """Every character of the span but blanks lies inside some redaction."""
    start, end = span
    return all(
        any(s <= i < e for s, e in redacted) for i in range(start, end) if not text[i].isspace()
    )


def _touched(span: tuple[int, int], redacted: Sequence[tuple[int, int]]) -> bool:
    start, end = span
    return any(s < end and start < e for s, e in redacted)


def score_document(document: Document, findings: Iterable[Finding]) -> Score:
    redacted = [(f.start, f.end) for f in findings if f.default_accept]
    score = Score()
    for needle in document.personal:
        for span in occurrences(document.text, needle):
            score.personal_total += 1
            if _covered(document.text, span, redacted):
                score.personal_removed += 1
            else:
                score.missed.append(f"{document.id}: {needle}")
    for needle in document.keep:
        for span in occurrences(document.text, needle):
            score.keep_total += 1
            if _touched(span, redacted):
                score.broken.append(f"{document.id}: {needle}")
            else:
                score.keep_intact += 1
    return score


def evaluate(
    documents: Iterable[Document],
    profile: OrganisationProfile | None = None,
    lang: Language = "auto",
) -> dict[str, Score]:
    """Scores per split, and "all"."""
    scores: dict[str, Score] = {"all": Score()}
    for document in documents:
        findings = detect(document.text, lang=lang, profile=profile)
        score = score_document(document, findings)
        scores.setdefault(document.split, Score()).add(score)
        scores["all"].add(score)
    return scores


def ministry_profile() -> OrganisationProfile:
    """The profile the corpus is written for: the seed's ministry (FlagDesk's default settings)."""
    return OrganisationProfile(
        name="Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
        domains=("minbzk.nl", "rijksoverheid.nl"),
        address_lines=("Turfmarkt 147", "2511 DP Den Haag", "Postbus 20011"),
        public_handles=("@minbzk", "@Kiesraad", "@rijksoverheid"),
    )
