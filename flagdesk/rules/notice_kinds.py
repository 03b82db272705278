# SPDX-License-Identifier: EUPL-1.2
"""What a notice of each kind of case needs to say, and which of those facts are required.

Pure: no Django. The assessor enters these facts with the checklist (``Assessment.kind_facts``,
a dict of the names below); a deploy decision can only be proposed once the required ones of
the case's kind are there (:func:`missing_facts`), so the approver sees what the notice will say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """The kinds of case (the same values as ``intake.models.Category``)."""

    MISINFORMATION = "misinformation"
    HACKED_CHANNEL = "hacked_channel"
    BLOCKED_AD = "blocked_ad"
    OTHER = "other"


@dataclass(frozen=True)
class Fact:
    name: str
    required: bool
    long: bool = False  # a paragraph rather than a line


KIND_FACTS: dict[str, tuple[Fact, ...]] = {
    # Optional: without it the notice quotes the signal's explanation as the claim.
    Kind.MISINFORMATION: (Fact("claim", required=False, long=True),),
    Kind.HACKED_CHANNEL: (
        Fact("account_name", required=True),
        Fact("account_id", required=True),
        Fact("incident", required=True, long=True),
        Fact("incident_since", required=True),
        Fact("intruder_posts", required=False, long=True),
        Fact("co_government_contact", required=True),
    ),
    Kind.BLOCKED_AD: (
        Fact("ad_reference", required=True),
        Fact("platform_decision", required=True, long=True),
        Fact("why_election_information", required=True, long=True),
        Fact("urgency", required=True, long=True),
    ),
    Kind.OTHER: (),
}

# Named reason codes for a missing fact: part of the audit trail, never rename one.
MISSING = "FACT_MISSING"


def facts_of(kind: str) -> tuple[Fact, ...]:
    return KIND_FACTS.get(kind, ())


def fact_names(kind: str) -> tuple[str, ...]:
    return tuple(f.name for f in facts_of(kind))


def missing_facts(kind: str, facts: Mapping[str, object]) -> list[str]:
    """The names of the required facts of ``kind`` that are empty, in the form's order."""
    return [
        f.name for f in facts_of(kind) if f.required and not str(facts.get(f.name) or "").strip()
    ]


def clean_facts(kind: str, facts: Mapping[str, object]) -> dict[str, str]:
    """Only the facts ``kind`` knows, as stripped strings (at most 10,000 characters)."""
    return {
        name: str(facts.get(name) or "").strip()[:10_000]
        for name in fact_names(kind)
        if str(facts.get(name) or "").strip()
    }
