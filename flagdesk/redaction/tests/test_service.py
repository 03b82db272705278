# SPDX-License-Identifier: EUPL-1.2
"""Proposals, review decisions and what the report gets: segments without the originals."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election
from flagdesk.redaction import service
from flagdesk.redaction.models import Origin, RedactedDocument, Status

TEXT = (
    "Dear people at X,\n\nThe Dutch ministry of the Interior points you to a message on X.\n\n"
    "Kind regards,\n\nJan de Vries\nMinistry of the Interior and Kingdom Relations\n"
    "Turfmarkt 147 | 2511 DP Den Haag\nE jan.devries@minbzk.nl | T 06-12345678\n"
)


@pytest.fixture
def document(tk2023: Election) -> RedactedDocument:
    return service.document_for(tk2023, "notice", 1, TEXT, "Notice to X")


def published(document: RedactedDocument) -> str:
    return "".join(
        s.text if s.ground is None else "█" * len(s.text) for s in service.segments_of(document)
    )


def test_the_engine_proposes_and_the_output_leaves_out_personal_data(
    document: RedactedDocument,
) -> None:
    assert document.redactions.exists()
    assert all(r.status == Status.PROPOSED for r in document.redactions.all())
    text = published(document)
    for personal in ("Jan de Vries", "jan.devries", "06-12345678"):
        assert personal not in text
    for kept in ("Turfmarkt 147", "2511 DP Den Haag", "@minbzk.nl", "Ministry of the Interior"):
        assert kept in text
    assert service.judgement(document) == "Gedeeltelijk openbaar"
    assert service.grounds_of(document) == ["5.1.2e"]
    assert AuditEvent.objects.filter(action="redactions_proposed").count() == 1


def test_the_same_text_gets_the_same_document(document: RedactedDocument, tk2023: Election) -> None:
    again = service.document_for(tk2023, "notice", 1, TEXT, "Notice to X")
    assert again == document
    changed = service.document_for(tk2023, "notice", 1, TEXT + "PS", "Notice to X")
    assert changed != document


def test_a_rejected_proposal_is_published(document: RedactedDocument, alice: User) -> None:
    phone = document.redactions.get(text="06-12345678")
    service.decide(phone, False, alice)
    assert "06-12345678" in published(document)
    event = AuditEvent.objects.get(action="redaction_decided")
    assert "06-12345678" not in str(event.after) + str(event.before)  # no personal data in the log


def test_review_is_done_when_nothing_is_proposed(
    document: RedactedDocument, alice: User, bob: User, tk2023: Election
) -> None:
    assert not service.is_reviewed(document)
    assert service.review_progress(tk2023) == (0, 1)
    service.accept_all_proposed(document, bob)  # approvers review too
    for redaction in document.redactions.filter(status=Status.PROPOSED):
        service.decide(redaction, True, alice)
    assert not service.is_reviewed(document)  # decided, but nobody opened it (issue 15)
    service.mark_checked(document, alice)
    document.refresh_from_db()
    assert service.is_reviewed(document)
    assert service.review_progress(tk2023) == (1, 1)


def test_a_reviewer_adds_what_the_engine_missed(document: RedactedDocument, alice: User) -> None:
    assert service.add_text(document, "people at X", alice, ground="5.1.2i") == 1
    redaction = document.redactions.get(origin=Origin.REVIEWER)
    assert (redaction.status, redaction.ground) == (Status.ACCEPTED, "5.1.2i")
    assert "people at X" not in published(document)
    assert "5.1.2i" in service.grounds_of(document)
    with pytest.raises(service.RedactionError):
        service.add_text(document, "people at X", alice)  # already covered
    with pytest.raises(service.RedactionError):
        service.add(document, 0, 10_000, alice)
    with pytest.raises(service.RedactionError):
        service.add_text(document, "Dear", alice, ground="9.9.9")


def test_only_reviewers_review(document: RedactedDocument, carol: User, dave: User) -> None:
    redaction = document.redactions.first()
    assert redaction is not None
    for user in (carol, dave):
        with pytest.raises(PermissionDenied):
            service.decide(redaction, True, user)
        with pytest.raises(PermissionDenied):
            service.add_text(document, "Dear", user)


def test_split_handles_edges() -> None:
    assert service.split("abcdef", [(0, 2, "g"), (4, 6, "h")]) == [
        service.Segment("ab", "g"),
        service.Segment("cd"),
        service.Segment("ef", "h"),
    ]
    assert service.split("abcdef", [(1, 4, "g"), (2, 5, "g")]) == [
        service.Segment("a"),
        service.Segment("bcd", "g"),
        service.Segment("e", "g"),
        service.Segment("f"),
    ]
    assert service.split("abc", []) == [service.Segment("abc")]
