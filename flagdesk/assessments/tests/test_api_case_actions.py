# SPDX-License-Identifier: EUPL-1.2
"""Issue 16: the case actions over the API (owner, withdraw, reassign), the decision's
Location, the case answer's owner and clocks, and the answer's language. Attacks first."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.assessments import service
from flagdesk.assessments.models import Decision, DecisionStatus
from flagdesk.assessments.tests.test_service_workflow import ELIGIBLE, new_case
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import verified_client
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, CaseState


def send(client: Client, path: str, body: Any = None, **headers: str) -> Any:
    return client.post(f"/api/v1{path}", body, content_type="application/json", **headers)


@pytest.fixture
def assessed(tk2023: Election, alice: User) -> Case:
    case = new_case(tk2023)
    service.save_assessment(case, ELIGIBLE, alice)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def proposed(assessed: Case, alice: User) -> Decision:
    return service.propose_decision(assessed, "no_deploy", "Niet nodig.", alice)


def owner_of(case: Case) -> int | None:
    return Case.objects.get(pk=case.pk).owner_id


# ------------------------------------------------------------------ attacks: owners


def test_assigning_to_a_partner_or_non_staff_or_forged_id_is_400(
    assessed: Case, bob: User, carol: User, nos: PartnerOrganisation
) -> None:
    partner_account = accounts.issue_token(name="p", organisation=nos)[0].user
    for wanted in (partner_account.pk, carol.pk, 999_999, None):  # partner, intake, forged
        response = send(
            verified_client(bob),
            f"/zaken/{assessed.reference}/eigenaar",
            {"action": "assign", "user": wanted},
        )
        assert response.status_code == 400, (wanted, response.content)
        assert response.json()["invalid_params"][0]["name"] == "user"
    assert owner_of(assessed) is None
    assert not AuditEvent.objects.filter(action="case_assigned").exists()


def test_taking_with_a_stale_seen_owner_is_409_naming_who(
    assessed: Case, alice: User, erin: User
) -> None:
    intake.take_case(assessed, erin, None)
    response = send(
        verified_client(alice),
        f"/zaken/{assessed.reference}/eigenaar",
        {"action": "take", "seen_owner": None},
    )
    assert response.status_code == 409
    assert "erin" in response.json()["detail"]
    assert owner_of(assessed) == erin.pk
    # With the owner seen, taking over works.
    response = send(
        verified_client(alice),
        f"/zaken/{assessed.reference}/eigenaar",
        {"action": "take", "seen_owner": erin.pk},
    )
    assert response.status_code == 200, response.content
    assert response.json()["owner"] == "alice" and response.json()["owner_id"] == alice.pk


def test_an_assessor_cannot_assign_or_release_someone_elses(
    assessed: Case, alice: User, erin: User
) -> None:
    intake.take_case(assessed, erin, None)
    path = f"/zaken/{assessed.reference}/eigenaar"
    assert (
        send(verified_client(alice), path, {"action": "assign", "user": alice.pk}).status_code
        == 403
    )
    assert send(verified_client(alice), path, {"action": "release"}).status_code == 403
    assert owner_of(assessed) == erin.pk


def test_intake_officers_and_partners_cannot_touch_owners(
    assessed: Case, carol: User, nos_token: str
) -> None:
    path = f"/zaken/{assessed.reference}/eigenaar"
    assert send(verified_client(carol), path, {"action": "take"}).status_code == 403
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    assert send(partner, path, {"action": "take"}).status_code == 403


def test_an_approver_assigns_and_releases_with_audit(assessed: Case, bob: User, erin: User) -> None:
    path = f"/zaken/{assessed.reference}/eigenaar"
    response = send(verified_client(bob), path, {"action": "assign", "user": erin.pk})
    assert response.status_code == 200, response.content
    assert owner_of(assessed) == erin.pk
    assert send(verified_client(bob), path, {"action": "release"}).json()["owner"] is None
    actions = list(
        AuditEvent.objects.filter(object_type="intake.case").values_list("action", flat=True)
    )
    assert actions[-2:] == ["case_assigned", "case_released"]


# ------------------------------------------------------------ attacks: decisions


def test_withdrawing_someone_elses_decision_is_refused(
    proposed: Decision, erin: User, bob: User
) -> None:
    assert send(verified_client(erin), f"/besluiten/{proposed.pk}/intrekking").status_code == 409
    assert send(verified_client(bob), f"/besluiten/{proposed.pk}/intrekking").status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == DecisionStatus.PROPOSED


def test_the_proposer_withdraws_and_the_case_opens_again(proposed: Decision, alice: User) -> None:
    response = send(verified_client(alice), f"/besluiten/{proposed.pk}/intrekking")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    assert Case.objects.get(pk=proposed.case_id).state == CaseState.ASSESSING
    assert AuditEvent.objects.filter(action="decision_withdrawn").count() == 1
    # Twice: nothing left to withdraw.
    assert send(verified_client(alice), f"/besluiten/{proposed.pk}/intrekking").status_code == 409


def test_reassign_is_for_administrators_and_known_staff_only(
    proposed: Decision, dave: User, bob: User, erin: User, carol: User
) -> None:
    path = f"/besluiten/{proposed.pk}/toewijzing"
    assert send(verified_client(bob), path, {"proposer": erin.pk}).status_code == 403
    for forged in ({"proposer": carol.pk}, {"proposer": 999_999}, {"reviewer": erin.pk}):
        assert send(verified_client(dave), path, forged).status_code == 400, forged
    assert send(verified_client(dave), path, {}).status_code == 409  # nobody named
    response = send(verified_client(dave), path, {"proposer": erin.pk, "reviewer": bob.pk})
    assert response.status_code == 200, response.content
    assert response.json()["decided_by"] == "erin" and response.json()["review_by"] == "bob"


def test_send_back_is_the_review_with_approve_false(proposed: Decision, bob: User) -> None:
    path = f"/besluiten/{proposed.pk}/goedkeuring"
    assert send(verified_client(bob), path, {"approve": False}).status_code == 409  # a reason
    response = send(verified_client(bob), path, {"approve": False, "comment": "Bron ontbreekt."})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"


# ------------------------------------------------------- Location, owner and clocks


def test_a_proposed_decision_answers_201_with_its_location(assessed: Case, alice: User) -> None:
    response = send(
        verified_client(alice),
        f"/zaken/{assessed.reference}/besluiten",
        {"outcome": "no_deploy", "justification": "Niet nodig."},
    )
    assert response.status_code == 201, response.content
    location = response["Location"]
    assert location == f"http://testserver/api/v1/besluiten/{response.json()['id']}"
    assert verified_client(alice).get(location).json()["status"] == "proposed"


def test_the_case_answer_has_the_owner_and_its_clocks(proposed: Decision, alice: User) -> None:
    data = verified_client(alice).get(f"/api/v1/zaken/{proposed.case.reference}").json()
    assert data["owner_id"] == Case.objects.get(pk=proposed.case_id).owner_id
    assert [c["stage"] for c in data["clocks"]] == ["approval"]
    clock = data["clocks"][0]
    assert clock["state"] in {"ok", "due_soon", "overdue"}
    assert clock["threshold_minutes"] > 0 and clock["since"] and clock["notice"] is None


# ------------------------------------------------------------------ one language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("", "nl"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("xx", "nl"),
        ("de, en;q=0.5, nl;q=0.4", "en"),
        ("en;q=0, nl;q=0.1", "nl"),
        ("en\r\nSet-Cookie: a=b", "nl"),
        ("en<script>", "nl"),
        ("e" * 5000, "nl"),
    ],
)
def test_the_answer_language_is_negotiated(
    assessed: Case, bob: User, header: str, language: str
) -> None:
    response = send(
        verified_client(bob),
        f"/zaken/{assessed.reference}/eigenaar",
        {"action": "assign", "user": 999_999},
        HTTP_ACCEPT_LANGUAGE=header,
    )
    assert response.status_code == 400
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]
    body = response.json()
    dutch = {"title": "Ongeldige invoer", "reason": "Geen beoordelaar of goedkeurder"}
    english = {"title": "Invalid input", "reason": "Not an assessor or approver"}
    expected = dutch if language == "nl" else english
    assert body["title"] == expected["title"]
    assert body["invalid_params"][0]["reason"].startswith(expected["reason"])
    assert body["detail"] == body["invalid_params"][0]["reason"]


@pytest.mark.parametrize(("header", "title"), [("en", "Not Found"), ("nl", "Niet gevonden")])
def test_a_404_title_is_in_the_negotiated_language(bob: User, header: str, title: str) -> None:
    response = verified_client(bob).get("/api/v1/zaken/FD-0000-9999", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 404
    assert response.json()["title"] == title
    assert response["Content-Language"] == header


def test_a_refused_signal_speaks_english_when_asked(
    nos_token: str, open_election: Election
) -> None:
    body = {
        "category": "misinformation",
        "platform": "myspace",
        "content_urls": ["https://myspace.com/a/1"],
        "explanation": "Colour two boxes.",
    }
    client = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    response = send(client, "/signalen", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["title"] == "Refused at intake"
    assert response.json()["detail"].startswith("The platform has no active")
    response = send(client, "/signalen", body)
    assert response.json()["title"] == "Geweigerd bij de intake"
    assert response.json()["detail"].startswith("Er is bij dit platform")
