# SPDX-License-Identifier: EUPL-1.2
"""Find references in mail text: FlagDesk's case references and platforms' ticket numbers.

Pure helpers; linking a mail to a notice (by Message-ID, then by these references) is the
caller's job.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

__all__ = [
    "CASE_REFERENCE",
    "DEFAULT_PLATFORM_REFERENCE_PATTERNS",
    "case_references",
    "compile_reference_pattern",
    "platform_references",
]

# The format intake gives a case: f"FD-{year}-{counter:04d}" (intake.service._next_reference).
# The counter is zero-padded to four digits and simply grows past 9999.
CASE_REFERENCE = re.compile(r"(?<![A-Za-z0-9])FD-(\d{4})-(\d{4,9})(?![0-9])", re.IGNORECASE)

# EXAMPLES, to be adjusted to the mail each platform really sends: formats seen in public
# support mail, not confirmed for the trusted-flagger channels. Each pattern marks the
# reference with a group named "ref" (or, failing that, its first group that matched).
DEFAULT_PLATFORM_REFERENCE_PATTERNS: Mapping[str, str] = {
    # "Ref: 1234567890", "Reference number: ...", "Case ID: ..."
    "meta": r"\b(?:Ref(?:erence)?(?:\s*(?:no\.?|number|ID))?|Case\s*ID)\s*[:#]\s*(?P<ref>\d{8,20})\b",
    # Google support cases: "[3-1234567890123]" (digit, dash, 13 digits)
    "google": r"(?<![\w-])(?P<ref>\d-\d{10,16})(?![\w-])",
    # "Case #0123456789" or a Salesforce thread id "ref:_00D1a2b3._5001c2d3e4:ref"
    "x": r"\bCase\s*#\s*(?P<ref>\d{6,20})\b|\b(ref:_[A-Za-z0-9]+\._[A-Za-z0-9]+:ref)\b",
    # "Ticket ID: 7301234567890123456", "Report number: ..."
    "tiktok": r"\b(?:Ticket|Report)\s*(?:ID|number|no\.?)?\s*[:#]\s*(?P<ref>\d{8,20})\b",
    # Help-desk style "Request #12345678" or "[#12345678]" in the subject
    "snapchat": r"(?:\bRequest\s*#|\[#)\s*(?P<ref>\d{5,12})\b",
}
# Bounds the work a slow (administrator-supplied) pattern can cause on a huge mail.
MAX_SCAN_CHARS = 200_000


def case_references(subject: str) -> list[str]:
    """FlagDesk case references (``FD-2023-0001``) in ``subject``, upper-cased, in order."""
    found = (f"FD-{year}-{number}" for year, number in CASE_REFERENCE.findall(subject))
    return list(dict.fromkeys(found))


def platform_references(
    text: str, patterns: Mapping[str, str] = DEFAULT_PLATFORM_REFERENCE_PATTERNS
) -> list[tuple[str, str]]:
    """``(platform slug, reference)`` pairs found in ``text``, in pattern order, no repeats.

    An invalid pattern is skipped rather than raised: it comes from configuration and must
    not stop mail from being archived (``compile_reference_pattern`` validates up front).
    """
    sample = text[:MAX_SCAN_CHARS]
    found: list[tuple[str, str]] = []
    for slug, pattern in patterns.items():
        try:
            compiled = compile_reference_pattern(pattern)
        except ValueError:
            continue
        for match in compiled.finditer(sample):
            reference = _reference_of(match)
            if reference and (slug, reference) not in found:
                found.append((slug, reference))
    return found


@functools.lru_cache(maxsize=64)
def compile_reference_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a platform reference pattern (case-insensitive); ValueError when invalid."""
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"invalid reference pattern: {exc}") from exc


def _reference_of(match: re.Match[str]) -> str:
    if "ref" in match.re.groupindex and match.group("ref"):
        return match.group("ref").strip()
    for group in match.groups():
        if group:
            return group.strip()
    return match.group(0).strip()
