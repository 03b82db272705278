# SPDX-License-Identifier: EUPL-1.2
"""Who is told of what: real audit events written by the services, and, for the actions
other parts of issue 15 add (sent back, withdrawn, reminder due, assigned), events written
directly through the audit service in the shape agreed for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake_service
from flagdesk.intake.models import Case
from flagdesk.mailarchive import service as mailarchive
from flagdesk.notices import dispatch
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice
from flagdesk.notifications import recipients, service
from flagdesk.notifications.models import Notification
from flagdesk.notifications.tests.conftest import kinds_of, open_case, propose
from flagdesk.platforms.models import Platform
from tests_support.mail import platform_answer

pytestmark = pytest.mark.django_db


def test_a_proposal_asks_every_approver_but_not_the_proposer(
    tk2023: Election, alice: User, bob: User, frank: User, carol: User, erin: User
) -> None:
    propose(open_case(tk2023), alice)
    assert kinds_of(bob) == ["approval_requested"]
    assert kinds_of(frank) == ["approval_requested"]
    assert kinds_of(alice) == kinds_of(carol) == kinds_of(erin) == []


def test_an_approver_who_also_assesses_is_not_asked_to_approve_their_own_proposal(
    tk2023: Election, bob: User
) -> None:
    both = make_user("gina", Role.ASSESSOR, Role.APPROVER)
    propose(open_case(tk2023), both)
    assert kinds_of(both) == []
    assert kinds_of(bob) == ["approval_requested"]


def test_approval_and_sending_back_tell_the_proposer_only(
    tk2023: Election, alice: User, bob: User, frank: User
) -> None:
    decision = propose(open_case(tk2023), alice)
    assessments.review_decision(decision, False, bob, comment="Name the harm.")
    assert kinds_of(alice) == ["decision_sent_back"]
    decision = propose(Case.objects.get(pk=decision.case_id), alice)
    assessments.review_decision(decision, True, frank)
    assert kinds_of(alice) == ["decision_sent_back", "decision_approved"]
    assert kinds_of(frank) == ["approval_requested", "approval_requested"]  # never their own


def test_a_reassigned_decision_tells_the_new_proposer_and_the_named_approver(
    tk2023: Election, alice: User, bob: User, erin: User, frank: User, dave: User
) -> None:
    decision = propose(open_case(tk2023), alice)
    assessments.reassign_decision(decision, dave, proposer=erin, reviewer=frank)
    assert "decision_reassigned" in kinds_of(erin)
    assert kinds_of(frank) == ["approval_requested", "decision_reassigned"]
    assert "decision_reassigned" not in kinds_of(alice) + kinds_of(bob)


def test_a_notification_links_to_its_case(tk2023: Election, alice: User, bob: User) -> None:
    case = open_case(tk2023)
    propose(case, alice)
    notification = Notification.objects.get(recipient=bob)
    assert notification.case_reference == case.reference
    assert notification.link == f"/cases/{case.reference}"
    assert notification.actor_label == "alice"


@pytest.fixture
def sent_notice(tk2023: Election, alice: User, bob: User, x_platform: Platform) -> Notice:
    x_platform.channel_kind, x_platform.channel_address = "email", "escalations@x.example"
    x_platform.channel_active = True
    x_platform.save()
    from flagdesk.notifications.tests.conftest import approved_case

    notice = Notice.objects.get(case=approved_case(tk2023, alice, bob))
    delivery = notices.send(notice, alice)
    dispatch.attempt_delivery(delivery.pk)  # to the local outbox: accepted
    return Notice.objects.get(pk=notice.pk)


def test_an_acknowledgment_tells_the_people_on_the_case(
    sent_notice: Notice, alice: User, bob: User
) -> None:
    notices.record_acknowledgment(sent_notice, timezone.now(), "test")
    assert kinds_of(alice)[-1] == "acknowledged"
    assert "acknowledged" not in kinds_of(bob)


def test_a_bounce_tells_the_sender(sent_notice: Notice, alice: User, erin: User) -> None:
    # erin sent it; alice proposed the decision: both are on the case.
    Notice.objects.filter(pk=sent_notice.pk).update(frozen_by=erin)
    notices.record_bounce(sent_notice, permanent=True, detail="550 no such user")
    assert kinds_of(erin) == ["bounced"]
    assert kinds_of(alice)[-1] == "bounced"


def test_a_reply_from_the_platform_tells_the_people_on_the_case(
    sent_notice: Notice, alice: User, bob: User
) -> None:
    notices.record_acknowledgment(sent_notice, timezone.now(), "test")  # the first answer
    raw = platform_answer(
        sent_notice,
        "flagdesk@localhost",
        "We reviewed the post you reported and removed it under our civic integrity policy.",
    )
    message = mailarchive.import_raw(raw)
    assert message.kind == "reply" and message.case_id == sent_notice.case_id
    notification = Notification.objects.get(recipient=alice, kind="reply")
    assert notification.link == f"/mail/{message.pk}"
    assert "reply" not in kinds_of(bob)


def test_a_reply_read_from_an_earlier_archive_is_history_not_news(
    sent_notice: Notice, alice: User
) -> None:
    notices.record_acknowledgment(sent_notice, timezone.now(), "test")
    raw = platform_answer(sent_notice, "flagdesk@localhost", "We removed the post.")
    message = mailarchive.import_raw(raw, mailbox=f"{mailarchive.IMPORTED_MAILBOX}TK2023: box")
    assert message.kind == "reply" and message.case_id == sent_notice.case_id
    assert "reply" not in kinds_of(alice)


def test_a_reminder_tells_the_people_on_the_case(sent_notice: Notice, alice: User) -> None:
    later = timezone.now() + dt.timedelta(days=1)
    reminded = notices.remind_unacknowledged(later)
    assert [n.pk for n in reminded] == [sent_notice.pk]
    assert kinds_of(alice)[-1] == "reminder"


# ------------------------------------------- actions other parts of issue 15 add (written here)


def test_sent_back_tells_the_proposer(tk2023: Election, alice: User, bob: User) -> None:
    decision = propose(open_case(tk2023), alice)
    with transaction.atomic():
        audit.log("decision_sent_back", decision, actor=bob, after={"reason": "Name the harm."})
    assert kinds_of(alice) == ["decision_sent_back"]


def test_a_withdrawal_tells_the_approvers(
    tk2023: Election, alice: User, bob: User, frank: User
) -> None:
    decision = propose(open_case(tk2023), alice)
    with transaction.atomic():
        audit.log("decision_withdrawn", decision, actor=alice)
    assert kinds_of(bob) == kinds_of(frank) == ["approval_requested", "decision_withdrawn"]
    assert kinds_of(alice) == []


def test_a_reminder_due_on_a_case_tells_the_people_on_it(
    tk2023: Election, alice: User, bob: User
) -> None:
    case = open_case(tk2023)
    propose(case, alice)
    after = {"stage": "awaiting_approval", "threshold_minutes": 15, "since": "2027-03-17T09:00"}
    with transaction.atomic():
        audit.log("reminder_due", case, after=after)
    assert kinds_of(alice) == ["reminder"]


def test_an_assignment_tells_the_new_owner_unless_they_took_it(
    tk2023: Election, alice: User, erin: User, dave: User
) -> None:
    case = open_case(tk2023)
    intake_service.assign_case(case, erin, dave)
    intake_service.take_case(case, alice, seen_owner_id=erin.pk)
    assert kinds_of(erin) == ["case_assigned"]
    assert kinds_of(alice) == []


def test_the_owner_is_one_of_the_people_on_the_case(
    tk2023: Election, alice: User, erin: User, dave: User
) -> None:
    case = open_case(tk2023)
    intake_service.assign_case(case, erin, dave)
    assert recipients.people_on_case(case.pk) == {erin.pk}
    propose(case, alice)
    assert recipients.people_on_case(case.pk) == {alice.pk, erin.pk}


def test_a_forged_owner_is_told_nothing(tk2023: Election, dave: User) -> None:
    case = open_case(tk2023)
    partner_user = make_user("nos-api", Role.PARTNER)
    retired = make_user("retired", Role.ASSESSOR)
    User.objects.filter(pk=retired.pk).update(is_active=False)
    with transaction.atomic():
        for owner in (partner_user.pk, retired.pk, 999_999, "1"):
            audit.log("case_assigned", case, actor=dave, after={"owner_id": owner})
    assert Notification.objects.count() == 0


# ---------------------------------------------------------------------- the machinery


def test_the_same_event_never_notifies_twice(tk2023: Election, alice: User, bob: User) -> None:
    propose(open_case(tk2023), alice)
    event = AuditEvent.objects.get(action="decision_proposed")
    assert service.notify(event) == []
    assert Notification.objects.filter(recipient=bob).count() == 1


def test_a_change_that_rolls_back_leaves_no_notification(
    tk2023: Election, alice: User, bob: User
) -> None:
    case = open_case(tk2023)

    def propose_then_fail() -> None:
        with transaction.atomic():
            propose(case, alice)
            raise RuntimeError("the request failed after the proposal")

    with pytest.raises(RuntimeError):
        propose_then_fail()
    assert Notification.objects.count() == 0


def test_people_on_a_case_come_from_every_registered_provider(
    tk2023: Election, alice: User, erin: User
) -> None:
    case = open_case(tk2023)
    propose(case, alice)
    assert recipients.people_on_case(case.pk) == {alice.pk}
    recipients.register_case_people("a test's provider", lambda case_id: [erin.pk])
    try:
        assert recipients.people_on_case(case.pk) == {alice.pk, erin.pk}
    finally:
        del recipients._case_people["a test's provider"]


def test_events_nobody_maps_cost_no_query(tk2023: Election, django_assert_num_queries: Any) -> None:
    event = AuditEvent(action="signal_recorded", object_type="intake.signal", object_id="1")
    with django_assert_num_queries(0):
        service.notify_for([event])
