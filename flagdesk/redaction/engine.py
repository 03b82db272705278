# SPDX-License-Identifier: EUPL-1.2
"""The redaction engine: find personal data in a text and replace it by its Woo ground.

Pure: no Django, no database. ``detect`` proposes findings (span, category, ground, whether
to redact by default); ``apply`` writes the redacted text. The word lists load once per
process (``engine()``), in about 0.1 s, so the CLI starts fast and the web process pays once.

What is kept on purpose: the organisation's own address, name and public handles (the
``OrganisationProfile``), organisation and party names, generic mailboxes (info@,
verkiezingen@), and anything on the allow-list. The deny-list always wins.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from flagdesk.redaction import keeprules
from flagdesk.redaction import lookups_words as words
from flagdesk.redaction import recognisers_names as names
from flagdesk.redaction.grounds import DEFAULT_GROUND
from flagdesk.redaction.lookups import Lookups, load
from flagdesk.redaction.recognisers import PATTERN_RECOGNISERS, Candidate, Context

Language = Literal["auto", "nl", "en"]
DEFAULT_LABEL = "[{ground}]"

# When findings of different kinds overlap, the merged one keeps the most specific kind.
PRIORITY = {
    "deny": 0,
    "email": 1,
    "iban": 2,
    "bsn": 3,
    "phone": 4,
    "handle": 5,
    "birth_date": 6,
    "licence_plate": 7,
    "address": 8,
    "name": 9,
}


@dataclass(frozen=True, slots=True)
class Finding:
    start: int
    end: int
    text: str
    category: str
    ground: str = DEFAULT_GROUND
    recogniser: str = ""
    default_accept: bool = True


@dataclass(frozen=True, slots=True)
class OrganisationProfile:
    """The organisation whose documents these are: what of it is never personal data."""

    name: str = ""
    domains: tuple[str, ...] = ()
    address_lines: tuple[str, ...] = ()
    public_handles: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    # Keep-rules (keeprules.py): other organisations' office address lines, never redacted,
    # and words that mark a mailbox as a role's, besides the built-in ones.
    keep_addresses: tuple[str, ...] = keeprules.OFFICE_ADDRESS_LINES
    role_words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Settings:
    allow: tuple[str, ...]
    deny: tuple[str, ...]
    keep: tuple[str, ...]  # allow terms, the organisation's name and address lines
    context: Context
    names: names.NameContext


class Engine:
    """Holds the word lists; ``detect`` is safe to call from several threads."""

    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        # The same profile and lists come with every call of a process: build their sets once.
        self._settings = functools.lru_cache(maxsize=64)(self._build_settings)
        self.blocked = frozenset(
            words.NOT_NAME_WORDS
            | lookups.stop_words
            | {w.lower() for w in words.ORGANISATION_NAMES}
        )

    def detect(
        self,
        text: str,
        *,
        lang: Language = "auto",
        allow: Iterable[str] = (),
        deny: Iterable[str] = (),
        profile: OrganisationProfile | None = None,
    ) -> list[Finding]:
        settings = self._settings(lang, tuple(allow), tuple(deny), profile or OrganisationProfile())
        candidates = list(self._candidates(text, settings))
        kept = _without_protected(candidates, _protected_spans(text, settings.keep))
        denied = list(_term_spans(text, settings.deny, "deny", "deny_list"))
        return [_finding(text, c) for c in _merge([*kept, *denied])]

    def _build_settings(
        self,
        lang: Language,
        allow: tuple[str, ...],
        deny: tuple[str, ...],
        profile: OrganisationProfile,
    ) -> _Settings:
        allow_all = (*profile.allow, *allow)
        own_words = {w.lower() for w in re.findall(r"\w+", profile.name)}
        single_allowed = {a.lower() for a in allow_all if " " not in a.strip()}
        greetings, closings = _cues(lang)
        return _Settings(
            allow=allow_all,
            deny=(*profile.deny, *deny),
            keep=(
                *allow_all,
                *profile.address_lines,
                *profile.keep_addresses,
                *([profile.name] if profile.name else []),
            ),
            context=Context(
                lookups=self.lookups,
                own_domains=frozenset(d.lower().lstrip("@") for d in profile.domains),
                public_handles=frozenset(h.lower().lstrip("@") for h in profile.public_handles),
                role_words=keeprules.ROLE_WORDS
                | words.GENERIC_MAILBOX_WORDS
                | {w.lower() for w in profile.role_words},
            ),
            names=names.NameContext(
                lookups=self.lookups,
                blocked=self.blocked | own_words | single_allowed,
                greetings=greetings,
                closings=closings,
            ),
        )

    def _candidates(self, text: str, settings: _Settings) -> Iterator[Candidate]:
        patterns = [
            c for recogniser in PATTERN_RECOGNISERS for c in recogniser(text, settings.context)
        ]
        yield from patterns
        capitals = names.capital_words(text)
        found = list(names.structural_names(text, settings.names))
        for rule in names.CONTEXT_RULES:
            found.extend(rule(text, settings.names))
        found.extend(names.lone_first_names(capitals, settings.names))
        yield from found
        # Document-level coreference: the words of every name found, and of every personal
        # mail address's local part ("oksana.kovalenko@"), are names wherever they recur.
        known = names.known_name_words(text, (f for f in found if f.default_accept), settings.names)
        known |= names.local_part_names(
            text, (c for c in patterns if c.category == "email"), settings.names
        )
        yield from names.repeated_names(text, known, capitals)


def _cues(lang: Language) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Greetings and closings to look for; "auto" takes both languages (mails mix them)."""
    if lang == "nl":
        return words.GREETINGS_NL, words.CLOSINGS_NL
    if lang == "en":
        return words.GREETINGS_EN, words.CLOSINGS_EN
    return (*words.GREETINGS_EN, *words.GREETINGS_NL), (*words.CLOSINGS_EN, *words.CLOSINGS_NL)


# --------------------------------------------------------------------------- spans


@functools.lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str] | None:
    parts = term.split()
    if not parts:
        return None
    body = r"\s+".join(re.escape(p) for p in parts)
    return re.compile(rf"(?<!\w){body}(?!\w)" if term[:1].isalnum() else body, re.IGNORECASE)


def _term_spans(
    text: str, terms: Iterable[str], category: str, recogniser: str
) -> Iterator[Candidate]:
    for term in terms:
        pattern = _term_pattern(term)
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            yield Candidate(match.start(), match.end(), category, recogniser)


@functools.lru_cache(maxsize=64)
def _longest_words(terms: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each protected term with its longest word in lower case (the rarest, as a rule)."""
    unique = {t for t in terms if t.split()}
    return tuple((max(t.lower().split(), key=len), t) for t in sorted(unique))


def _protected_spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where protected terms occur, merged. A term is looked for only when its longest word
    is in the text: one substring test each, so a long keep-list (the platforms' offices)
    costs next to nothing on a text that names none of them."""
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for word, term in _longest_words(terms):
        if word not in lowered:
            continue
        pattern = _term_pattern(term)
        if pattern is not None:
            spans.extend((m.start(), m.end()) for m in pattern.finditer(text))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _without_protected(
    candidates: list[Candidate], protected: list[tuple[int, int]]
) -> Iterator[Candidate]:
    """Candidates with protected text cut out (a piece left over must still hold a word)."""
    if not protected:
        yield from candidates
        return
    starts = [s for s, _ in protected]
    for candidate in candidates:
        pieces = [(candidate.start, candidate.end)]
        first = max(0, bisect.bisect_right(starts, candidate.start) - 1)
        for start, end in protected[first:]:
            if start >= candidate.end:
                break
            pieces = [p for piece in pieces for p in _cut(piece, start, end)]
        for start, end in pieces:
            if start == candidate.start and end == candidate.end:
                yield candidate
            elif end - start >= 2:
                yield Candidate(
                    start,
                    end,
                    candidate.category,
                    candidate.recogniser,
                    candidate.default_accept,
                    candidate.ground,
                )


def _cut(piece: tuple[int, int], start: int, end: int) -> list[tuple[int, int]]:
    low, high = piece
    if end <= low or start >= high:
        return [piece]
    return [p for p in ((low, start), (end, high)) if p[1] > p[0]]


def _merge(candidates: list[Candidate]) -> list[Candidate]:
    """Overlapping candidates become one; the most specific kind names it."""
    merged: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.start, -c.end)):
        if merged and candidate.start < merged[-1].end:
            merged[-1] = _union(merged[-1], candidate)
        else:
            merged.append(candidate)
    return merged


def _union(a: Candidate, b: Candidate) -> Candidate:
    lead = a if PRIORITY.get(a.category, 99) <= PRIORITY.get(b.category, 99) else b
    if a.default_accept != b.default_accept:
        lead = a if a.default_accept else b
    return Candidate(
        min(a.start, b.start),
        max(a.end, b.end),
        lead.category,
        lead.recogniser,
        a.default_accept or b.default_accept,
        lead.ground,
    )


def _finding(text: str, candidate: Candidate) -> Finding:
    start, end = candidate.start, candidate.end
    while start < end and text[start] in " \t\n,.;:":
        start += 1
    while end > start and text[end - 1] in " \t\n,;:":
        end -= 1
    return Finding(
        start,
        end,
        text[start:end],
        candidate.category,
        candidate.ground,
        candidate.recogniser,
        candidate.default_accept,
    )


# --------------------------------------------------------------------------- public API


@functools.cache
def engine() -> Engine:
    """The process's engine; the first call loads the word lists."""
    return Engine(load())


def detect(
    text: str,
    *,
    lang: Language = "auto",
    allow: Iterable[str] = (),
    deny: Iterable[str] = (),
    profile: OrganisationProfile | None = None,
) -> list[Finding]:
    """Proposed redactions in ``text``: non-overlapping, sorted by position."""
    return engine().detect(text, lang=lang, allow=allow, deny=deny, profile=profile)


def apply(text: str, findings: Iterable[Finding], label: str = DEFAULT_LABEL) -> str:
    """``text`` with every finding replaced by ``label`` (``{ground}``, ``{category}`` filled in)."""
    parts: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < position:
            continue
        parts.append(text[position : finding.start])
        parts.append(label.format(ground=finding.ground, category=finding.category))
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def redact(
    text: str,
    *,
    lang: Language = "auto",
    allow: Iterable[str] = (),
    deny: Iterable[str] = (),
    profile: OrganisationProfile | None = None,
    label: str = DEFAULT_LABEL,
) -> str:
    """``text`` with the findings that are redacted by default replaced (what the CLI prints)."""
    findings = detect(text, lang=lang, allow=allow, deny=deny, profile=profile)
    return apply(text, [f for f in findings if f.default_accept], label)
