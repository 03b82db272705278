# SPDX-License-Identifier: EUPL-1.2
"""A notice per kind of case, end to end: the facts the assessor enters, the text the platform
receives (through a real SMTP server), and no Dutch in an English notice."""

from __future__ import annotations

import email
from email import policy
from typing import Any

import pytest

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case
from flagdesk.notices import dispatch, service
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import ELIGIBLE, PLATFORM_ADDRESS, approved_case
from flagdesk.platforms.models import Platform
from flagdesk.rules.language import dutch_paragraphs
from tests_support.smtp import SmtpServer

HACKED_URL = "https://x.com/gemeentevoorbeeld"
# The seed's co-government case, as the municipality reported it (in Dutch).
HACKED_EXPLANATION = (
    "Het officiële X-account van de gemeente Voorbeeld is gehackt. De gemeente kan er niet meer "
    "in en er worden berichten geplaatst die niet van de gemeente zijn."
)
HACKED_FACTS = {
    "account_name": "@gemeentevoorbeeld (Gemeente Voorbeeld)",
    "account_id": "1453029876543210",
    "incident": "The municipality's official account was taken over: the intruder changed the "
    "password and the recovery e-mail address and posts messages in the municipality's name.",
    "incident_since": "21 November 2023, 22:15",
    "intruder_posts": "Posts saying that voting by app is possible this year.",
    "co_government_contact": "Communications department, Gemeente Voorbeeld, "
    "communicatie@voorbeeld.example",
}
HACKED_ASSESSMENT = {
    "election_process_risk": True,
    "election_process_risk_reasoning": "The municipality informs its voters through it.",
    "own_contact_attempts": 3,
    "own_means_exhausted": True,
    "kind_facts": HACKED_FACTS,
}


def hacked_case(election: Election) -> Case:
    result = intake.record_signal(
        intake.SignalInput(
            election=election,
            source_type="co_government",
            category="hacked_channel",
            platform_name="x",
            content_urls=[HACKED_URL],
            explanation=HACKED_EXPLANATION,
            received_via="phone",
            source_organisation_name="Gemeente Voorbeeld",
            own_contact_attempts=3,
            own_contact_result="Het webformulier van X gaf geen antwoord.",
        )
    )
    assert result.case is not None
    return result.case


def approve(case: Case, assessor: User, approver: User) -> Notice:
    decision = assessments.propose_decision(
        case, "deploy", "The municipality cannot reach X itself.", assessor
    )
    assessments.review_decision(decision, True, approver)
    return Notice.objects.get(case=case)


@pytest.fixture
def people(alice: User) -> User:
    alice.first_name, alice.last_name, alice.email = "Alice", "Assessor", "alice@minbzk.example"
    alice.save()
    return alice


def test_seed_hacked_account_x_receives_a_request_to_secure_it(
    tk2023: Election, people: User, bob: User, x_channel: Platform, smtp_server: SmtpServer
) -> None:
    case = hacked_case(tk2023)
    assessments.save_assessment(case, HACKED_ASSESSMENT, people)
    notice = approve(case, people, bob)
    delivery = service.send(notice, people)
    assert dispatch.attempt_delivery(delivery.pk) == "accepted"

    [received] = smtp_server.messages
    assert received.rcpt_tos == [PLATFORM_ADDRESS]
    message = email.message_from_bytes(received.data, policy=policy.default)
    body = message.get_content()
    assert "please secure the account" in body and "restore it" in body
    assert "remove what the intruder posted" in body
    assert "@gemeentevoorbeeld" in body and "1453029876543210" in body
    assert "21 November 2023, 22:15" in body and "3 times" in body
    assert "communicatie@voorbeeld.example" in body
    assert "House of Representatives (Tweede Kamer) election 2023 (22 November 2023)" in body
    # Nothing about false or misleading content, nor the misinformation policy review.
    lowered = body.lower()
    assert "false" not in lowered and "misleading" not in lowered
    assert "civic integrity" not in lowered and "gehackt" not in lowered
    assert dutch_paragraphs(body) == []  # and no Dutch at all: the municipality's words stay out
    assert message["Subject"].startswith("Urgent: hacked official government account")


def test_a_deploy_decision_needs_the_kinds_facts(
    tk2023: Election, people: User, bob: User, x_channel: Platform
) -> None:
    case = hacked_case(tk2023)
    without = {k: v for k, v in HACKED_ASSESSMENT.items() if k != "kind_facts"}
    assessments.save_assessment(case, without, people)
    with pytest.raises(assessments.WorkflowError, match="Het ID van het account bij het platform"):
        assessments.propose_decision(case, "deploy", "Help the municipality.", people)
    # Not deploying needs no facts for a notice.
    assessments.propose_decision(case, "no_deploy", "Not our task.", people)


def test_facts_are_saved_audited_and_limited_to_the_kind(
    tk2023: Election, people: User, x_channel: Platform
) -> None:
    case = hacked_case(tk2023)
    facts = {**HACKED_FACTS, "ad_reference": "belongs to another kind"}
    assessment = assessments.save_assessment(
        case, {**HACKED_ASSESSMENT, "kind_facts": facts}, people
    )
    assert assessment.kind_facts == HACKED_FACTS
    with pytest.raises(assessments.WorkflowError):
        assessments.save_assessment(case, {**HACKED_ASSESSMENT, "kind_facts": ["x"]}, people)
    # An API client that leaves the facts out keeps them.
    without = {k: v for k, v in HACKED_ASSESSMENT.items() if k != "kind_facts"}
    assert assessments.save_assessment(case, without, people).kind_facts == HACKED_FACTS


DUTCH_REASONING = {
    **ELIGIBLE,
    "misleading_reasoning": "Wie twee vakjes inkleurt brengt een ongeldige stem uit; de lijst "
    "GroenLinks/PvdA is één lijst en twee vakjes maken de stem ongeldig.",
}


def test_english_notice_with_dutch_text_is_refused_until_summarised(
    tk2023: Election, people: User, bob: User, x_channel: Platform, outbox: Any
) -> None:
    case = approved_case(tk2023, people, bob, assessment=DUTCH_REASONING)
    notice = Notice.objects.get(case=case)
    assert notice.language == "en" and "Wie twee vakjes" in notice.body
    assert service.dutch_in_english(notice)
    with pytest.raises(service.NoticeError, match=r"bevat Nederlandse tekst \(“Wie twee vakjes"):
        service.send(notice, people)

    with pytest.raises(service.NoticeError, match="lijkt Nederlands"):
        service.summarise(notice, "Dit is nog steeds een Nederlandse tekst over de stem.", people)
    summary = "The post tells voters of the combined list to colour two boxes; that voids the vote."
    notice = service.summarise(notice, summary, people)
    assert summary in notice.body and "Wie twee vakjes" not in notice.body
    assert notice.english_summary == summary
    service.send(notice, people)  # no longer refused
    notice.refresh_from_db()
    assert notice.status == "frozen"


def test_election_name_and_day_are_english_in_an_english_notice(
    people: User, bob: User, x_channel: Platform, outbox: Any
) -> None:
    ps2027 = Election.objects.get(code="PS2027")
    case = approved_case(ps2027, people, bob)
    body = Notice.objects.get(case=case).body
    assert "Provincial Council (Provinciale Staten) elections 2027" in body
    assert "March 2027 (date not yet confirmed)" in body
    assert "maart" not in body and "onbevestigd" not in body
    ps2027.name_en = "Provincial elections 2027"
    ps2027.save()
    assert ps2027.english_name == "Provincial elections 2027"


def test_dutch_platform_gets_the_dutch_notice(
    tk2023: Election, people: User, bob: User, x_channel: Platform, outbox: Any
) -> None:
    x_channel.channel_language = "nl"
    x_channel.save()
    case = hacked_case(tk2023)
    assessments.save_assessment(case, HACKED_ASSESSMENT, people)
    notice = approve(case, people, bob)
    assert notice.body.startswith("Beste medewerkers van X")
    assert "Tweede Kamer 22 november 2023" in notice.body and "beveiligen" in notice.body
    assert "Het webformulier van X gaf geen antwoord." in notice.body  # their own words
    assert notice.subject.startswith("Urgent: gehackt officieel overheidsaccount")
    assert not service.dutch_in_english(notice)
