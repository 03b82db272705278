# SPDX-License-Identifier: EUPL-1.2
"""The legal basis in the decision: chosen by the assessor (form, API), refused with the
rule's reasons, stored, audited, shown to the approver; old decisions become escalations."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.assessments import service
from flagdesk.assessments.models import Decision
from flagdesk.assessments.tests.test_api_cases import ANSWERS, send, token_for
from flagdesk.assessments.tests.test_views_case import assessed, url
from flagdesk.assessments.tests.test_views_case import case as case  # the fixture
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.intake.models import Case
from flagdesk.rules.legal_basis import Basis, BasisReason, LegalBasis

ILLEGAL = LegalBasis(
    Basis.ILLEGAL_CONTENT,
    provisions=("sr_127",),
    other_provision="artikel Z 4 Kieswet",
    content_type="civic_discourse_or_elections",
)
FORM_ILLEGAL = {
    "outcome": "deploy",
    "justification": "Leads to invalid votes.",
    "legal_basis": "illegal_content",
    "provisions": ["sr_127"],
    "illegal_content_type": "civic_discourse_or_elections",
}


def _event(action: str) -> dict[str, Any]:
    event = AuditEvent.objects.filter(action=action).order_by("-seq").first()
    assert event is not None
    return dict(event.after or {})


# --- service ------------------------------------------------------------------------------


def test_it_stores_and_audits_the_basis(case: Case, alice: User, bob: User) -> None:
    decision = service.propose_decision(
        assessed(case, alice), "deploy", "Invalid votes.", alice, legal_basis=ILLEGAL
    )
    assert (decision.legal_basis, decision.provisions, decision.illegal_content_type) == (
        "illegal_content",
        ["sr_127"],
        "civic_discourse_or_elections",
    )
    assert decision.other_provision == "artikel Z 4 Kieswet"
    proposed = _event("decision_proposed")
    assert proposed["legal_basis"] == "illegal_content"
    assert proposed["provisions"] == ["sr_127"]
    assert proposed["illegal_content_type"] == "civic_discourse_or_elections"
    service.review_decision(decision, True, bob)
    assert _event("decision_approved")["legal_basis"] == "illegal_content"


def test_a_deploy_decision_without_a_basis_is_an_escalation(case: Case, alice: User) -> None:
    decision = service.propose_decision(assessed(case, alice), "deploy", "Invalid votes.", alice)
    assert decision.legal_basis == "terms_escalation" and decision.provisions == []


@pytest.mark.parametrize("outcome", ["no_deploy", "refer"])
def test_other_outcomes_keep_no_basis(case: Case, alice: User, outcome: str) -> None:
    decision = service.propose_decision(assessed(case, alice), outcome, "Not ours.", alice)
    assert decision.legal_basis == ""


def test_it_refuses_illegal_content_without_a_provision(case: Case, alice: User) -> None:
    basis = LegalBasis(Basis.ILLEGAL_CONTENT, content_type="scams_and_fraud")
    with pytest.raises(service.BasisError) as refused:
        service.propose_decision(
            assessed(case, alice), "deploy", "Invalid votes.", alice, legal_basis=basis
        )
    assert refused.value.reasons == (BasisReason.PROVISION_REQUIRED,)
    assert not Decision.objects.exists()
    assert Case.objects.get(pk=case.pk).state == "assessing"


def test_it_refuses_a_basis_for_a_decision_not_to_deploy(case: Case, alice: User) -> None:
    with pytest.raises(service.BasisError):
        service.propose_decision(
            assessed(case, alice), "no_deploy", "Not ours.", alice, legal_basis=ILLEGAL
        )


# --- the form on the case page --------------------------------------------------------------


def test_the_assessor_chooses_illegal_content(case: Case, alice: User) -> None:
    assessed(case, alice)
    response = verified_client(alice).post(url("fd-case-decide", case), FORM_ILLEGAL)
    assert response.status_code == 302, response.content.decode()[:2000]
    decision = Decision.objects.get()
    assert decision.legal_basis == "illegal_content" and decision.provisions == ["sr_127"]


def test_the_form_says_what_is_missing(case: Case, alice: User) -> None:
    assessed(case, alice)
    data = {**FORM_ILLEGAL, "provisions": [], "illegal_content_type": ""}
    response = in_english(verified_client(alice)).post(url("fd-case-decide", case), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "A notice of illegal content names at least one provision." in body
    assert "A notice of illegal content names the type of alleged illegal content." in body
    assert not Decision.objects.exists()


def test_the_form_speaks_dutch_by_default(case: Case, alice: User) -> None:
    assessed(case, alice)
    page = verified_client(alice).get(url("fd-case-detail", case)).content.decode()
    assert "artikel 127 Wetboek van Strafrecht" in page
    assert 'data-show-when="outcome=deploy"' in page
    assert 'value="terms_escalation" checked' in page.replace('"\n', '" ').replace("  ", " ") or (
        "checked" in page.split('value="terms_escalation"')[1][:40]
    )
    data = {**FORM_ILLEGAL, "provisions": []}
    body = verified_client(alice).post(url("fd-case-decide", case), data).content.decode()
    assert "Een melding van illegale inhoud noemt minstens één wettelijke bepaling." in body


def test_an_escalation_drops_provisions_ticked_before_switching(case: Case, alice: User) -> None:
    assessed(case, alice)
    data = {**FORM_ILLEGAL, "legal_basis": "terms_escalation", "other_provision": "art. 1"}
    response = verified_client(alice).post(url("fd-case-decide", case), data)
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.legal_basis == "terms_escalation"
    assert (decision.provisions, decision.other_provision, decision.illegal_content_type) == (
        [],
        "",
        "",
    )


def test_a_decision_not_to_deploy_ignores_the_hidden_basis_fields(case: Case, alice: User) -> None:
    assessed(case, alice)
    data = {**FORM_ILLEGAL, "outcome": "no_deploy"}
    assert verified_client(alice).post(url("fd-case-decide", case), data).status_code == 302
    assert Decision.objects.get().legal_basis == ""


def test_the_approver_sees_the_basis_before_approving(case: Case, alice: User, bob: User) -> None:
    service.propose_decision(
        assessed(case, alice), "deploy", "Invalid votes.", alice, legal_basis=ILLEGAL
    )
    page = in_english(verified_client(bob)).get(url("fd-case-detail", case)).content.decode()
    assert 'id="review-form"' in page or "Approve decision" in page
    assert "Notice of illegal content (DSA Art. 16)" in page
    assert "Article 127 of the Dutch Criminal Code" in page
    assert "artikel Z 4 Kieswet" in page
    assert "negative effects on civic discourse or elections" in page


def test_the_case_page_says_an_escalation_is_no_illegality_claim(
    case: Case, alice: User, bob: User
) -> None:
    service.propose_decision(assessed(case, alice), "deploy", "Invalid votes.", alice)
    page = verified_client(bob).get(url("fd-case-detail", case)).content.decode()
    assert "Escalatie van een mogelijke schending van de voorwaarden" in page
    assert "Geen melding van illegale inhoud" in page


# --- the upgrade ----------------------------------------------------------------------------


def test_the_migration_makes_earlier_deploy_decisions_escalations(case: Case, alice: User) -> None:
    decision = service.propose_decision(assessed(case, alice), "deploy", "Invalid votes.", alice)
    Decision.objects.filter(pk=decision.pk).update(legal_basis="")  # as before the upgrade
    migration = importlib.import_module("flagdesk.assessments.migrations.0005_decision_legal_basis")
    migration.fill(apps, None)
    assert Decision.objects.get(pk=decision.pk).legal_basis == "terms_escalation"


def test_the_migration_gives_other_outcomes_no_basis(case: Case, alice: User) -> None:
    decision = service.propose_decision(assessed(case, alice), "refer", "Elsewhere.", alice)
    migration = importlib.import_module("flagdesk.assessments.migrations.0005_decision_legal_basis")
    migration.fill(apps, None)
    assert Decision.objects.get(pk=decision.pk).legal_basis == ""


# --- the API ----------------------------------------------------------------------------------


@pytest.fixture
def api_case(nos: PartnerOrganisation, case: Case, alice: User) -> Case:
    send(token_for(alice), "put", f"/zaken/{case.reference}/beoordeling", ANSWERS)
    return case


def _decide(client: Client, case: Case, **body: Any) -> Any:
    payload = {"outcome": "deploy", "justification": "Invalid votes.", **body}
    return send(client, "post", f"/zaken/{case.reference}/besluiten", payload)


def test_the_api_takes_and_returns_the_basis(api_case: Case, alice: User) -> None:
    response = _decide(
        token_for(alice),
        api_case,
        legal_basis="illegal_content",
        provisions=["sr_127", "sr_125"],
        illegal_content_type="civic_discourse_or_elections",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["legal_basis"] == "illegal_content"
    assert body["provisions"] == ["sr_125", "sr_127"]  # the list's order
    assert body["illegal_content_type"] == "civic_discourse_or_elections"
    detail = send(token_for(alice), "get", f"/zaken/{api_case.reference}").json()
    assert detail["decisions"][0]["legal_basis"] == "illegal_content"


def test_the_api_defaults_to_an_escalation(api_case: Case, alice: User) -> None:
    response = _decide(token_for(alice), api_case)
    assert response.status_code == 201
    assert response.json()["legal_basis"] == "terms_escalation"


def test_the_api_names_the_rules_reason(api_case: Case, alice: User) -> None:
    response = _decide(
        token_for(alice), api_case, legal_basis="illegal_content", provisions=["sr_127"]
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    [param] = response.json()["invalid_params"]
    assert param["name"] == "legal_basis"
    assert param["reason"].startswith("CONTENT_TYPE_REQUIRED")
    assert not Decision.objects.exists()


def test_the_api_refuses_unknown_provisions(api_case: Case, alice: User) -> None:
    response = _decide(
        token_for(alice),
        api_case,
        legal_basis="illegal_content",
        provisions=["sr_9999"],
        illegal_content_type="scams_and_fraud",
    )
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"].startswith("provisions")


def test_the_api_refuses_a_basis_with_a_decision_not_to_deploy(api_case: Case, alice: User) -> None:
    response = _decide(
        token_for(alice), api_case, outcome="no_deploy", legal_basis="terms_escalation"
    )
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["reason"].startswith("BASIS_WITHOUT_DEPLOY")
