# SPDX-License-Identifier: EUPL-1.2
"""The reports pages by role: the list, drafts, preparing the review, sign-off and finals."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.notices import dispatch
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import PLATFORM_ADDRESS, approved_case
from flagdesk.platforms.models import Platform
from flagdesk.redaction import service as redaction
from flagdesk.redaction.models import RedactedDocument, Redaction, Status
from flagdesk.reports import service
from flagdesk.reports.models import FinalReport


@pytest.fixture
def election(tk2023: Election, alice: User, bob: User) -> Election:
    """TK2023 with one deployment whose notice went out (to the local outbox)."""
    Platform.objects.filter(slug="x").update(
        channel_kind="email", channel_address=PLATFORM_ADDRESS, channel_active=True
    )
    alice.first_name, alice.last_name = "Alice", "Assessor"
    alice.save()
    notice = Notice.objects.get(case=approved_case(tk2023, alice, bob))
    dispatch.attempt_delivery(notices.send(notice, alice).pk)
    return tk2023


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def review_everything(client: Client, election: Election) -> None:
    """What reviewers do on the redaction pages: decide every open proposal."""
    for document in redaction.documents_for_election(election):
        client.get(f"/redactions/documents/{document.pk}")  # a person looks (issue 15)
        client.post(f"/redactions/documents/{document.pk}/accept-all")
    for pk in Redaction.objects.filter(status=Status.PROPOSED).values_list("pk", flat=True):
        response = client.post(f"/redactions/{pk}/decide", {"decision": "reject"})
        assert response.status_code == 302


def test_it_sends_anonymous_visitors_to_the_login(election: Election) -> None:
    for path in ["/reports", "/reports/TK2023", "/reports/TK2023/draft.md"]:
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login")


def test_the_list_shows_elections_with_their_deployments(election: Election, carol: User) -> None:
    html = page(in_english(verified_client(carol)), "/reports")
    assert 'href="/reports"' in html and ">Reports</a>" in html  # the navigation item
    row = html.split('id="election-TK2023"')[1].split("</tr>")[0]
    assert 'href="/reports/TK2023"' in row
    assert '<td class="deployments">1</td>' in row


def test_the_navigation_item_is_dutch_by_default(election: Election, carol: User) -> None:
    assert ">Rapportages</a>" in page(verified_client(carol), "/reports")


def test_an_unknown_election_or_format_is_not_found(election: Election, carol: User) -> None:
    client = verified_client(carol)
    assert client.get("/reports/XX1900").status_code == 404
    assert client.get("/reports/TK2023/draft.exe").status_code == 404
    assert client.get("/reports/TK2023/v1.pdf").status_code == 404


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_draft_downloads_with_the_concept_watermark(
    election: Election, carol: User, fmt: str
) -> None:
    response = verified_client(carol).get(f"/reports/TK2023/draft.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == service.CONTENT_TYPES[fmt]
    assert response["Content-Disposition"] == f'attachment; filename="TK2023-report-concept.{fmt}"'
    text = response.content.decode()
    assert "CONCEPT" in text
    assert "Alice Assessor" not in text  # the notice's signature is withheld
    assert not FinalReport.objects.exists()


def test_a_pdf_draft_is_a_pdf(election: Election, carol: User) -> None:
    response = verified_client(carol).get("/reports/TK2023/draft.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_the_page_shows_progress_and_offers_each_role_its_actions(
    election: Election, carol: User, alice: User, bob: User
) -> None:
    html = page(in_english(verified_client(carol)), "/reports/TK2023")
    for fmt in service.FORMATS:
        assert f'href="/reports/TK2023/draft.{fmt}"' in html
    assert "takes a few seconds" in html
    prepare = 'action="/reports/TK2023/prepare"'
    assert prepare not in html and 'id="sign-off"' not in html
    html = page(in_english(verified_client(alice)), "/reports/TK2023")
    assert prepare in html and 'id="sign-off"' not in html
    html = page(in_english(verified_client(bob)), "/reports/TK2023")
    assert prepare in html and 'name="note"' in html


def test_preparing_the_review_registers_the_texts_with_proposals(
    election: Election, alice: User
) -> None:
    client = in_english(verified_client(alice))
    response = client.post("/reports/TK2023/prepare", follow=True)
    assert response.status_code == 200
    documents = RedactedDocument.objects.filter(election=election)
    assert documents.filter(kind="notice.body").exists()
    assert Redaction.objects.filter(document__in=documents, status=Status.PROPOSED).exists()
    html = response.content.decode()
    assert "The review is ready" in html
    assert '<progress id="review-progress"' in html
    assert 'href="/reports/TK2023/redactions"' in html


def test_only_reviewers_prepare_and_only_approvers_sign_off(
    election: Election, carol: User, alice: User
) -> None:
    assert verified_client(carol).post("/reports/TK2023/prepare").status_code == 403
    assert verified_client(alice).post("/reports/TK2023/sign-off").status_code == 403
    assert not RedactedDocument.objects.exists() and not FinalReport.objects.exists()


def test_sign_off_waits_for_the_review_then_stores_the_final(
    election: Election, alice: User, bob: User, carol: User
) -> None:
    approver = in_english(verified_client(bob))
    approver.post("/reports/TK2023/prepare")
    response = approver.post("/reports/TK2023/sign-off", {"note": "First."}, follow=True)
    assert "still have redactions to review" in response.content.decode()
    assert not FinalReport.objects.exists()

    review_everything(verified_client(alice), election)
    response = approver.post("/reports/TK2023/sign-off", {"note": "First."}, follow=True)
    assert "Version 1 is signed off" in response.content.decode()
    final = FinalReport.objects.get(election=election)
    assert (final.version, final.signed_off_by, final.note) == (1, bob, "First.")
    assert AuditEvent.objects.filter(action="report_signed_off", actor=bob).exists()

    html = page(in_english(verified_client(carol)), "/reports/TK2023")
    finals = html.split('id="finals"')[1]
    assert "Version 1" in finals and "bob" in finals
    for fmt in service.FORMATS:
        assert final.files[fmt]["sha256"] in finals
        assert f'href="/reports/TK2023/v1.{fmt}"' in finals


def test_a_final_downloads_byte_for_byte(election: Election, alice: User, bob: User) -> None:
    review_everything(verified_client(alice), election)  # nothing registered yet: a no-op
    service.build(election)
    review_everything(verified_client(alice), election)
    final = service.sign_off(election, bob)
    client = verified_client(alice)
    for fmt in service.FORMATS:
        response = client.get(f"/reports/TK2023/v1.{fmt}")
        assert response.status_code == 200
        assert response.content == service.final_file(final, fmt)
        assert response["Content-Disposition"] == f'attachment; filename="TK2023-report-v1.{fmt}"'
    assert b"CONCEPT" not in client.get("/reports/TK2023/v1.md").content


def test_a_changed_final_file_is_refused(
    election: Election, alice: User, bob: User, settings: Any
) -> None:
    service.build(election)
    review_everything(verified_client(alice), election)
    final = service.sign_off(election, bob)
    stored = service.reports_root() / final.files["md"]["path"]
    stored.chmod(0o644)
    stored.write_bytes(b"tampered")
    response = in_english(verified_client(alice)).get("/reports/TK2023/v1.md", follow=True)
    assert "does not match its recorded hash" in response.content.decode()


# issue 15: hints say who can take the next step


def test_an_admin_is_told_who_prepares_the_review_not_to_prepare_it(
    election: Election, dave: User
) -> None:
    html = page(in_english(verified_client(dave)), "/reports/TK2023")
    assert "Prepare the review to let" not in html and "Prepare the review</button>" not in html
    assert "An assessor or approver prepares the review" in html
    assert "An approver signs the report off" in html


def test_an_assessor_is_offered_the_preparation(election: Election, alice: User) -> None:
    html = page(in_english(verified_client(alice)), "/reports/TK2023")
    assert "Prepare the review</button>" in html
    assert "An assessor or approver prepares the review" not in html
