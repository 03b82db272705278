# SPDX-License-Identifier: EUPL-1.2
"""The redaction review pages by role: looking, deciding, accepting all, redacting more."""

from __future__ import annotations

import pytest
from django.test import Client

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.redaction import service
from flagdesk.redaction.models import Origin, RedactedDocument, Status

TEXT = (
    "Dear people at X,\n\nThe Dutch ministry of the Interior points you to a message on X.\n\n"
    "Kind regards,\n\nJan de Vries\nMinistry of the Interior and Kingdom Relations\n"
    "Turfmarkt 147 | 2511 DP Den Haag\nE jan.devries@minbzk.nl | T 06-12345678\n"
)
LABEL = "5.1.2 e Persoonlijke levenssfeer"


@pytest.fixture
def document(tk2023: Election) -> RedactedDocument:
    return service.document_for(tk2023, "notice.body", 1, TEXT, "Notice to X")


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, name: str) -> str:
    return html.split(f'id="{name}"')[1].split("</section>")[0]


def test_it_sends_anonymous_visitors_to_the_login(document: RedactedDocument) -> None:
    for path in ["/reports/TK2023/redactions", f"/redactions/documents/{document.pk}"]:
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login")


def test_staff_see_the_original_with_highlights_and_the_published_preview(
    document: RedactedDocument, carol: User
) -> None:
    response = in_english(verified_client(carol)).get(f"/redactions/documents/{document.pk}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    original = section(html, "original")
    assert "redaction-effective" in original and "06-12345678</span>" not in original
    assert '>06-12345678<span class="visually-hidden">' in original
    preview = section(html, "preview")
    assert f'<span class="redacted-box" lang="nl">{LABEL}</span>' in preview
    for personal in ("Jan de Vries", "jan.devries", "06-12345678"):
        assert personal not in preview
    assert "Turfmarkt 147" in preview
    # Looking is allowed; the review actions are not offered.
    assert "/decide" not in html and "/accept-all" not in html and 'name="needle"' not in html


def test_only_reviewers_act(document: RedactedDocument, carol: User) -> None:
    client = verified_client(carol)
    redaction = document.redactions.first()
    assert redaction is not None
    assert (
        client.post(f"/redactions/{redaction.pk}/decide", {"decision": "accept"}).status_code == 403
    )
    assert client.post(f"/redactions/documents/{document.pk}/accept-all").status_code == 403
    response = client.post(f"/redactions/documents/{document.pk}/add-text", {"needle": "Turfmarkt"})
    assert response.status_code == 403
    assert set(document.redactions.values_list("status", flat=True)) == {Status.PROPOSED}
    assert not AuditEvent.objects.filter(action__in=["redaction_decided", "redaction_added"])


def test_a_reviewer_accepts_with_another_ground(document: RedactedDocument, alice: User) -> None:
    phone = document.redactions.get(text="06-12345678")
    response = in_english(verified_client(alice)).post(
        f"/redactions/{phone.pk}/decide", {"decision": "accept", "ground": "5.1.1e"}, follow=True
    )
    assert "Redaction accepted." in response.content.decode()
    phone.refresh_from_db()
    assert (phone.status, phone.ground, phone.decided_by) == (Status.ACCEPTED, "5.1.1e", alice)
    event = AuditEvent.objects.get(action="redaction_decided")
    assert event.actor == alice and event.after["ground"] == "5.1.1e"


def test_a_rejected_redaction_is_published_and_shown_as_such(
    document: RedactedDocument, erin: User
) -> None:
    client = in_english(verified_client(erin))
    phone = document.redactions.get(text="06-12345678")
    response = client.post(f"/redactions/{phone.pk}/decide", {"decision": "reject"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#redaction-{phone.pk}")
    phone.refresh_from_db()
    assert phone.status == Status.REJECTED
    html = page(client, f"/redactions/documents/{document.pk}")
    assert f'class="redaction redaction-shown status-rejected" id="span-{phone.pk}"' in html
    assert "06-12345678" in section(html, "preview")
    assert AuditEvent.objects.filter(action="redaction_decided", actor=erin).exists()


def test_a_decision_must_be_accept_or_reject_with_a_known_ground(
    document: RedactedDocument, alice: User
) -> None:
    client = in_english(verified_client(alice))
    phone = document.redactions.get(text="06-12345678")
    assert client.post(f"/redactions/{phone.pk}/decide", {"decision": "x"}).status_code == 400
    response = client.post(
        f"/redactions/{phone.pk}/decide", {"decision": "accept", "ground": "9.9"}, follow=True
    )
    assert "Unknown Woo ground." in response.content.decode()
    phone.refresh_from_db()
    assert phone.status == Status.PROPOSED


def test_accept_all_accepts_the_default_proposals(document: RedactedDocument, bob: User) -> None:
    defaults = document.redactions.filter(default_accept=True).count()
    response = in_english(verified_client(bob)).post(
        f"/redactions/documents/{document.pk}/accept-all", follow=True
    )
    assert f"{defaults} proposal" in response.content.decode()
    assert document.redactions.filter(status=Status.ACCEPTED).count() == defaults
    assert AuditEvent.objects.filter(action="redaction_decided", actor=bob).count() == defaults


def test_a_reviewer_redacts_text_the_engine_missed(document: RedactedDocument, alice: User) -> None:
    client = in_english(verified_client(alice))
    response = client.post(
        f"/redactions/documents/{document.pk}/add-text",
        {"needle": "Turfmarkt 147", "ground": "5.1.2e"},
        follow=True,
    )
    assert "1 place redacted." in response.content.decode()
    added = document.redactions.get(text="Turfmarkt 147")
    assert (added.origin, added.status, added.decided_by) == (
        Origin.REVIEWER,
        Status.ACCEPTED,
        alice,
    )
    assert AuditEvent.objects.filter(action="redaction_added", actor=alice).exists()
    assert "Turfmarkt 147" not in section(
        page(client, f"/redactions/documents/{document.pk}"), "preview"
    )

    response = client.post(
        f"/redactions/documents/{document.pk}/add-text", {"needle": "not there"}, follow=True
    )
    assert "The text does not contain that" in response.content.decode()


def test_the_list_filters_open_documents_and_marks_reviewed_ones(
    document: RedactedDocument, tk2023: Election, alice: User
) -> None:
    clean = service.document_for(tk2023, "notice.subject", 1, "Notice about a post", "Subject")
    client = in_english(verified_client(alice))
    html = page(client, "/reports/TK2023/redactions")
    assert f'id="document-{document.pk}"' in html and f'id="document-{clean.pk}"' in html
    # Nothing detected is not "checked": no person has opened it yet (issue 15).
    assert "0 of 2 documents reviewed" in html
    row = html.split(f'id="document-{clean.pk}"')[1].split("</tr>")[0]
    assert "✓" not in row and "Not opened yet" in row and "Openbaarmaking" in row
    html = page(client, "/reports/TK2023/redactions?open=1")
    assert f'id="document-{document.pk}"' in html and f'id="document-{clean.pk}"' not in html

    page(client, f"/redactions/documents/{clean.pk}")
    row = page(client, "/reports/TK2023/redactions").split(f'id="document-{clean.pk}"')[1]
    assert "✓" in row.split("</tr>")[0]
    page(client, f"/redactions/documents/{document.pk}")
    client.post(f"/redactions/documents/{document.pk}/accept-all")
    for redaction in document.redactions.filter(status=Status.PROPOSED):
        client.post(f"/redactions/{redaction.pk}/decide", {"decision": "reject"})
    assert "No document has open proposals." in page(client, "/reports/TK2023/redactions?open=1")
    assert "2 of 2 documents reviewed" in page(client, "/reports/TK2023/redactions")


# issue 15: "checked" needs a person; bulk decisions by kind, audited, reviewers only


def test_opening_a_document_records_who_checked_it_once_and_audits_it(
    document: RedactedDocument, alice: User, bob: User
) -> None:
    page(verified_client(alice), f"/redactions/documents/{document.pk}")
    page(verified_client(bob), f"/redactions/documents/{document.pk}")
    document.refresh_from_db()
    assert document.checked_by == alice and document.checked_at is not None
    events = AuditEvent.objects.filter(action="redaction_document_checked")
    assert [e.actor for e in events] == [alice]


@pytest.mark.parametrize("persona", ["carol", "dave"])
def test_a_role_that_may_not_review_does_not_check_by_looking(
    document: RedactedDocument, persona: str, request: pytest.FixtureRequest
) -> None:
    page(verified_client(request.getfixturevalue(persona)), f"/redactions/documents/{document.pk}")
    document.refresh_from_db()
    assert document.checked_at is None


def test_bulk_accepts_one_kind_in_a_document_each_audited(
    document: RedactedDocument, alice: User
) -> None:
    category = document.redactions.first().category  # type: ignore[union-attr]
    same = list(document.redactions.filter(category=category).values_list("pk", flat=True))
    others = document.redactions.exclude(category=category).count()
    response = verified_client(alice).post(
        f"/redactions/documents/{document.pk}/bulk", {"category": category, "decision": "accept"}
    )
    assert response.status_code == 302
    assert set(
        document.redactions.filter(status=Status.ACCEPTED).values_list("pk", flat=True)
    ) == set(same)
    assert document.redactions.filter(status=Status.PROPOSED).count() == others
    decided = AuditEvent.objects.filter(action="redaction_decided", actor=alice)
    assert decided.count() == len(same)


def test_bulk_rejects_one_kind_in_the_whole_report(
    document: RedactedDocument, tk2023: Election, alice: User
) -> None:
    category = document.redactions.first().category  # type: ignore[union-attr]
    other = service.document_for(tk2023, "notice.body", 99, document.text, "Copy")
    response = verified_client(alice).post(
        "/reports/TK2023/redactions/bulk", {"category": category, "decision": "reject"}
    )
    assert response.status_code == 302
    for doc in (document, other):
        assert not doc.redactions.filter(category=category, status=Status.PROPOSED).exists()
        assert doc.redactions.filter(category=category, status=Status.REJECTED).exists()


@pytest.mark.parametrize("persona", ["carol", "dave"])
def test_bulk_is_refused_to_roles_that_may_not_review(
    document: RedactedDocument, persona: str, request: pytest.FixtureRequest
) -> None:
    client = verified_client(request.getfixturevalue(persona))
    category = document.redactions.first().category  # type: ignore[union-attr]
    data = {"category": category, "decision": "accept"}
    assert client.post(f"/redactions/documents/{document.pk}/bulk", data).status_code == 403
    assert client.post("/reports/TK2023/redactions/bulk", data).status_code == 403
    assert not document.redactions.exclude(status=Status.PROPOSED).exists()


def test_bulk_on_a_forged_document_or_election_is_not_found(
    document: RedactedDocument, alice: User
) -> None:
    client = verified_client(alice)
    data = {"category": "person_name", "decision": "accept"}
    assert client.post("/redactions/documents/999999/bulk", data).status_code == 404
    assert client.post("/reports/NOPE/redactions/bulk", data).status_code == 404
    assert (
        client.post(
            f"/redactions/documents/{document.pk}/bulk", {"category": "x", "decision": "maybe"}
        ).status_code
        == 400
    )
    assert not document.redactions.exclude(status=Status.PROPOSED).exists()


def test_bulk_in_another_election_leaves_this_one_alone(
    document: RedactedDocument, alice: User
) -> None:
    category = document.redactions.first().category  # type: ignore[union-attr]
    verified_client(alice).post(
        "/reports/EP2024/redactions/bulk", {"category": category, "decision": "accept"}
    )
    assert not document.redactions.exclude(status=Status.PROPOSED).exists()
