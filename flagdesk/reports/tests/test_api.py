# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/rapportages: the redaction review, sign-off and the final files over the API alone.

The attacks first: a partner token, an assessor signing off, signing off with proposals open,
a proposal or document of another election's report, a format that is not offered, a bulk
decision for a kind that does not exist. Then the whole path, from preparing the review to a
downloaded final whose bytes match the hash the API gave.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
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

PROBLEM = "application/problem+json"


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


def token_for(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {accounts.issue_token(name='t', user=user)[1]}")


def call(client: Client, method: str, path: str, body: Any = None) -> Any:
    if method == "get":
        return client.get(f"/api/v1{path}")
    return getattr(client, method)(f"/api/v1{path}", body or {}, content_type="application/json")


def is_problem(response: Any, status: int) -> bool:
    return response.status_code == status and response["Content-Type"] == PROBLEM


def prepared(election: Election) -> list[RedactedDocument]:
    service.build(election)
    return list(RedactedDocument.objects.filter(election=election).order_by("pk"))


def open_proposal(election: Election) -> Redaction:
    found = Redaction.objects.filter(document__election=election, status=Status.PROPOSED).first()
    assert found is not None, "the seed's notice has personal data to propose"
    return found


# ------------------------------------------------------------------------- attacks


def test_a_partner_token_reaches_nothing_of_the_report(
    election: Election, nos_token: str, alice: User, bob: User
) -> None:
    documents = prepared(election)
    proposal = open_proposal(election)
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    tk = "/rapportages/TK2023"
    for method, path, body in [
        ("get", "/rapportages", None),
        ("get", tk, None),
        ("get", f"{tk}/documenten", None),
        ("get", f"{tk}/documenten/{documents[0].pk}", None),
        ("get", f"{tk}/voorstellen/{proposal.pk}", None),
        ("get", f"{tk}/versies", None),
        ("post", f"{tk}/voorbereiding", None),
        ("patch", f"{tk}/voorstellen/{proposal.pk}", {"status": "rejected"}),
        ("post", f"{tk}/documenten/{documents[0].pk}/voorstellen", {"start": 0, "end": 2}),
        ("post", f"{tk}/voorstellen/bulk", {"category": "name", "status": "rejected"}),
        ("post", f"{tk}/ondertekening", {}),
    ]:
        response = call(partner, method, path, body)
        assert is_problem(response, 403), (method, path, response.status_code)
        assert proposal.document.text not in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED
    assert not FinalReport.objects.exists()


def test_an_assessor_reviews_but_may_not_sign_off(election: Election, alice: User) -> None:
    prepared(election)
    for document in redaction.documents_for_election(election):
        redaction.mark_checked(document, alice)
    redaction.decide_all_of_category(
        RedactedDocument.objects.filter(election=election),
        open_proposal(election).category,
        False,
        alice,
    )
    for proposal in Redaction.objects.filter(status=Status.PROPOSED):
        redaction.decide(proposal, True, alice)
    response = call(token_for(alice), "post", "/rapportages/TK2023/ondertekening", {})
    assert is_problem(response, 403)
    assert not FinalReport.objects.exists()


def test_an_intake_officer_reads_but_does_not_review(election: Election, carol: User) -> None:
    prepared(election)
    proposal = open_proposal(election)
    client = token_for(carol)
    document = call(client, "get", f"/rapportages/TK2023/documenten/{proposal.document_id}")
    assert document.status_code == 200
    assert document.json()["checked_by"] is None  # only a reviewer's look counts
    response = call(
        client, "patch", f"/rapportages/TK2023/voorstellen/{proposal.pk}", {"status": "accepted"}
    )
    assert is_problem(response, 403)
    assert is_problem(call(client, "post", "/rapportages/TK2023/voorbereiding"), 403)


def test_sign_off_with_open_proposals_is_a_conflict(election: Election, bob: User) -> None:
    prepared(election)
    open_proposal(election)
    response = call(token_for(bob), "post", "/rapportages/TK2023/ondertekening", {"note": "x"})
    assert is_problem(response, 409)
    documents = RedactedDocument.objects.filter(election=election).count()
    assert f"{documents} van {documents} documenten" in response.json()["detail"]
    assert not FinalReport.objects.exists()
    assert not AuditEvent.objects.filter(action="report_signed_off").exists()


def test_a_proposal_or_document_of_another_report_is_not_found(
    election: Election, alice: User
) -> None:
    other = Election.objects.get(code="PS2023")
    foreign = redaction.document_for(
        other, "notice.body", 999, "Bel Jan Jansen op 06-12345678.", "foreign"
    )
    proposal = foreign.redactions.first()
    assert proposal is not None
    client = token_for(alice)
    tk = "/rapportages/TK2023"
    assert is_problem(call(client, "get", f"{tk}/voorstellen/{proposal.pk}"), 404)
    patched = call(client, "patch", f"{tk}/voorstellen/{proposal.pk}", {"status": "rejected"})
    assert is_problem(patched, 404)
    assert is_problem(call(client, "get", f"{tk}/documenten/{foreign.pk}"), 404)
    added = call(
        client, "post", f"{tk}/documenten/{foreign.pk}/voorstellen", {"start": 0, "end": 3}
    )
    assert is_problem(added, 404)
    bulk = call(
        client,
        "post",
        f"{tk}/voorstellen/bulk",
        {"category": proposal.category, "status": "rejected", "document": foreign.pk},
    )
    assert is_problem(bulk, 422)
    for path in ("/voorstellen/abc", "/voorstellen/99999999999", "/documenten/-1"):
        assert is_problem(call(client, "get", f"{tk}{path}"), 404), path
    assert is_problem(call(client, "get", "/rapportages/NOPE2099"), 404)
    proposal.refresh_from_db()
    foreign.refresh_from_db()
    assert proposal.status == Status.PROPOSED and foreign.checked_at is None
    assert not foreign.redactions.filter(origin="reviewer").exists()


def test_a_format_not_offered_is_not_found(election: Election, alice: User, bob: User) -> None:
    review_all(election, alice)
    final = service.sign_off(election, bob)
    client = token_for(alice)
    for path in (
        f"/rapportages/TK2023/versies/{final.version}/csv",
        f"/rapportages/TK2023/versies/{final.version}/PDF",
        "/rapportages/TK2023/versies/2/pdf",
        "/rapportages/TK2023/versies/99999/pdf",
        "/rapportages/PS2023/versies/1/pdf",
    ):
        assert is_problem(call(client, "get", path), 404), path


def test_a_bulk_decision_for_an_unknown_kind_is_refused(election: Election, alice: User) -> None:
    prepared(election)
    before = Redaction.objects.filter(status=Status.PROPOSED).count()
    response = call(
        token_for(alice),
        "post",
        "/rapportages/TK2023/voorstellen/bulk",
        {"category": "shoe_size", "status": "accepted"},
    )
    assert is_problem(response, 400)
    assert response.json()["invalid_params"][0]["name"] == "category"
    assert Redaction.objects.filter(status=Status.PROPOSED).count() == before


def test_an_open_proposal_needs_a_decision_not_only_a_ground(
    election: Election, alice: User
) -> None:
    prepared(election)
    proposal = open_proposal(election)
    client = token_for(alice)
    path = f"/rapportages/TK2023/voorstellen/{proposal.pk}"
    assert is_problem(call(client, "patch", path, {"ground": "5.1.2c"}), 422)
    assert is_problem(call(client, "patch", path, {"ground": "9.9.9"}), 400)
    assert is_problem(call(client, "patch", path, {}), 400)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.ground) == (Status.PROPOSED, "5.1.2e")


def test_a_span_outside_the_text_or_over_a_redaction_is_refused(
    election: Election, alice: User
) -> None:
    prepared(election)
    proposal = open_proposal(election)
    client = token_for(alice)
    path = f"/rapportages/TK2023/documenten/{proposal.document_id}/voorstellen"
    length = len(proposal.document.text)
    assert is_problem(call(client, "post", path, {"start": length, "end": length + 5}), 422)
    overlap = {"start": proposal.start, "end": proposal.end}
    assert is_problem(call(client, "post", path, overlap), 422)
    assert is_problem(call(client, "post", path, {"start": 5, "end": 2}), 422)
    assert is_problem(call(client, "post", path, {"start": "a"}), 400)
    assert not Redaction.objects.filter(origin="reviewer").exists()


def test_a_changed_stored_file_is_never_sent(election: Election, alice: User, bob: User) -> None:
    review_all(election, alice)
    final = service.sign_off(election, bob)
    stored = service.reports_root() / final.files["md"]["path"]
    stored.chmod(0o644)
    stored.write_bytes(b"tampered")
    response = call(token_for(alice), "get", "/rapportages/TK2023/versies/1/md")
    assert is_problem(response, 500)
    assert b"tampered" not in response.content


def review_all(election: Election, reviewer: User) -> None:
    for document in prepared(election):
        redaction.mark_checked(document, reviewer)
    for proposal in Redaction.objects.filter(status=Status.PROPOSED):
        redaction.decide(proposal, True, reviewer)


# ----------------------------------------------------------------------- the path


def test_review_sign_off_and_download_over_the_api_alone(
    election: Election, alice: User, bob: User
) -> None:
    assessor, approver = token_for(alice), token_for(bob)
    tk = "/rapportages/TK2023"

    listing = call(assessor, "get", "/rapportages")
    assert listing.status_code == 200
    row = next(r for r in listing.json()["results"] if r["election"] == "TK2023")
    assert (row["state"], row["deployments"], row["latest_version"]) == ("not_prepared", 1, None)

    ready = call(assessor, "post", f"{tk}/voorbereiding")
    assert ready.status_code == 200, ready.content
    report = ready.json()
    assert report["state"] == "in_review" and report["review"]["documents"] > 0
    assert report["review"]["proposals"]["proposed"] > 0
    assert report["formats"] == list(service.FORMATS)
    assert AuditEvent.objects.filter(action="redactions_proposed").exists()

    refused = call(approver, "post", f"{tk}/ondertekening", {"note": "Too early."})
    assert is_problem(refused, 409)

    # Every document is read by a reviewer; that look is recorded, as on the review page.
    documents = call(assessor, "get", f"{tk}/documenten?pageSize=200").json()
    assert documents["count"] == report["review"]["documents"]
    proposals: list[dict[str, Any]] = []
    for row in documents["results"]:
        detail = call(assessor, "get", f"{tk}/documenten/{row['id']}")
        assert detail.status_code == 200
        assert detail.json()["checked_by"] == "alice"
        proposals += detail.json()["proposals"]
    assert AuditEvent.objects.filter(action="redaction_document_checked", actor=alice).exists()
    first = proposals[0]
    assert first["ground"] == "5.1.2e"
    assert first["ground_label"] == "5.1.2 e Persoonlijke levenssfeer"
    assert first["category_label"] and first["status"] == "proposed"
    assert first["text"] == detail_text(first)

    # One rejected, one accepted under another ground, one span added by hand.
    rejected = call(
        assessor, "patch", f"{tk}/voorstellen/{first['id']}", {"status": "rejected"}
    ).json()
    assert (rejected["status"], rejected["decided_by"]) == ("rejected", "alice")
    if len(proposals) > 1:
        changed = call(
            assessor,
            "patch",
            f"{tk}/voorstellen/{proposals[1]['id']}",
            {"status": "accepted", "ground": "5.1.2i"},
        ).json()
        assert (changed["status"], changed["ground"]) == ("accepted", "5.1.2i")
    document = RedactedDocument.objects.get(pk=first["document"])
    start, end = free_span(document)
    added = call(
        assessor,
        "post",
        f"{tk}/documenten/{document.pk}/voorstellen",
        {"start": start, "end": end},
    )
    assert added.status_code == 201, added.content
    assert added["Location"].endswith(f"{tk}/voorstellen/{added.json()['id']}")
    assert added.json()["origin"] == "reviewer" and added.json()["status"] == "accepted"
    assert assessor.get(added["Location"]).json()["id"] == added.json()["id"]

    # The rest, kind by kind, in bulk over the whole report.
    open_kinds = call(assessor, "get", tk).json()["open_by_category"]
    for kind in open_kinds:
        bulk = call(
            approver,
            "post",
            f"{tk}/voorstellen/bulk",
            {"category": kind["category"], "status": "accepted"},
        )
        assert bulk.status_code == 200 and bulk.json()["count"] == kind["open"]
    report = call(approver, "get", tk).json()
    assert report["state"] == "ready" and report["open_by_category"] == []
    assert report["review"]["proposals"]["proposed"] == 0

    signed = call(approver, "post", f"{tk}/ondertekening", {"note": "First."})
    assert signed.status_code == 201, signed.content
    assert signed["Location"].endswith(f"{tk}/versies/1")
    assert (signed.json()["version"], signed.json()["signed_off_by"]) == (1, "bob")
    assert AuditEvent.objects.filter(action="report_signed_off", actor=bob).exists()
    assert call(assessor, "get", tk).json()["state"] == "signed_off"

    versions = call(assessor, "get", f"{tk}/versies").json()["results"]
    assert [v["version"] for v in versions] == [1]
    files = versions[0]["files"]
    assert [f["format"] for f in files] == list(service.FORMATS)
    for entry in files:
        download = assessor.get(entry["url"], HTTP_ACCEPT="application/pdf")
        assert download.status_code == 200, entry["format"]
        data = download.content
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        assert download["Repr-Digest"] == f"sha-256=:{digest}:"
        assert download["Content-Disposition"] == (
            f'attachment; filename="TK2023-report-v1.{entry["format"]}"'
        )
        assert download["Content-Type"] == service.CONTENT_TYPES[entry["format"]]
        assert "no-store" in download["Cache-Control"] and download["API-Version"]
    pdf = assessor.get(f"/api/v1{tk}/versies/1/pdf").content
    assert pdf.startswith(b"%PDF")
    markdown = assessor.get(f"/api/v1{tk}/versies/1/md").content.decode()
    assert "[5.1.2e]" in markdown  # the spans accepted in bulk and the one added by hand
    if len(proposals) > 1:
        assert "[5.1.2i]" in markdown  # the ground changed over the API


def detail_text(proposal: dict[str, Any]) -> str:
    document = RedactedDocument.objects.get(pk=proposal["document"])
    return document.text[proposal["start"] : proposal["end"]]


def free_span(document: RedactedDocument) -> tuple[int, int]:
    """A word of the text no redaction touches."""
    taken = [(r.start, r.end) for r in document.redactions.all()]
    position = 0
    for word in document.text.split():
        start = document.text.index(word, position)
        end = start + len(word)
        position = end
        if len(word) > 3 and all(end <= s or start >= e for s, e in taken):
            return start, end
    raise AssertionError("no free word")
