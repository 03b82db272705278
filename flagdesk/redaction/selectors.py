# SPDX-License-Identifier: EUPL-1.2
"""Reads of the redaction review that other apps use (the reports API's progress figures)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from flagdesk.elections.models import Election
from flagdesk.redaction.models import RedactedDocument, Redaction, Status
from flagdesk.redaction.service import documents_for_election


@dataclass(frozen=True)
class ReviewCounts:
    """Where an election's review stands, in documents and in proposals."""

    documents: int = 0
    reviewed: int = 0  # a person looked and no proposal is open
    with_open_proposals: int = 0
    not_checked: int = 0  # nothing open, but no reviewer opened it yet
    proposals: dict[str, int] = field(default_factory=dict)  # by status, every status present


def review_counts(election: Election) -> ReviewCounts:
    documents = list(documents_for_election(election).only("pk", "checked_at"))
    open_docs = sum(1 for d in documents if getattr(d, "open_count", 0))
    not_checked = sum(1 for d in documents if not getattr(d, "open_count", 0) and not d.checked_at)
    rows = (
        Redaction.objects.filter(document__election=election)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    proposals = dict.fromkeys(Status.values, 0)
    proposals.update({row["status"]: row["n"] for row in rows})
    return ReviewCounts(
        documents=len(documents),
        reviewed=len(documents) - open_docs - not_checked,
        with_open_proposals=open_docs,
        not_checked=not_checked,
        proposals=proposals,
    )


def document_in(election: Election, pk: int) -> RedactedDocument | None:
    """A document of this election's report; None for one of another election."""
    return RedactedDocument.objects.filter(election=election, pk=pk).first()
