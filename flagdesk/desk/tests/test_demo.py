# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from flagdesk.audit import service as audit
from flagdesk.intake.models import Case, RefusalCount

pytestmark = pytest.mark.django_db


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_it_loads_the_seed_case_decided_and_approved_by_someone_else() -> None:
    output = _demo()
    case = Case.objects.get(reference="FD-2023-0001")
    assert case.state == "decided"
    decision = case.decisions.get()
    assert decision.outcome == "deploy"
    assert decision.reviewed_by != decision.decided_by
    assert RefusalCount.objects.get().count == 1
    assert "demo-admin" in output.splitlines()[-4]
    assert audit.verify() == []


def test_the_seed_case_shows_xs_acknowledgment_as_strongly_linked(
    settings: Any, tmp_path: Any
) -> None:
    from flagdesk.mailarchive.models import Kind, MailMessage

    settings.DATA_DIR = tmp_path
    _demo()
    [ack] = MailMessage.objects.filter(case__reference="FD-2023-0001")
    assert (ack.kind, ack.link_strength, ack.confirmation) == (
        Kind.ACKNOWLEDGMENT,
        "strong",
        "not_needed",
    )
    assert (ack.sender_kind, ack.sender_platform) == ("platform", "x")
    assert ack.notice is not None and ack.notice.acknowledged_at is not None


def test_it_can_run_again_and_gives_fresh_passwords(django_user_model: Any) -> None:
    first = _demo()
    second = _demo()
    assert Case.objects.count() == 4  # the seed, a video, a hacked page, a blocked advert
    assert "already present" in second
    password = second.splitlines()[-1].split()[1]
    assert password not in first
    assert django_user_model.objects.get(username="demo-approver").check_password(password)


def test_it_leaves_passwords_alone_when_asked() -> None:
    _demo()
    assert "demo-admin" not in _demo("--no-passwords")


def test_every_date_of_the_seed_case_is_its_election_day() -> None:
    """The 2023 seed case happened on 22 November 2023: nothing of it may say today."""
    import datetime as dt

    from django.utils import timezone

    from flagdesk.audit.models import AuditEvent
    from flagdesk.mailarchive.models import MailMessage
    from flagdesk.notices.models import Notice

    _demo()
    case = Case.objects.get(reference="FD-2023-0001")
    day = case.election.election_day
    assert day == dt.date(2023, 11, 22)
    decision = case.decisions.get()
    notice = Notice.objects.select_related("delivery").get(case=case)
    moments = [
        case.created_at,
        case.updated_at,
        *[s.created_at for s in case.signals.all()],
        *[s.received_at for s in case.signals.all()],
        case.assessment.updated_at,
        decision.decided_at,
        decision.reviewed_at,
        notice.created_at,
        notice.frozen_at,
        notice.delivery.accepted_at,
        notice.acknowledged_at,
        *[m.archived_at for m in MailMessage.objects.filter(case=case)],
    ]
    ids = {
        ("intake.case", str(case.pk)),
        ("assessments.decision", str(decision.pk)),
        ("notices.notice", str(notice.pk)),
        *{("intake.signal", str(s.pk)) for s in case.signals.all()},
    }
    events = [e for e in AuditEvent.objects.all() if (e.object_type, e.object_id) in ids]
    assert len(events) >= 6
    moments += [e.at for e in events]
    assert {timezone.localtime(m).date() for m in moments if m is not None} == {day}
    # Written in order through the service: the chain is whole, nothing rewritten afterwards.
    assert audit.verify() == []
