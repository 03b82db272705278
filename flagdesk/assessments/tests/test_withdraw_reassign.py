# SPDX-License-Identifier: EUPL-1.2
"""Issue 15, decisions: the proposer withdraws, an approver sends back with a reason, an
administrator hands a proposal over. Four eyes hold through every path (attacks first)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import User
from flagdesk.assessments import service
from flagdesk.assessments.models import Decision, DecisionStatus
from flagdesk.assessments.tests.test_service_workflow import ELIGIBLE, events, new_case
from flagdesk.conftest import in_english, make_user, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case, CaseState


@pytest.fixture
def assessed(tk2023: Election, alice: User) -> Case:
    case = new_case(tk2023)
    service.save_assessment(case, ELIGIBLE, alice)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def proposed(assessed: Case, alice: User) -> Decision:
    return service.propose_decision(assessed, "no_deploy", "Niet nodig.", alice)


@pytest.fixture
def both(db: None) -> User:
    """An assessor who is also an approver: the four-eyes rule is about persons."""
    return make_user("frank", Role.ASSESSOR, Role.APPROVER)


# ------------------------------------------------------------- attacks: four eyes


def test_a_handed_over_proposal_is_not_approved_by_its_first_proposer(
    assessed: Case, both: User, erin: User, dave: User
) -> None:
    decision = service.propose_decision(assessed, "no_deploy", "Niet nodig.", both)
    service.reassign_decision(decision, dave, proposer=erin)
    with pytest.raises(service.WorkflowError):
        service.review_decision(decision, True, both)
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.PROPOSED


def test_the_named_reviewer_is_never_a_proposer(
    proposed: Decision, alice: User, both: User, erin: User, dave: User
) -> None:
    # alice is no approver; frank (both) becomes proposer, then is named reviewer: refused.
    service.reassign_decision(proposed, dave, proposer=both)
    with pytest.raises(service.WorkflowError):
        service.reassign_decision(proposed, dave, reviewer=both)
    # handing it to erin leaves frank an earlier proposer: still not the reviewer.
    service.reassign_decision(proposed, dave, proposer=erin)
    with pytest.raises(service.WorkflowError):
        service.reassign_decision(proposed, dave, reviewer=both)
    assert Decision.objects.get(pk=proposed.pk).review_by is None


def test_handing_a_proposal_to_its_named_reviewer_is_refused(
    proposed: Decision, both: User, dave: User
) -> None:
    service.reassign_decision(proposed, dave, reviewer=both)
    with pytest.raises(service.WorkflowError):
        service.reassign_decision(proposed, dave, proposer=both)
    assert Decision.objects.get(pk=proposed.pk).decided_by.username == "alice"


def test_the_database_refuses_a_named_reviewer_who_is_the_proposer(
    proposed: Decision, alice: User
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=proposed.pk).update(review_by=alice)


def test_only_the_named_approver_reviews(proposed: Decision, bob: User, dave: User) -> None:
    other = make_user("olga", Role.APPROVER)
    service.reassign_decision(proposed, dave, reviewer=other)
    with pytest.raises(service.WorkflowError, match="olga"):
        service.review_decision(proposed, True, bob)
    assert proposed not in service.decisions_awaiting(bob)
    assert proposed in service.decisions_awaiting(other)
    service.review_decision(proposed, True, other)


def test_only_an_administrator_reassigns(proposed: Decision, bob: User, erin: User) -> None:
    for user in (bob, erin):
        with pytest.raises(PermissionDenied):
            service.reassign_decision(proposed, user, proposer=erin)


def test_reassign_refuses_people_without_the_role(
    proposed: Decision, carol: User, bob: User, erin: User, dave: User
) -> None:
    with pytest.raises(service.WorkflowError):
        service.reassign_decision(proposed, dave, proposer=bob)  # an approver is no assessor
    with pytest.raises(service.WorkflowError):
        service.reassign_decision(proposed, dave, reviewer=erin)  # an assessor is no approver
    with pytest.raises(service.WorkflowError):
        service.reassign_decision(proposed, dave, proposer=carol)


def test_only_the_proposer_withdraws(proposed: Decision, erin: User, bob: User) -> None:
    with pytest.raises(service.WorkflowError):
        service.withdraw_decision(proposed, erin)
    with pytest.raises(PermissionDenied):
        service.withdraw_decision(proposed, bob)
    assert Decision.objects.get(pk=proposed.pk).status == DecisionStatus.PROPOSED


def test_a_reviewed_decision_cannot_be_withdrawn_or_handed_over(
    proposed: Decision, alice: User, bob: User, erin: User, dave: User
) -> None:
    service.review_decision(proposed, True, bob)
    with pytest.raises(service.WorkflowError):
        service.withdraw_decision(proposed, alice)
    with pytest.raises(service.WorkflowError):
        service.reassign_decision(proposed, dave, proposer=erin)
    assert Decision.objects.get(pk=proposed.pk).status == DecisionStatus.APPROVED


def test_the_withdraw_and_reassign_pages_refuse_other_roles(
    proposed: Decision, bob: User, erin: User
) -> None:
    reference = proposed.case.reference
    assert verified_client(bob).post(f"/cases/{reference}/withdraw").status_code == 403
    response = verified_client(erin).post(f"/cases/{reference}/reassign", {"proposer": erin.pk})
    assert response.status_code == 403
    assert Decision.objects.get(pk=proposed.pk).status == DecisionStatus.PROPOSED


def test_a_forged_proposer_id_hands_over_nothing(
    proposed: Decision, carol: User, dave: User
) -> None:
    client = verified_client(dave)
    for forged in (str(carol.pk), "424242", "abc"):
        client.post(f"/cases/{proposed.case.reference}/reassign", {"proposer": forged})
    assert events("decision_reassigned") == []


# ------------------------------------------------------------- the paths


def test_withdraw_opens_the_case_again_and_is_audited(proposed: Decision, alice: User) -> None:
    service.withdraw_decision(proposed, alice)
    decision = Decision.objects.get(pk=proposed.pk)
    assert decision.status == DecisionStatus.WITHDRAWN
    assert Case.objects.get(pk=decision.case_id).state == CaseState.ASSESSING
    (event,) = events("decision_withdrawn")
    assert (event.before["status"], event.after["status"], event.actor) == (
        "proposed",
        "withdrawn",
        alice,
    )
    # and a new proposal can follow
    again = service.propose_decision(decision.case, "no_deploy", "Toch niet.", alice)
    assert again.status == DecisionStatus.PROPOSED


def test_hand_over_makes_the_new_assessor_proposer_and_owner(
    proposed: Decision, alice: User, erin: User, bob: User, dave: User
) -> None:
    service.reassign_decision(proposed, dave, proposer=erin, reviewer=bob)
    decision = Decision.objects.get(pk=proposed.pk)
    assert (decision.decided_by, decision.review_by, decision.earlier_proposers) == (
        erin,
        bob,
        [alice.pk],
    )
    assert Case.objects.get(pk=decision.case_id).owner == erin
    (event,) = events("decision_reassigned")
    assert event.before["decided_by"] == "alice" and event.after["decided_by"] == "erin"
    assert event.after["review_by"] == "bob"
    assert events("case_assigned")[-1].after == {"owner": "erin", "owner_id": erin.pk}
    service.withdraw_decision(decision, erin)  # the new proposer may withdraw it


def test_send_back_needs_a_reason_and_the_proposer_sees_it(
    proposed: Decision, alice: User, bob: User
) -> None:
    reference = proposed.case.reference
    response = verified_client(bob).post(
        f"/cases/{reference}/review", {"verdict": "send_back", "comment": " "}
    )
    assert response.status_code == 400
    verified_client(bob).post(
        f"/cases/{reference}/review", {"verdict": "send_back", "comment": "Bron ontbreekt."}
    )
    assert events("decision_rejected")[-1].after["review_comment"] == "Bron ontbreekt."
    page = in_english(verified_client(alice)).get(f"/cases/{reference}").content.decode()
    assert 'id="sent-back-reason"' in page and "Bron ontbreekt." in page
    assert "bob sent the proposed decision back" in page


def test_the_case_page_offers_withdraw_and_hand_over_only_to_those_who_may(
    proposed: Decision, alice: User, bob: User, dave: User
) -> None:
    url = f"/cases/{proposed.case.reference}"
    own = verified_client(alice).get(url).content.decode()
    assert 'id="withdraw-decision"' in own and "data-confirm=" in own
    assert 'id="reassign-form"' not in own
    approver = verified_client(bob).get(url).content.decode()
    assert 'id="withdraw-decision"' not in approver and 'id="review-form"' in approver
    admin = verified_client(dave).get(url).content.decode()
    assert 'id="reassign-form"' in admin and 'id="withdraw-decision"' not in admin


def test_withdraw_through_the_page(proposed: Decision, alice: User) -> None:
    response = verified_client(alice).post(f"/cases/{proposed.case.reference}/withdraw")
    assert response.status_code == 302
    assert Decision.objects.get(pk=proposed.pk).status == DecisionStatus.WITHDRAWN


def test_the_checklist_reopens_after_withdraw(proposed: Decision, alice: User) -> None:
    service.withdraw_decision(proposed, alice)
    service.save_assessment(proposed.case, ELIGIBLE, alice)
    assert Case.objects.get(pk=proposed.case_id).state == CaseState.ASSESSING
