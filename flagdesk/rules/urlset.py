# SPDX-License-Identifier: EUPL-1.2
"""The content set a decision covers: which URLs it was taken on, and who may change that.

A decision freezes the case's normalised URLs (``rules/urls.py`` says what "the same URL"
is) and records a SHA-256 over them. From then on a signal that brings a URL outside that set
does not join the case; approval refuses when the case's URLs are no longer the set; a notice
may name no other content than the approved set. Pure functions over plain data, no Django:
callers resolve the sets from the database first.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class SetReason(StrEnum):
    SET_TAMPERED = "SET_TAMPERED"  # the stored URLs no longer hash to the recorded digest
    URLS_ADDED = "URLS_ADDED"  # the case holds URLs the decision does not cover
    URLS_REMOVED = "URLS_REMOVED"  # the decision covers URLs the case no longer holds
    URL_NOT_APPROVED = "URL_NOT_APPROVED"  # a notice names content outside the approved set
    BYTES_CHANGED = "BYTES_CHANGED"  # a frozen notice's bytes no longer match their digest


class Route(StrEnum):
    NEW_CASE = "new_case"
    JOIN = "join"
    RELATED_CASE = "related_case"


def url_set_sha256(normalised_urls: Iterable[str]) -> str:
    """SHA-256 over the sorted, distinct normalised URLs, one per line."""
    text = "\n".join(sorted(set(normalised_urls)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Holder:
    """A case that already holds some of a signal's URLs.

    :param held: the signal's normalised URLs this case holds.
    :param frozen: the set of the case's proposed or approved decision; ``None`` while open.
    """

    case_id: int
    held: frozenset[str]
    frozen: frozenset[str] | None = None


@dataclass(frozen=True)
class Routing:
    route: Route
    case_id: int | None = None  # the case joined, or the case the new one is related to


def route_signal(urls: Collection[str], holders: Sequence[Holder]) -> Routing:
    """Where a signal goes; ``holders`` oldest case first.

    - No case holds any of its URLs: a new case.
    - An open case holds one: it joins the oldest such case, which takes its new URLs.
    - Otherwise every holder is frozen by a decision. A signal whose URLs all lie in one
      holder's set corroborates it and joins. A signal that brings a URL no case holds opens
      a new case related to the oldest holder, carrying the URLs no case holds (the others stay
      where they are: one case per URL per election). A signal that brings nothing new but
      spans several decided sets joins the oldest holder: it adds no URL anywhere.
    """
    if not holders:
        return Routing(Route.NEW_CASE)
    for holder in holders:
        if holder.frozen is None:
            return Routing(Route.JOIN, holder.case_id)
    wanted = set(urls)
    for holder in holders:
        if holder.frozen is not None and wanted <= holder.frozen:
            return Routing(Route.JOIN, holder.case_id)
    held = set().union(*(holder.held for holder in holders))
    if wanted <= held:
        return Routing(Route.JOIN, holders[0].case_id)
    return Routing(Route.RELATED_CASE, holders[0].case_id)


def approval_problems(
    decided: Collection[str], recorded_sha256: str, current: Collection[str]
) -> tuple[SetReason, ...]:
    """Why a decision taken on ``decided`` may not be approved for a case now holding
    ``current``; empty when the set is unchanged."""
    reasons = set()
    if url_set_sha256(decided) != recorded_sha256:
        reasons.add(SetReason.SET_TAMPERED)
    if set(current) - set(decided):
        reasons.add(SetReason.URLS_ADDED)
    if set(decided) - set(current):
        reasons.add(SetReason.URLS_REMOVED)
    return tuple(sorted(reasons))


# A URL in running text: with its scheme, or written as a host name and a path
# ("twitter.com/a/status/1"), which a reader (and a platform) follows just the same. The
# punctuation that ends a sentence is not part of it.
URL_IN_TEXT = re.compile(
    r"https?://[^\s<>\"'`]+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?/[^\s<>\"'`]*",
    re.IGNORECASE,
)
TRAILING = ".,;:!?)]}>'\""


def urls_in_text(text: str) -> list[str]:
    """The URLs written in a text, in order."""
    return [match.rstrip(TRAILING) for match in URL_IN_TEXT.findall(text)]


def notice_problems(
    named_content: Collection[str],
    approved: Collection[str],
    recorded_sha256: str,
) -> tuple[SetReason, ...]:
    """Why a notice may not go out: it names content (normalised URLs the caller judged to be
    content, not citations) outside the approved set, or the approved set itself changed."""
    reasons = set()
    if url_set_sha256(approved) != recorded_sha256:
        reasons.add(SetReason.SET_TAMPERED)
    if set(named_content) - set(approved):
        reasons.add(SetReason.URL_NOT_APPROVED)
    return tuple(sorted(reasons))
