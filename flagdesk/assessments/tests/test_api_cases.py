# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/zaken, /besluiten, /geschiktheid: the seed path, the RBAC matrix, problem+json."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.assessments.models import Decision
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import verified_client
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case

SEED_URL = "https://x.com/someone/status/1727300000000000000"
ANSWERS = {
    "election_process_risk": True,
    "election_process_risk_reasoning": "Concerns how to fill in the ballot.",
    "misleading": True,
    "misleading_reasoning": "Two boxes make the vote invalid.",
    "harms": ["invalid_vote"],
    "harms_reasoning": "Voters following it vote invalidly.",
}


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def token_for(user: User) -> Client:
    return bearer(accounts.issue_token(name="test", user=user)[1])


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json")


@pytest.fixture
def case(nos_token: str, open_election: Election) -> Case:
    response = send(
        bearer(nos_token),
        "post",
        "/signalen",
        {
            "election": "TK2023",
            "category": "misinformation",
            "platform": "x",
            "content_urls": [SEED_URL],
            "explanation": "Colour two boxes.",
            "contact_name": "Redactie",
            "contact_email": "redactie@nos.example",
        },
    )
    assert response.status_code == 201
    return Case.objects.get()


def test_seed_path_through_the_api(case: Case, alice: User, bob: User) -> None:
    assessor, approver = token_for(alice), token_for(bob)
    assessed = send(assessor, "put", f"/zaken/{case.reference}/beoordeling", ANSWERS)
    assert assessed.status_code == 200, assessed.content
    assert assessed.json()["eligible"] is True
    assert assessed.json()["reasons"] == []
    assert assessed.json()["rules_version"]
    decided = send(
        assessor,
        "post",
        f"/zaken/{case.reference}/besluiten",
        {"outcome": "deploy", "justification": "Invalid-vote instruction."},
    )
    assert decided.status_code == 201, decided.content
    decision_id = decided.json()["id"]
    assert decided.json()["status"] == "proposed"
    approved = send(
        approver, "post", f"/besluiten/{decision_id}/goedkeuring", {"approve": True, "comment": ""}
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["reviewed_by"] == "bob"
    detail = send(assessor, "get", f"/zaken/{case.reference}")
    assert detail.json()["state"] == "decided"
    assert detail.json()["assessment"]["eligible"] is True
    timeline = send(approver, "get", f"/zaken/{case.reference}/tijdlijn").json()
    actions = [event["action"] for event in timeline]
    for action in (
        "signal_recorded",
        "case_opened",
        "assessment_saved",
        "decision_proposed",
        "decision_approved",
    ):
        assert action in actions
    assert AuditEvent.objects.filter(action="decision_approved").count() == 1


def test_it_rejects_own_approval_with_409(case: Case) -> None:
    from flagdesk.accounts.constants import Role
    from flagdesk.conftest import make_user

    both = make_user("frank", Role.ASSESSOR, Role.APPROVER)
    client = token_for(both)
    send(client, "put", f"/zaken/{case.reference}/beoordeling", ANSWERS)
    decision = send(
        client,
        "post",
        f"/zaken/{case.reference}/besluiten",
        {"outcome": "deploy", "justification": "Invalid vote."},
    ).json()
    response = send(client, "post", f"/besluiten/{decision['id']}/goedkeuring", {"approve": True})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 409 and response.json()["detail"]
    assert response["API-Version"]
    assert Decision.objects.get().status == "proposed"


def test_deciding_twice_is_a_conflict(case: Case, alice: User) -> None:
    client = token_for(alice)
    send(client, "put", f"/zaken/{case.reference}/beoordeling", ANSWERS)
    body = {"outcome": "no_deploy", "justification": "Not needed."}
    assert send(client, "post", f"/zaken/{case.reference}/besluiten", body).status_code == 201
    again = send(client, "post", f"/zaken/{case.reference}/besluiten", body)
    assert again.status_code == 409


def test_deciding_before_assessing_is_a_conflict(case: Case, alice: User) -> None:
    response = send(
        token_for(alice),
        "post",
        f"/zaken/{case.reference}/besluiten",
        {"outcome": "deploy", "justification": "x"},
    )
    assert response.status_code == 409


def test_invalid_assessment_is_400(case: Case, alice: User) -> None:
    response = send(
        token_for(alice),
        "put",
        f"/zaken/{case.reference}/beoordeling",
        {"harms": ["nonsense"], "own_contact_attempts": -1},
    )
    assert response.status_code == 400
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert "own_contact_attempts" in names
    assert any(name.startswith("harms") for name in names)


def test_unknown_case_is_404_problem(alice: User, open_election: Election) -> None:
    response = send(token_for(alice), "get", "/zaken/FD-2023-9999")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_case_list_filters_and_pages(case: Case, carol: User) -> None:
    client = token_for(carol)
    assert send(client, "get", "/zaken").json()["count"] == 1
    assert (
        send(
            client, "get", "/zaken?state=new&platform=x&category=misinformation&election=TK2023"
        ).json()["count"]
        == 1
    )
    assert send(client, "get", "/zaken?state=decided").json()["count"] == 0
    assert (
        send(client, "get", "/zaken?page=1&pageSize=1").json()["results"][0]["reference"]
        == case.reference
    )
    assert send(client, "get", "/zaken?state=bogus").status_code == 400


def _matrix_request(name: str, case: Case, decision: Decision) -> tuple[str, str, Any]:
    ref = case.reference
    return {
        "verkiezingen": ("get", "/verkiezingen", None),
        "platforms": ("get", "/platforms", None),
        "signalen": ("get", "/signalen", None),
        "geschiktheid": (
            "post",
            "/geschiktheid",
            {
                "signal": {
                    "source_type": "media",
                    "category": "misinformation",
                    "platform": "x",
                    "content_urls": [SEED_URL],
                }
            },
        ),
        "zaken": ("get", "/zaken", None),
        "zaak": ("get", f"/zaken/{ref}", None),
        "tijdlijn": ("get", f"/zaken/{ref}/tijdlijn", None),
        "beoordeling": ("put", f"/zaken/{ref}/beoordeling", ANSWERS),
        "besluiten": (
            "post",
            f"/zaken/{ref}/besluiten",
            {"outcome": "deploy", "justification": "x"},
        ),
        "goedkeuring": ("post", f"/besluiten/{decision.pk}/goedkeuring", {"approve": False}),
    }[name]


# Expected status per endpoint and role. 409 means "allowed, but the workflow says no":
# the role check passed. alice proposed the decision in the fixture below.
MATRIX = {
    #               partner carol alice bob  dave  anonymous
    "verkiezingen": (200, 200, 200, 200, 200, 401),
    "platforms": (200, 200, 200, 200, 200, 401),
    "signalen": (200, 200, 200, 200, 200, 401),
    "geschiktheid": (200, 200, 200, 200, 200, 401),
    "zaken": (403, 200, 200, 200, 200, 401),
    "zaak": (403, 200, 200, 200, 200, 401),
    "tijdlijn": (403, 200, 200, 200, 200, 401),
    "beoordeling": (403, 403, 409, 403, 403, 401),
    "besluiten": (403, 403, 409, 403, 403, 401),
    "goedkeuring": (403, 403, 403, 409, 403, 401),
}
ROLES = ("partner", "carol", "alice", "bob", "dave", "anonymous")


@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_rbac_matrix(
    endpoint: str, case: Case, nos_token: str, alice: User, bob: User, carol: User, dave: User
) -> None:
    alice_client = token_for(alice)
    send(alice_client, "put", f"/zaken/{case.reference}/beoordeling", ANSWERS)
    send(
        alice_client,
        "post",
        f"/zaken/{case.reference}/besluiten",
        {"outcome": "deploy", "justification": "Invalid vote."},
    )
    decision = Decision.objects.get()
    clients = {
        "partner": bearer(nos_token),
        "carol": verified_client(carol),
        "alice": alice_client,
        "bob": verified_client(bob),
        "dave": verified_client(dave),
        "anonymous": Client(),
    }
    method, path, body = _matrix_request(endpoint, case, decision)
    for role, expected in zip(ROLES, MATRIX[endpoint], strict=True):
        response = send(clients[role], method, path, body)
        assert response.status_code == expected, (role, response.content)
        assert response["API-Version"]
        if expected >= 400:
            assert response["Content-Type"] == "application/problem+json"
            assert {"status", "title", "detail"} <= set(response.json())


def test_eligibility_endpoint_matches_the_cli_contract(
    nos_token: str, open_election: Election
) -> None:
    body = {
        "signal": {
            "source_type": "citizen",
            "category": "misinformation",
            "platform": "x",
            "content_urls": [SEED_URL],
        }
    }
    data = send(bearer(nos_token), "post", "/geschiktheid", body).json()
    assert set(data) == {"eligible", "reasons", "referral"}
    assert data["eligible"] is False
    assert "SOURCE_NOT_ACCEPTED" in data["reasons"]
    bad = send(bearer(nos_token), "post", "/geschiktheid", {"signal": {"category": "x"}})
    assert bad.status_code == 400
    assert bad.json()["detail"].startswith("'signal.")


def test_partner_of_another_org_cannot_reach_cases(
    case: Case, gemeente: PartnerOrganisation
) -> None:
    client = bearer(accounts.issue_token(name="t", organisation=gemeente)[1])
    assert send(client, "get", f"/zaken/{case.reference}").status_code == 403
    assert send(client, "get", "/signalen").json()["count"] == 0


def test_the_case_list_searches_and_filters_by_owner_as_the_ui_does(
    case: Case, alice: User
) -> None:
    from flagdesk.intake import service as intake

    client = token_for(alice)
    other_form = "https://mobile.twitter.com/someone/status/1727300000000000000?s=20"
    found = client.get("/api/v1/zaken", {"search": other_form}).json()["results"]
    assert [c["reference"] for c in found] == [case.reference]
    assert client.get("/api/v1/zaken", {"search": "nothing-like-it"}).json()["results"] == []
    assert client.get("/api/v1/zaken", {"owner": "me"}).json()["results"] == []
    intake.take_case(case, alice, None)
    mine = client.get("/api/v1/zaken", {"owner": "me"}).json()["results"]
    assert [c["reference"] for c in mine] == [case.reference]
    assert client.get("/api/v1/zaken", {"owner": "none"}).json()["results"] == []
    assert client.get("/api/v1/zaken", {"owner": str(alice.pk)}).json()["results"] == mine


@pytest.mark.parametrize("owner", ["someone", "-1", "0", "1 OR 1=1", "9" * 30])
def test_a_forged_owner_filter_is_400(case: Case, alice: User, owner: str) -> None:
    response = token_for(alice).get("/api/v1/zaken", {"owner": owner})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
