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
    "ANY_PLATFORM",
    "ANY_PLATFORM_PATTERNS",
    "CASE_REFERENCE",
    "DEFAULT_PLATFORM_REFERENCE_PATTERNS",
    "case_references",
    "compile_reference_pattern",
    "platform_references",
    "quoted_message_ids",
    "returned_message_ids",
]

# The pseudo-slug of reference patterns that hold for every platform.
ANY_PLATFORM = "*"

# The format intake gives a case: f"FD-{year}-{counter:04d}" (intake.service._next_reference).
# The counter is zero-padded to four digits and simply grows past 9999.
CASE_REFERENCE = re.compile(r"(?<![A-Za-z0-9])FD-(\d{4})-(\d{4,9})(?![0-9])", re.IGNORECASE)

# EXAMPLES, to be adjusted to the mail each platform really sends: formats seen in public
# support mail, not confirmed for the trusted-flagger channels. Each pattern marks the
# reference with a group named "ref" (or, failing that, its first group that matched).
# A ticket number: letters, digits and dashes (or underscores/dots between them) with at
# least one digit and at least five characters: "771204", "2025-NL-771204", "ABC-12345",
# "7a9c41e2-0b6d". Words like "received" have no digit; "2025" alone is too short to learn.
_TICKET = r"(?=[A-Za-z0-9._-]*\d)[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?=[A-Za-z0-9])){4,63}"
# The words that announce a ticket number in platforms' support mail, English and Dutch.
_TICKET_LABEL = (
    r"(?:ref(?:erence)?|case|ticket|request|report|incident|melding|zaak|kenmerk|dossier)"
    r"(?:\s*(?:id|no\.?|nr\.?|number|nummer|reference|ref\.?))?"
)
DEFAULT_PLATFORM_REFERENCE_PATTERNS: Mapping[str, str] = {
    # "Ref: 1234567890", "Ref: 2025-NL-771204", "Reference number: ...", "Case ID: ..."
    "meta": rf"\b(?:Ref(?:erence)?(?:\s*(?:no\.?|number|ID))?|Case\s*ID)\s*[:#]\s*(?P<ref>{_TICKET})",
    # Google support cases: "[3-1234567890123]" (digit, dash, 13 digits)
    "google": r"(?<![\w-])(?P<ref>\d-\d{10,16})(?![\w-])",
    # "Case #0123456789", "Case #ABC-12345" or a Salesforce thread id "ref:_00D1a2b3._5001c2d3e4:ref"
    # (also the newer "ref:!00D1a2b3!5001c2d3e4:ref", and inside "[ ]" in the subject)
    "x": rf"\bCase\s*#\s*(?P<ref>{_TICKET})|(?P<sf>ref:[_!][A-Za-z0-9]+[._!]+[A-Za-z0-9]+:ref)",
    # "Ticket ID: 7301234567890123456", "Ticket ID: 7a9c41e2", "Report number: ..."
    "tiktok": rf"\b(?:Ticket|Report)\s*(?:ID|number|no\.?)?\s*[:#]\s*(?P<ref>{_TICKET})",
    # Help-desk style "Request #12345678" or "[#12345678]" in the subject
    "snapchat": r"(?:\bRequest\s*#|\[#)\s*(?P<ref>[A-Za-z0-9-]{5,40})\b",
}
# Ticket numbers in any platform's wording ("Ticket ID: ...", "Case number: ...", "Kenmerk:
# ..."): only looked up, among the numbers learned for the platform whose mail domain sent
# the mail; never learned (what a platform's numbers look like is its own pattern's job).
ANY_PLATFORM_PATTERNS: Mapping[str, str] = {
    ANY_PLATFORM: rf"\b{_TICKET_LABEL}\s*[:#]\s*(?P<ref>{_TICKET})",
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
            if CASE_REFERENCE.fullmatch(reference):
                continue  # our own reference, quoted back: not the platform's ticket
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
    for name in ("ref", "sf"):
        if name in match.re.groupindex and match.group(name):
            return match.group(name).strip()
    for group in match.groups():
        if group:
            return group.strip()
    return match.group(0).strip()


# A Message-ID written into a text: "<id@host>", or after "Message-ID:" also without brackets.
_ANGLE_ID = re.compile(r"<([^<>\s@]{1,200}@[^<>\s@]{1,200})>")
_LABELLED_ID = re.compile(
    r"(?:message-id|in-reply-to|references)\s*:\s*<?([^<>\s@]{1,200}@[^<>\s@]{1,200}?)>?(?=\s|$)",
    re.IGNORECASE | re.MULTILINE,
)
MAX_QUOTED_IDS = 50


def quoted_message_ids(text: str) -> list[str]:
    """Message-IDs written in a mail's text (a quoted or forwarded original's headers, a
    pasted ID), normalised to ``<id@host>``; at most ``MAX_QUOTED_IDS``, in order.

    E-mail addresses in angle brackets are found too; they simply match no notice."""
    sample = text[:MAX_SCAN_CHARS]
    found = [f"<{m}>" for m in _LABELLED_ID.findall(sample)]
    found += [f"<{m}>" for m in _ANGLE_ID.findall(sample)]
    return list(dict.fromkeys(found))[:MAX_QUOTED_IDS]


_RETURNED_ID = re.compile(r"^\s*message-id:\s*<([^<>\s@]{1,200}@[^<>\s@]{1,200})>", re.I | re.M)


def returned_message_ids(text: str) -> list[str]:
    """The Message-ID header lines of an original a mail system returned inline, as text
    ("--- Below this line is a copy of the message."): qmail and other non-RFC bounces."""
    found = [f"<{m}>" for m in _RETURNED_ID.findall(text[:MAX_SCAN_CHARS])]
    return list(dict.fromkeys(found))[:MAX_QUOTED_IDS]
