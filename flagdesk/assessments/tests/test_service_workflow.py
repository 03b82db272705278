# SPDX-License-Identifier: EUPL-1.2
"""Assessment, decision and four-eyes review through the service functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import User
from flagdesk.assessments import service
from flagdesk.assessments.models import Decision, DecisionStatus
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, CaseState
from flagdesk.rules.eligibility import RULES_VERSION

SEED_POST = "https://x.com/kiezer2023/status/1727365011111111111"
ELIGIBLE = {
    "election_process_risk": True,
    "election_process_risk_reasoning": "Over stemmen.",
    "misleading": True,
    "misleading_reasoning": "Twee vakjes is ongeldig.",
    "harms": ["invalid_vote"],
    "harms_reasoning": "Stem wordt ongeldig.",
}


def new_case(
    election: Election,
    source: str = "media",
    category: str = "misinformation",
    url: str = SEED_POST,
) -> Case:
    result = intake.record_signal(
        intake.SignalInput(
            election=election,
            source_type=source,
            category=category,
            platform_name="x",
            content_urls=[url],
            explanation="Oproep om twee vakjes in te kleuren.",
            received_via="email",
            source_organisation_name="NOS",
        )
    )
    assert result.case is not None
    return result.case


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.fixture
def case(tk2023: Election) -> Case:
    return new_case(tk2023)


@pytest.fixture
def assessed(case: Case, alice: User) -> Case:
    service.save_assessment(case, ELIGIBLE, alice)
    return Case.objects.get(pk=case.pk)


def test_saving_an_assessment_evaluates_and_logs(case: Case, alice: User) -> None:
    assessment = service.save_assessment(case, ELIGIBLE, alice)
    assert assessment.eligible is True
    assert assessment.reasons == []
    assert assessment.rules_version == RULES_VERSION
    assert assessment.assessed_by == alice
    case.refresh_from_db()
    assert case.state == CaseState.ASSESSING
    [saved] = events("assessment_saved")
    assert saved.actor == alice
    assert saved.before is None
    assert saved.after is not None
    assert saved.after["harms"] == ["invalid_vote"]
    assert saved.after["misleading_reasoning"] == "Twee vakjes is ongeldig."
    assert saved.after["eligible"] is True
    [state] = events("case_state_changed")
    assert (state.before, state.after) == ({"state": "new"}, {"state": "assessing"})


def test_a_second_save_logs_before_and_after(assessed: Case, alice: User) -> None:
    assessment = service.save_assessment(assessed, {**ELIGIBLE, "misleading": False}, alice)
    assert assessment.reasons == ["NOT_MISLEADING"]
    first, second = events("assessment_saved")
    assert second.before == first.after
    assert second.after is not None
    assert (second.after["misleading"], second.after["reasons"]) == (False, ["NOT_MISLEADING"])


@pytest.mark.parametrize(
    "data",
    [
        {"harms": ["bad_mood"]},
        {"harms": "invalid_vote"},
        {"own_contact_attempts": "2"},
        {"own_contact_attempts": True},
        {"own_contact_attempts": -1},
        {"misleading": "yes"},
    ],
    ids=[
        "unknown-harm",
        "harms-string",
        "attempts-string",
        "attempts-bool",
        "attempts-negative",
        "misleading-string",
    ],
)
def test_nonsense_answers_are_refused(case: Case, alice: User, data: dict[str, Any]) -> None:
    with pytest.raises(service.WorkflowError):
        service.save_assessment(case, data, alice)


def test_an_approved_deploy(assessed: Case, alice: User, bob: User) -> None:
    decision = service.propose_decision(assessed, "deploy", "Stem ongeldig: inzetten.", alice)
    assert decision.status == DecisionStatus.PROPOSED
    assert decision.is_override is False
    assert decision.engine_eligible is True
    assert Case.objects.get(pk=assessed.pk).state == CaseState.AWAITING_APPROVAL
    [proposed] = events("decision_proposed")
    assert proposed.actor == alice
    assert proposed.after is not None
    assert (proposed.after["outcome"], proposed.after["decided_by"], proposed.after["status"]) == (
        "deploy",
        "alice",
        "proposed",
    )
    assert service.decisions_awaiting(bob) == [decision]
    assert service.decisions_awaiting(alice) == []
    assert service.open_decision(assessed) == decision

    approved = service.review_decision(decision, True, bob)
    assert approved.status == DecisionStatus.APPROVED
    assert approved.reviewed_by == bob
    assert Case.objects.get(pk=assessed.pk).state == CaseState.DECIDED
    [row] = events("decision_approved")
    assert row.actor == bob
    assert row.before is not None and row.after is not None
    assert (row.before["status"], row.after["status"]) == ("proposed", "approved")
    assert row.after["reviewed_by"] == "bob"
    assert service.final_decision(assessed) == approved
    assert service.open_decision(assessed) is None
    states = [e.after["state"] for e in events("case_state_changed") if e.after]
    assert states == ["assessing", "awaiting_approval", "decided"]


def test_nobody_approves_their_own_decision(assessed: Case, tk2023: Election) -> None:
    both = make_user("frank", Role.ASSESSOR, Role.APPROVER)
    decision = service.propose_decision(assessed, "no_deploy", "Niet nodig.", both)
    with pytest.raises(service.WorkflowError):
        service.review_decision(decision, True, both)
    with pytest.raises(service.WorkflowError):
        service.review_decision(decision, False, both, comment="Toch niet.")
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.PROPOSED
    assert service.decisions_awaiting(both) == []
    assert not events("decision_approved")


def test_the_database_blocks_self_review(assessed: Case, alice: User) -> None:
    decision = Decision.objects.create(
        case=assessed,
        outcome="no_deploy",
        justification="x",
        engine_eligible=True,
        rules_version=RULES_VERSION,
        decided_by=alice,
        decided_at=timezone.now(),
    )
    decision.reviewed_by = alice
    decision.status = DecisionStatus.APPROVED
    with pytest.raises(IntegrityError), transaction.atomic():
        decision.save()


def test_the_database_blocks_an_override_without_justification(assessed: Case, alice: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            case=assessed,
            outcome="deploy",
            justification="x",
            is_override=True,
            engine_eligible=False,
            rules_version=RULES_VERSION,
            decided_by=alice,
            decided_at=timezone.now(),
        )


def test_deploying_against_the_engine_needs_an_override(case: Case, alice: User, bob: User) -> None:
    service.save_assessment(case, {**ELIGIBLE, "harms": []}, alice)
    with pytest.raises(service.WorkflowError):
        service.propose_decision(case, "deploy", "Toch inzetten.", alice)
    with pytest.raises(service.WorkflowError):
        service.propose_decision(
            case, "deploy", "Toch inzetten.", alice, override_justification="   "
        )
    decision = service.propose_decision(
        case, "deploy", "Toch inzetten.", alice, override_justification="Uitzonderlijk bereik."
    )
    assert decision.is_override is True
    assert decision.engine_eligible is False
    assert decision.engine_reasons == ["NO_ELECTORAL_HARM"]
    [row] = events("decision_proposed")
    assert row.after is not None
    assert (row.after["is_override"], row.after["override_justification"]) == (
        True,
        "Uitzonderlijk bereik.",
    )


def test_no_deploy_against_an_eligible_engine_is_no_override(assessed: Case, alice: User) -> None:
    decision = service.propose_decision(
        assessed, "no_deploy", "Al verwijderd.", alice, override_justification="ignored"
    )
    assert decision.is_override is False
    assert decision.override_justification == ""


def test_reject_needs_a_comment_and_sends_the_case_back(
    assessed: Case, alice: User, bob: User
) -> None:
    decision = service.propose_decision(assessed, "deploy", "Inzetten.", alice)
    with pytest.raises(service.WorkflowError):
        service.review_decision(decision, False, bob)
    with pytest.raises(service.WorkflowError):
        service.review_decision(decision, False, bob, comment="  ")
    rejected = service.review_decision(decision, False, bob, comment="Onderbouw de schade.")
    assert rejected.status == DecisionStatus.REJECTED
    assert rejected.review_comment == "Onderbouw de schade."
    assert Case.objects.get(pk=assessed.pk).state == CaseState.ASSESSING
    [row] = events("decision_rejected")
    assert row.after is not None
    assert (row.after["status"], row.after["review_comment"]) == (
        "rejected",
        "Onderbouw de schade.",
    )
    # Back in assessment: answers can change and a new decision can be proposed.
    service.save_assessment(assessed, ELIGIBLE, alice)
    service.propose_decision(assessed, "deploy", "Inzetten, nu onderbouwd.", alice)


def test_a_reviewed_decision_cannot_be_reviewed_again(
    assessed: Case, alice: User, bob: User
) -> None:
    decision = service.propose_decision(assessed, "deploy", "Inzetten.", alice)
    service.review_decision(decision, True, bob)
    other = make_user("grace", Role.APPROVER)
    with pytest.raises(service.WorkflowError):
        service.review_decision(decision, False, other, comment="Nee.")


def test_pending_or_final_decision_blocks_changes(
    assessed: Case, alice: User, erin: User, bob: User
) -> None:
    decision = service.propose_decision(assessed, "deploy", "Inzetten.", alice)
    with pytest.raises(service.WorkflowError):
        service.propose_decision(assessed, "no_deploy", "Toch niet.", erin)
    with pytest.raises(service.WorkflowError):
        service.save_assessment(assessed, ELIGIBLE, erin)
    service.review_decision(decision, True, bob)
    with pytest.raises(service.WorkflowError):
        service.save_assessment(assessed, ELIGIBLE, erin)


@pytest.mark.parametrize(
    ("outcome", "justification"),
    [
        ("deploy", ""),
        ("deploy", "   "),
        ("nuke", "Waarom niet."),
    ],
    ids=["empty", "blank", "unknown-outcome"],
)
def test_a_decision_needs_a_known_outcome_and_justification(
    assessed: Case, alice: User, outcome: str, justification: str
) -> None:
    with pytest.raises(service.WorkflowError):
        service.propose_decision(assessed, outcome, justification, alice)


def test_deciding_needs_an_assessment(case: Case, alice: User) -> None:
    with pytest.raises(service.WorkflowError):
        service.propose_decision(case, "no_deploy", "Niet nodig.", alice)


@pytest.fixture
def personas(db: Any) -> dict[str, User]:
    return {
        "intake": make_user("ivy", Role.INTAKE),
        "approver": make_user("amy", Role.APPROVER),
        "admin": make_user("adam", Role.ADMIN),
        "assessor": make_user("ann", Role.ASSESSOR),
    }


@pytest.mark.parametrize("who", ["intake", "approver", "admin", "anonymous", "inactive"])
def test_only_assessors_assess_and_decide(case: Case, personas: dict[str, User], who: str) -> None:
    actor: Any = personas.get(who)
    if who == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        actor = AnonymousUser()
    if who == "inactive":
        actor = personas["assessor"]
        actor.is_active = False
    with pytest.raises(PermissionDenied):
        service.save_assessment(case, ELIGIBLE, actor)
    service.save_assessment(case, ELIGIBLE, make_user("helper", Role.ASSESSOR))
    with pytest.raises(PermissionDenied):
        service.propose_decision(case, "deploy", "Inzetten.", actor)
    assert not events("decision_proposed")


@pytest.mark.parametrize("who", ["intake", "assessor", "admin"])
def test_only_approvers_review(
    assessed: Case, alice: User, personas: dict[str, User], who: str
) -> None:
    decision = service.propose_decision(assessed, "deploy", "Inzetten.", alice)
    with pytest.raises(PermissionDenied):
        service.review_decision(decision, True, personas[who])
    with pytest.raises(PermissionDenied):
        service.review_decision(decision, False, personas[who], comment="Nee.")
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.PROPOSED


def test_evaluate_case_ignores_its_own_notification(assessed: Case, alice: User, bob: User) -> None:
    decision = service.propose_decision(assessed, "deploy", "Inzetten.", alice)
    service.review_decision(decision, True, bob)
    assert service.evaluate_case(assessed).eligible is True


def test_hacked_channel_from_co_government(tk2023: Election, alice: User) -> None:
    case = new_case(
        tk2023,
        source="co_government",
        category="hacked_channel",
        url="https://x.com/gemeente/status/5",
    )
    data = {"election_process_risk": True, "own_contact_attempts": 1, "own_means_exhausted": False}
    assessment = service.save_assessment(case, data, alice)
    assert assessment.reasons == ["INSUFFICIENT_OWN_ATTEMPTS", "OWN_MEANS_NOT_EXHAUSTED"]
    assessment = service.save_assessment(
        case, {**data, "own_contact_attempts": 2, "own_means_exhausted": True}, alice
    )
    assert assessment.eligible is True


@pytest.mark.parametrize("situation", ["media", "co-government", "earlier signal joins"])
def test_the_case_page_evaluation_from_its_own_reads_is_the_same(
    situation: str, tk2023: Election, alice: User, django_assert_max_num_queries: Any
) -> None:
    """The case page gives evaluate_case the signals and URLs it read (and the case's
    platform): the rules must see exactly what reading them again would give, including
    which signal came first."""
    if situation == "media":
        case = new_case(tk2023)
    else:
        source = "co_government" if situation == "co-government" else "media"
        case = new_case(tk2023, source=source, category="hacked_channel")
    if situation == "earlier signal joins":
        # A municipality's signal about the same hacked account, received before the
        # media's: the first signal (whose source the rules weigh) is this one.
        intake.record_signal(
            intake.SignalInput(
                election=tk2023,
                source_type="co_government",
                category="hacked_channel",
                platform_name="x",
                content_urls=[SEED_POST, "https://x.com/other/status/77"],
                explanation="Zelfde bericht.",
                received_via="email",
                source_organisation_name="Gemeente",
                received_at=timezone.now() - dt.timedelta(days=1),
            )
        )
    # A filled-in checklist, so that the source of the first signal decides the outcome.
    answers = {"election_process_risk": True, "own_contact_attempts": 2}
    service.save_assessment(case, answers | {"own_means_exhausted": True}, alice)
    case = Case.objects.select_related("platform", "election", "assessment").get(pk=case.pk)
    signals = list(case.signals.order_by("received_at", "pk"))
    urls = list(case.urls.values_list("normalised_url", flat=True))
    expected = service.evaluate_case(case)
    with django_assert_max_num_queries(2):  # the notified URLs, the platforms' hosts
        given = service.evaluate_case(case, signals=signals, urls=urls)
    assert given == expected
    if situation == "earlier signal joins":
        assert signals[0].source_type == "co_government" and len(urls) == 2
        # The order matters to the rules here: the media's signal first would read otherwise.
        assert service.evaluate_case(case, signals=signals[::-1], urls=urls) != expected
