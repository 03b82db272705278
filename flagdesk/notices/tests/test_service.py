# SPDX-License-Identifier: EUPL-1.2
"""Drafting on approval, editing, freezing, portal submissions, acknowledgments, reminders."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election
from flagdesk.notices import service
from flagdesk.notices.models import Delivery, DeliveryState, Notice, NoticeStatus
from flagdesk.notices.tests.conftest import PLATFORM_ADDRESS, approved_case
from flagdesk.platforms.models import Platform


def deliveries_queued() -> Any:
    """The worker's send tasks (intake also queues other work, e.g. narrative matching)."""
    return DBTaskResult.objects.filter(task_path__endswith="deliver_notice")


def actions(notice: Notice) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="notices.notice", object_id=str(notice.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_an_approved_deploy_drafts_the_notice(draft: Notice, alice: User) -> None:
    assert draft.status == NoticeStatus.DRAFT
    assert draft.recipient == PLATFORM_ADDRESS
    assert draft.subject.endswith(f"[{draft.case.reference}]")
    assert "X's civic integrity policy" in draft.subject
    assert "two boxes make the vote invalid" in draft.body
    assert draft.sender_name == "Alice Assessor"  # the assessor who decided signs it
    assert draft.message_id.startswith("<") and draft.message_id.endswith(">")
    assert actions(draft) == ["notice_drafted"]


def test_no_notice_for_a_decision_not_to_deploy(tk2023: Election, alice: User, bob: User) -> None:
    from flagdesk.intake import service as intake
    from flagdesk.notices.tests.conftest import ELIGIBLE

    result = intake.record_signal(
        intake.SignalInput(
            election=tk2023,
            source_type="media",
            category="misinformation",
            platform_name="x",
            content_urls=["https://x.com/a/status/1"],
            explanation="x",
            received_via="email",
            source_organisation_name="NOS",
        )
    )
    assert result.case is not None
    assessments.save_assessment(result.case, ELIGIBLE, alice)
    decision = assessments.propose_decision(result.case, "no_deploy", "Not needed.", alice)
    assessments.review_decision(decision, True, bob)
    assert not Notice.objects.filter(case=result.case).exists()


def test_the_assessor_edits_the_draft_and_it_is_audited(draft: Notice, alice: User) -> None:
    service.update_draft(draft, "New  subject\r\nBcc: x@y", "New text\r\nline 2", alice)
    draft.refresh_from_db()
    assert draft.subject == "New subject Bcc: x@y"  # line breaks never reach a header
    assert draft.body == "New text\nline 2"
    event = AuditEvent.objects.get(action="notice_edited")
    assert set(event.after) == {"subject", "body"}


def test_only_assessors_edit_and_send(draft: Notice, bob: User, carol: User) -> None:
    for user in (bob, carol):
        with pytest.raises(PermissionDenied):
            service.update_draft(draft, "s", "b", user)
        with pytest.raises(PermissionDenied):
            service.send(draft, user)


def test_sending_freezes_the_exact_bytes_and_queues_a_task(
    draft: Notice, alice: User, settings: Any
) -> None:
    settings.FROM_EMAIL = "trustedflagger@minbzk.example"
    delivery = service.send(draft, alice)
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.FROZEN and draft.frozen_by == alice
    assert delivery.state == DeliveryState.QUEUED  # queued is not sent
    parsed = email.message_from_bytes(bytes(draft.raw), policy=policy.default)
    assert parsed["Message-ID"] == draft.message_id
    assert parsed["To"] == PLATFORM_ADDRESS
    assert parsed["From"].addresses[0].addr_spec == "trustedflagger@minbzk.example"
    assert parsed.get_content().replace("\r\n", "\n") == draft.body
    [task] = deliveries_queued()
    assert task.args_kwargs["args"] == [delivery.pk]
    with pytest.raises(service.NoticeError):
        service.update_draft(draft, "changed", "changed", alice)
    with pytest.raises(service.NoticeError):
        service.send(draft, alice)
    assert actions(draft) == ["notice_drafted", "notice_queued"]


def test_a_platform_without_address_cannot_be_sent_to(
    draft: Notice, alice: User, x_channel: Platform
) -> None:
    Notice.objects.filter(pk=draft.pk).update(recipient="")
    with pytest.raises(service.NoticeError):
        service.send(draft, alice)
    assert not Delivery.objects.exists()


@pytest.fixture
def portal_notice(tk2023: Election, alice: User, bob: User, x_channel: Platform) -> Notice:
    x_channel.channel_kind = "portal"
    x_channel.channel_address = "https://help.x.example/forms/escalation"
    x_channel.save()
    case = approved_case(tk2023, alice, bob)
    return Notice.objects.get(case=case)


def test_a_portal_notice_waits_for_the_operator(portal_notice: Notice, alice: User) -> None:
    delivery = service.send(portal_notice, alice)
    assert delivery.state == DeliveryState.QUEUED
    assert not deliveries_queued()  # nothing for the worker to do
    submitted = timezone.now() - dt.timedelta(minutes=1)
    upload = SimpleUploadedFile("confirmation.png", b"\x89PNG\r\n\x1a\nxx", "image/png")
    service.record_portal_submission(
        portal_notice, alice, submitted_at=submitted, reference="X-123", confirmation=upload
    )
    portal_notice.refresh_from_db()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUBMITTED
    assert portal_notice.acknowledged_at == submitted  # the submission is the acknowledgment
    assert portal_notice.portal_reference == "X-123"
    assert portal_notice.portal_confirmation.read().startswith(b"\x89PNG")
    assert service.time_to_acknowledgment(portal_notice) == dt.timedelta(0)
    assert actions(portal_notice)[-1] == "notice_submitted"
    with pytest.raises(service.NoticeError):
        service.record_portal_submission(portal_notice, alice, submitted_at=submitted)


def test_a_portal_submission_cannot_lie_in_the_future(portal_notice: Notice, alice: User) -> None:
    service.send(portal_notice, alice)
    with pytest.raises(service.NoticeError):
        service.record_portal_submission(
            portal_notice, alice, submitted_at=timezone.now() + dt.timedelta(hours=1)
        )


def accepted(notice: Notice, alice: User, at: dt.datetime) -> Notice:
    delivery = service.send(notice, alice)
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.ACCEPTED, accepted_at=at)
    return Notice.objects.select_related("delivery").get(pk=notice.pk)


def test_the_first_acknowledgment_counts(draft: Notice, alice: User) -> None:
    sent_at = timezone.now() - dt.timedelta(minutes=10)
    notice = accepted(draft, alice, sent_at)
    first = sent_at + dt.timedelta(minutes=2, seconds=59)
    assert service.record_acknowledgment(notice, first, "mail <a@x>") is True
    assert (
        service.record_acknowledgment(notice, first + dt.timedelta(minutes=1), "mail <b@x>")
        is False
    )
    notice.refresh_from_db()
    assert notice.acknowledged_at == first
    assert service.time_to_acknowledgment(notice) == dt.timedelta(minutes=2, seconds=59)
    [stats] = service.acknowledgment_stats(notice.case.election)
    assert (stats.platform, stats.notices, stats.acknowledged, stats.median_seconds) == (
        "X",
        1,
        1,
        179.0,
    )


def test_an_acknowledgment_settles_an_unknown_outcome(draft: Notice, alice: User) -> None:
    delivery = service.send(draft, alice)
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.UNKNOWN)
    service.record_acknowledgment(draft, timezone.now(), "mail <a@x>")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.ACCEPTED
    assert delivery.evidence["settled_by"] == "mail <a@x>"


def test_a_permanent_bounce_marks_the_delivery(draft: Notice, alice: User) -> None:
    notice = accepted(draft, alice, timezone.now())
    service.record_bounce(notice, permanent=False, detail="delayed")
    assert Delivery.objects.get(notice=notice).state == DeliveryState.ACCEPTED
    service.record_bounce(notice, permanent=True, detail="550 5.1.1 unknown user")
    delivery = Delivery.objects.get(notice=notice)
    assert delivery.state == DeliveryState.BOUNCED
    assert list(service.problems()) == [delivery]
    assert "notice_bounced" in actions(notice)


def test_an_unknown_outcome_is_settled_by_a_person(draft: Notice, alice: User) -> None:
    delivery = service.send(draft, alice)
    deliveries_queued().delete()
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.UNKNOWN)
    with pytest.raises(service.NoticeError):
        service.resolve_unknown(draft, alice, delivered=False, note="")
    service.resolve_unknown(
        draft, alice, delivered=False, note="X confirmed by phone it is not there"
    )
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.RETRYING
    assert deliveries_queued().count() == 1  # sent again, on purpose
    with pytest.raises(service.NoticeError):
        service.resolve_unknown(draft, alice, delivered=True, note="again")


def test_reminder_after_an_hour_and_after_a_quarter_on_election_day(
    draft: Notice, alice: User, tk2023: Election
) -> None:
    sent = dt.datetime(2023, 11, 20, 12, 0, tzinfo=dt.UTC)
    notice = accepted(draft, alice, sent)
    assert service.remind_unacknowledged(sent + dt.timedelta(minutes=59)) == []
    assert service.remind_unacknowledged(sent + dt.timedelta(minutes=60)) == [notice]
    assert service.remind_unacknowledged(sent + dt.timedelta(minutes=90)) == []  # once
    assert service.reminders_for(alice) == [notice]
    on_the_day = dt.datetime(2023, 11, 22, 13, 0, tzinfo=dt.UTC)
    assert service.reminder_after(notice, on_the_day) == dt.timedelta(minutes=15)


def test_follow_up_threads_to_the_notice(draft: Notice, alice: User) -> None:
    with pytest.raises(service.NoticeError):
        service.follow_up(draft, alice)
    service.send(draft, alice)
    draft.refresh_from_db()
    follow = service.follow_up(draft, alice)
    assert follow.in_reply_to == draft.message_id
    assert follow.references == draft.message_id
    assert follow.subject == f"Re: {draft.subject}"
    service.send(follow, alice)
    follow.refresh_from_db()
    parsed = email.message_from_bytes(bytes(follow.raw), policy=policy.default)
    assert parsed["In-Reply-To"] == draft.message_id
