# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.assessments import service
from flagdesk.assessments.models import Decision, DecisionStatus
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, make_user, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, CaseState

SEED_URL = "https://twitter.com/someone/status/1727300000000000000?s=20"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)

CHECKLIST_OK = {
    "election_process_risk": "yes",
    "election_process_risk_reasoning": "About how to vote.",
    "misleading": "yes",
    "misleading_reasoning": "Two boxes make the vote invalid.",
    "harms": ["invalid_vote"],
    "harms_reasoning": "Invalid vote.",
}


@pytest.fixture
def case(tk2023: Election, nos: PartnerOrganisation, carol: User) -> Case:
    result = intake.record_signal(
        intake.SignalInput(
            election=tk2023,
            source_type="media",
            category="misinformation",
            platform_name="x",
            content_urls=[SEED_URL],
            explanation="Tells GroenLinks/PvdA voters to colour two boxes.",
            received_via="email",
            source_organisation=nos,
            source_organisation_name="NOS",
            contact_name="Redactie",
            contact_email="redactie@nos.invalid",
            received_at=timezone.make_aware(dt.datetime(2023, 11, 22, 9, 30)),
            own_contact_attempts=1,
            own_contact_result="No answer from X yet.",
            attachments=[SimpleUploadedFile("post.png", PNG, content_type="image/png")],
        ),
        actor=carol,
    )
    assert result.case is not None
    return result.case


def url(name: str, case: Case) -> str:
    return reverse(name, kwargs={"reference": case.reference})


def actions(case: Case) -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def assessed(case: Case, user: User) -> Case:
    service.save_assessment(
        case, {"election_process_risk": True, "misleading": True, "harms": ["invalid_vote"]}, user
    )
    return Case.objects.get(pk=case.pk)


def proposed(case: Case, user: User, outcome: str = "deploy") -> Decision:
    return service.propose_decision(assessed(case, user), outcome, "Invalid votes.", user)


def test_it_shows_the_case_to_intake(case: Case, carol: User) -> None:
    response = in_english(verified_client(carol)).get(url("fd-case-detail", case))
    body = response.content.decode()
    assert response.status_code == 200
    assert case.reference in body
    assert "NOS" in body
    assert "redactie@nos.invalid" in body
    assert "No answer from X yet." in body
    assert "https://x.com/i/status/1727300000000000000" in body  # normalised
    assert SEED_URL.replace("&", "&amp;") in body
    assert 'id="checklist"' not in body
    assert 'id="decision-form"' not in body
    assert "Case opened" in body or "case_opened" in body


def test_it_requires_login(case: Case, client: Any) -> None:
    response = client.get(url("fd-case-detail", case))
    assert response.status_code == 302
    assert reverse("fd-login") in response["Location"]


def test_it_returns_404_for_unknown_case(alice: User, db: Any) -> None:
    response = verified_client(alice).get(reverse("fd-case-detail", args=["FD-1999-9999"]))
    assert response.status_code == 404


def test_it_forbids_partners_on_the_case_page(case: Case, nos: PartnerOrganisation) -> None:
    partner = make_user("nosbot", Role.PARTNER)
    response = verified_client(partner).get(url("fd-case-detail", case))
    assert response.status_code == 403


def test_it_shows_only_the_questions_of_the_category(case: Case, alice: User) -> None:
    body = verified_client(alice).get(url("fd-case-detail", case)).content.decode()
    assert 'name="misleading"' in body
    assert 'name="harms"' in body
    assert 'name="own_contact_attempts"' not in body
    assert "<legend>" in body
    assert 'aria-live="polite"' in body
    assert 'hx-post="' + url("fd-case-eligibility", case) in body


def test_it_saves_the_checklist(case: Case, alice: User) -> None:
    client = verified_client(alice)
    response = client.post(url("fd-case-assess", case), CHECKLIST_OK)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ASSESSING
    assert case.assessment.eligible is True
    assert case.assessment.harms == ["invalid_vote"]
    assert case.assessment.misleading_reasoning == "Two boxes make the vote invalid."
    assert "assessment_saved" in actions(case)
    page = client.get(url("fd-case-detail", case)).content.decode()
    assert 'data-eligible="true"' in page
    assert 'value="yes"' in page and "checked" in page


def test_it_keeps_unknown_answers_open(case: Case, alice: User) -> None:
    verified_client(alice).post(
        url("fd-case-assess", case), {"election_process_risk": "unknown", "misleading": "no"}
    )
    case.refresh_from_db()
    assert case.assessment.election_process_risk is None
    assert case.assessment.misleading is False
    assert case.assessment.harms is None


def test_it_stores_none_of_these_as_no_harm(case: Case, alice: User) -> None:
    verified_client(alice).post(url("fd-case-assess", case), {**CHECKLIST_OK, "harms": ["none"]})
    case.refresh_from_db()
    assert case.assessment.harms == []
    assert case.assessment.reasons == ["NO_ELECTORAL_HARM"]


def test_it_rejects_invalid_checklist_answers(case: Case, alice: User) -> None:
    response = in_english(verified_client(alice)).post(
        url("fd-case-assess", case),
        {**CHECKLIST_OK, "harms": ["none", "invalid_vote"], "misleading": "perhaps"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "cannot be combined" in body
    assert not hasattr(Case.objects.get(pk=case.pk), "assessment")


def test_it_rejects_the_checklist_while_awaiting_approval(case: Case, alice: User) -> None:
    proposed(case, alice)
    client = in_english(verified_client(alice))
    response = client.post(url("fd-case-assess", case), CHECKLIST_OK, follow=True)
    assert "The assessment is closed" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["fd-case-assess", "fd-case-decide", "fd-case-review", "fd-case-eligibility"]
)
def test_it_forbids_intake_to_assess_decide_or_approve(case: Case, carol: User, name: str) -> None:
    response = verified_client(carol).post(url(name, case), CHECKLIST_OK)
    assert response.status_code == 403


def test_it_forbids_approvers_to_assess_or_decide(case: Case, bob: User) -> None:
    client = verified_client(bob)
    assert client.post(url("fd-case-assess", case), CHECKLIST_OK).status_code == 403
    assert (
        client.post(
            url("fd-case-decide", case), {"outcome": "deploy", "justification": "x"}
        ).status_code
        == 403
    )


def test_it_evaluates_partial_answers_live(case: Case, alice: User) -> None:
    response = verified_client(alice).post(
        url("fd-case-eligibility", case),
        {"election_process_risk": "yes", "misleading": "no", "harms": ["invalid_vote"]},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-reason="NOT_MISLEADING"' in body
    assert "<html" not in body
    assert service.evaluate_case(case).eligible is False  # nothing was saved


def test_it_evaluates_incomplete_answers_live(case: Case, alice: User) -> None:
    response = verified_client(alice).post(
        url("fd-case-eligibility", case), {"election_process_risk": "yes"}
    )
    assert 'data-reason="ASSESSMENT_INCOMPLETE"' in response.content.decode()


def test_it_says_eligible_live(case: Case, alice: User) -> None:
    response = verified_client(alice).post(url("fd-case-eligibility", case), CHECKLIST_OK)
    assert 'data-eligible="true"' in response.content.decode()


def test_it_shows_reason_texts_in_the_users_language(case: Case, alice: User) -> None:
    client = verified_client(alice)
    client.cookies["django_language"] = "en"
    body = client.post(
        url("fd-case-eligibility", case), {"election_process_risk": "no"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "No risk to the organisation" in body
    client.cookies["django_language"] = "nl"
    body = client.post(
        url("fd-case-eligibility", case), {"election_process_risk": "no"}, HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "Geen risico voor de organisatie" in body


def test_it_proposes_a_decision(case: Case, alice: User) -> None:
    assessed(case, alice)
    client = verified_client(alice)
    page = client.get(url("fd-case-detail", case)).content.decode()
    assert 'id="decision-form"' in page
    assert 'id="override-field"' not in page  # eligible: no override needed
    response = client.post(
        url("fd-case-decide", case),
        {"outcome": "deploy", "justification": "Leads to invalid votes."},
    )
    assert response.status_code == 302
    decision = Decision.objects.get(case=case)
    assert decision.status == DecisionStatus.PROPOSED
    assert decision.decided_by == alice
    assert Case.objects.get(pk=case.pk).state == CaseState.AWAITING_APPROVAL
    assert "decision_proposed" in actions(case)


def test_it_requires_a_justification(case: Case, alice: User) -> None:
    assessed(case, alice)
    response = verified_client(alice).post(url("fd-case-decide", case), {"outcome": "deploy"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Decision.objects.exists()


def test_it_requires_an_override_justification(case: Case, alice: User) -> None:
    service.save_assessment(
        case, {"election_process_risk": True, "misleading": False, "harms": ["invalid_vote"]}, alice
    )
    client = in_english(verified_client(alice))
    page = client.get(url("fd-case-detail", case)).content.decode()
    assert 'id="override-field"' in page
    response = client.post(
        url("fd-case-decide", case), {"outcome": "deploy", "justification": "Deploy anyway."}
    )
    assert response.status_code == 400
    assert "override justification" in response.content.decode()
    response = client.post(
        url("fd-case-decide", case),
        {
            "outcome": "deploy",
            "justification": "Deploy anyway.",
            "override_justification": "The minister asked.",
        },
    )
    assert response.status_code == 302
    assert Decision.objects.get(case=case).is_override is True
    page = client.get(url("fd-case-detail", case)).content.decode()
    assert "Override: deploys against the rules" in page


def test_it_has_no_decision_form_before_the_checklist(case: Case, alice: User) -> None:
    page = verified_client(alice).get(url("fd-case-detail", case)).content.decode()
    assert 'id="decision-form"' not in page


def test_it_lets_another_approver_approve(case: Case, alice: User, bob: User) -> None:
    proposed(case, alice)
    client = verified_client(bob)
    page = client.get(url("fd-case-detail", case)).content.decode()
    assert 'id="review-form"' in page
    response = client.post(url("fd-case-review", case), {"verdict": "approve"})
    assert response.status_code == 302
    decision = Decision.objects.get(case=case)
    assert decision.status == DecisionStatus.APPROVED
    assert decision.reviewed_by == bob
    assert Case.objects.get(pk=case.pk).state == CaseState.DECIDED
    assert "decision_approved" in actions(case)
    page = client.get(url("fd-case-detail", case)).content.decode()
    assert 'id="final-decision"' in page
    assert "bob" in page
    assert 'data-state="decided"' in page


def test_it_sends_back_with_a_comment(case: Case, alice: User, bob: User) -> None:
    proposed(case, alice)
    client = in_english(verified_client(bob))
    response = client.post(url("fd-case-review", case), {"verdict": "send_back"})
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    response = client.post(
        url("fd-case-review", case),
        {"verdict": "send_back", "comment": "Check the date of the post."},
    )
    assert response.status_code == 302
    assert Decision.objects.get(case=case).status == DecisionStatus.REJECTED
    assert Case.objects.get(pk=case.pk).state == CaseState.ASSESSING
    assert "decision_rejected" in actions(case)
    page = verified_client(alice).get(url("fd-case-detail", case)).content.decode()
    assert "Check the date of the post." in page
    assert 'id="decision-form"' in page


def test_it_forbids_the_assessor_to_approve(case: Case, alice: User) -> None:
    proposed(case, alice)
    client = verified_client(alice)
    assert 'id="review-form"' not in client.get(url("fd-case-detail", case)).content.decode()
    response = client.post(url("fd-case-review", case), {"verdict": "approve"})
    assert response.status_code == 403
    assert Decision.objects.get(case=case).status == DecisionStatus.PROPOSED


def test_it_rejects_own_approval(case: Case) -> None:
    both = make_user("frank", Role.ASSESSOR, Role.APPROVER)
    proposed(case, both)
    client = in_english(verified_client(both))
    page = client.get(url("fd-case-detail", case)).content.decode()
    assert 'id="review-form"' not in page
    assert 'id="own-decision-note"' in page
    response = client.post(url("fd-case-review", case), {"verdict": "approve"})
    assert response.status_code == 400
    assert "You cannot approve your own decision." in response.content.decode()
    assert Decision.objects.get(case=case).status == DecisionStatus.PROPOSED
    assert "decision_approved" not in actions(case)


def test_it_shows_the_timeline_in_order(case: Case, alice: User, bob: User) -> None:
    decision = proposed(case, alice)
    service.review_decision(decision, True, bob)
    page = in_english(verified_client(bob)).get(url("fd-case-detail", case)).content.decode()
    timeline = page[page.index('class="timeline"') :]
    order = [
        timeline.index(text)
        for text in ("Signal recorded", "Checklist saved", "Decision proposed", "Decision approved")
    ]
    assert order == sorted(order)


def test_it_downloads_attachments_as_files(case: Case, carol: User) -> None:
    attachment = case.signals.get().attachments.get()
    client = verified_client(carol)
    response = client.get(reverse("fd-attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "post.png" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]


def test_it_forbids_attachments_to_partners(case: Case, nos: PartnerOrganisation) -> None:
    attachment = case.signals.get().attachments.get()
    partner = make_user("nosbot", Role.PARTNER)
    response = verified_client(partner).get(reverse("fd-attachment-download", args=[attachment.pk]))
    assert response.status_code == 403


# issue 15: the signaller's own contact attempts are the checklist's starting value


def test_the_checklist_starts_from_the_signals_own_contact_attempts(
    tk2023: Election, nos: PartnerOrganisation, carol: User, alice: User
) -> None:
    result = intake.record_signal(
        intake.SignalInput(
            election=tk2023,
            source_type="media",
            category="hacked_channel",
            platform_name="x",
            content_urls=[SEED_URL],
            explanation="The party's account was taken over.",
            received_via="email",
            source_organisation=nos,
            source_organisation_name="NOS",
            own_contact_attempts=3,
        ),
        actor=carol,
    )
    assert result.case is not None
    body = verified_client(alice).get(url("fd-case-detail", result.case)).content.decode()
    field = re.search(r'<input type="number" name="own_contact_attempts"[^>]*>', body)
    assert field and 'value="3"' in field.group(0)


def test_a_saved_answer_wins_over_the_signals_count(case: Case, alice: User) -> None:
    Case.objects.filter(pk=case.pk).update(category="hacked_channel")
    service.save_assessment(case, {"own_contact_attempts": 2}, alice)
    body = verified_client(alice).get(url("fd-case-detail", case)).content.decode()
    field = re.search(r'<input type="number" name="own_contact_attempts"[^>]*>', body)
    assert field and 'value="2"' in field.group(0)
