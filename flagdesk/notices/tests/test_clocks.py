# SPDX-License-Identifier: EUPL-1.2
"""Clocks on cases and notices, and the reminder job: one event per item and stage, with
the threshold of the platform and of election day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import media_case
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case, Signal
from flagdesk.notices import clocks, service
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from flagdesk.notices.tests.conftest import ELIGIBLE
from flagdesk.platforms.models import Platform
from flagdesk.rules.clocks import ClockState, Stage

NOW = timezone.now().replace(microsecond=0)


def open_case(election: Election, n: int, received_at: dt.datetime) -> Case:
    return media_case(election, f"https://x.com/a/status/{7000 + n}", received_at=received_at)


def reminders(stage: str | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action="reminder_due").order_by("seq")
    return [e for e in events if stage is None or (e.after or {}).get("stage") == stage]


def test_an_open_case_is_reminded_once_when_its_decision_clock_runs_out(
    tk2023: Election,
) -> None:
    first = NOW - dt.timedelta(hours=5)
    case = open_case(tk2023, 1, first)
    assert clocks.remind_due(first + dt.timedelta(minutes=239)) == []
    [due] = clocks.remind_due(first + dt.timedelta(minutes=240))
    assert due.case == case
    # The worker's next round, and a second worker, write nothing more.
    assert clocks.remind_due(first + dt.timedelta(minutes=300)) == []
    assert clocks.remind_due(NOW) == []
    [event] = reminders()
    assert (event.object_type, event.object_id) == ("intake.case", str(case.pk))
    assert event.after == {
        "stage": "decision",
        "threshold_minutes": 240,
        "since": first.isoformat(),
        "case": case.reference,
    }


def test_the_decision_clock_starts_at_the_first_signal_not_the_latest(
    tk2023: Election,
) -> None:
    first = NOW - dt.timedelta(hours=3)
    case = open_case(tk2023, 2, first)
    Signal.objects.create(
        election=tk2023,
        case=case,
        received_at=NOW,
        received_via="email",
        source_organisation_name="AFP",
        source_type="media",
        category="misinformation",
        platform_name="x",
        explanation="Same post.",
        intake_outcome="joined_case",
    )
    [clock] = clocks.case_clocks(case, NOW)
    assert clock.reading.since == first
    times = clocks.signal_times(case)
    assert (times.first, times.latest) == (first, NOW)


def test_a_platform_value_replaces_the_default(tk2023: Election, x_platform: Platform) -> None:
    x_platform.sla_decision_minutes = 600
    x_platform.save()
    first = NOW - dt.timedelta(hours=5)
    open_case(tk2023, 3, first)
    assert clocks.remind_due(first + dt.timedelta(minutes=300)) == []
    [clock] = clocks.decision_clocks(first + dt.timedelta(minutes=460))
    assert (clock.reading.threshold_minutes, clock.reading.state) == (600, ClockState.DUE_SOON)


def test_election_day_is_tighter(tk2023: Election, x_platform: Platform) -> None:
    # A platform's looser value does not loosen election day (30 min by default).
    x_platform.sla_decision_minutes = 600
    x_platform.save()
    on_the_day = dt.datetime(2023, 11, 22, 10, 0, tzinfo=dt.UTC)
    open_case(tk2023, 4, on_the_day)
    [due] = clocks.remind_due(on_the_day + dt.timedelta(minutes=31))
    assert due.reading.threshold_minutes == 30
    assert reminders()[0].after["threshold_minutes"] == 30


def test_a_proposal_awaiting_approval_is_reminded_once_per_proposal(
    tk2023: Election, alice: User, bob: User
) -> None:
    case = open_case(tk2023, 5, NOW - dt.timedelta(minutes=10))
    assessments.save_assessment(case, ELIGIBLE, alice)
    decision = assessments.propose_decision(case, "deploy", "Clear risk.", alice)
    proposed = decision.decided_at
    assert [c.reading.stage for c in clocks.case_clocks(case, proposed)] == [Stage.APPROVAL]
    [due] = clocks.remind_due(proposed + dt.timedelta(minutes=61))
    assert due.reading.stage == Stage.APPROVAL
    assert clocks.remind_due(proposed + dt.timedelta(minutes=90)) == []
    # Sent back and proposed again: a new clock, a new reminder when it runs out.
    assessments.review_decision(decision, False, bob, comment="Name the provisions.")
    again = assessments.propose_decision(case, "deploy", "Clear risk, see the checklist.", alice)
    assert again.decided_at > proposed
    [due] = clocks.remind_due(again.decided_at + dt.timedelta(minutes=61))
    events = reminders("approval")
    assert [e.after["since"] for e in events] == [
        proposed.isoformat(),
        again.decided_at.isoformat(),
    ]


def accept(notice: Notice, alice: User, at: dt.datetime) -> Notice:
    delivery = service.send(notice, alice)
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.ACCEPTED, accepted_at=at)
    return Notice.objects.get(pk=notice.pk)


def test_the_notice_reminder_has_the_shape_of_the_others(draft: Notice, alice: User) -> None:
    sent = NOW - dt.timedelta(hours=2)
    notice = accept(draft, alice, sent)
    assert service.remind_unacknowledged(sent + dt.timedelta(minutes=61)) == [notice]
    event = AuditEvent.objects.get(action="notice_reminder")
    assert event.after == {
        "stage": "acknowledgment",
        "threshold_minutes": 60,
        "since": sent.isoformat(),
        "case": notice.case.reference,
        "waited_minutes": 61,
    }
    # reminder_due is not written for notices: one event per reminder.
    assert clocks.remind_due(NOW) == []
    assert reminders("acknowledgment") == []


def test_a_platform_that_promises_two_hours_is_not_reminded_after_one(
    draft: Notice, alice: User, x_platform: Platform
) -> None:
    Platform.objects.filter(pk=x_platform.pk).update(sla_ack_minutes=120)
    sent = NOW - dt.timedelta(hours=3)
    notice = accept(draft, alice, sent)
    assert service.remind_unacknowledged(sent + dt.timedelta(minutes=90)) == []
    assert service.remind_unacknowledged(sent + dt.timedelta(minutes=120)) == [notice]


def test_an_acknowledged_notice_has_no_clock(draft: Notice, alice: User) -> None:
    sent = NOW - dt.timedelta(hours=2)
    notice = accept(draft, alice, sent)
    assert [c.notice for c in clocks.acknowledgment_clocks(NOW)] == [notice]
    service.record_acknowledgment(notice, sent + dt.timedelta(minutes=3), "mail <a@x>")
    assert clocks.acknowledgment_clocks(NOW) == []


def test_needing_attention_puts_overdue_first_and_leaves_out_what_is_on_time(
    tk2023: Election,
) -> None:
    on_time = open_case(tk2023, 10, NOW - dt.timedelta(minutes=10))
    due_soon = open_case(tk2023, 11, NOW - dt.timedelta(minutes=200))
    overdue = open_case(tk2023, 12, NOW - dt.timedelta(minutes=250))
    very_overdue = open_case(tk2023, 13, NOW - dt.timedelta(minutes=900))
    listed = clocks.needing_attention(NOW)
    assert [c.case for c in listed] == [very_overdue, overdue, due_soon]
    assert [c.state for c in listed] == ["overdue", "overdue", "due_soon"]
    assert on_time not in [c.case for c in listed]


@pytest.mark.parametrize("margin", [0, 1])
def test_the_day_after_election_day_counts_only_with_a_margin(
    tk2023: Election, settings: object, margin: int
) -> None:
    settings.SLA_ELECTION_DAY_MARGIN_DAYS = margin  # type: ignore[attr-defined]
    day_after = dt.datetime(2023, 11, 23, 10, 0, tzinfo=dt.UTC)
    assert clocks.election_period(tk2023, day_after) is (margin == 1)


def test_a_platform_tighter_than_every_default_is_not_filtered_out(
    tk2023: Election, x_platform: Platform
) -> None:
    # The database pre-filter uses the smallest threshold any platform has.
    Platform.objects.filter(pk=x_platform.pk).update(sla_decision_minutes=5)
    case = open_case(tk2023, 20, NOW - dt.timedelta(minutes=6))
    assert [c.case for c in clocks.needing_attention(NOW)] == [case]
    [due] = clocks.remind_due(NOW)
    assert due.reading.threshold_minutes == 5


def test_the_workers_upkeep_writes_the_reminders(tk2023: Election) -> None:
    from flagdesk.desk.management.commands.worker import upkeep

    open_case(tk2023, 21, NOW - dt.timedelta(hours=5))
    upkeep()
    upkeep()  # the next round, or a second worker
    assert len(reminders("decision")) == 1


def test_a_backlog_of_reminders_is_written_a_bounded_round_at_a_time(tk2023: Election) -> None:
    """After a restart thousands of clocks may have run out at once: one upkeep round writes
    at most ``limit``, the oldest first, and the next rounds the rest, each once."""
    first = NOW - dt.timedelta(hours=9)
    cases = [open_case(tk2023, 10 + n, first + dt.timedelta(minutes=n)) for n in range(5)]
    rounds = [clocks.remind_due(NOW, limit=2) for _ in range(4)]
    assert [len(r) for r in rounds] == [2, 2, 1, 0]
    assert [c.case for c in rounds[0]] == cases[:2]  # the oldest clocks first
    assert sorted(int(e.object_id) for e in reminders()) == sorted(c.pk for c in cases)


def _page_read(case: Case) -> tuple[Case, list[Any], list[Any]]:
    """The case, its signals and its decisions as the case page reads them."""
    case = Case.objects.select_related("platform", "election").get(pk=case.pk)
    return case, list(case.signals.all()), list(case.decisions.select_related("decided_by"))


@pytest.mark.parametrize("stage", ["open", "proposed", "sent back", "acknowledgment"])
def test_the_case_page_clocks_from_its_own_reads_match_the_database(
    stage: str, draft: Notice, alice: User, bob: User, django_assert_num_queries: Any
) -> None:
    """The case page gives the clocks panel the case, signals and decisions it read: the
    panel must show what reading them again would show, at every stage of a case."""
    case = draft.case
    if stage == "acknowledgment":
        accept(draft, alice, NOW - dt.timedelta(hours=2))
    else:
        case = open_case(draft.case.election, 30, NOW - dt.timedelta(minutes=50))
        if stage != "open":
            assessments.save_assessment(case, ELIGIBLE, alice)
            proposed = assessments.propose_decision(case, "deploy", "Clear risk.", alice)
        if stage == "sent back":
            assessments.review_decision(proposed, False, bob, comment="Name the provisions.")
            assessments.propose_decision(case, "deploy", "Clear risk, see the list.", alice)
    fresh, signals, decisions = _page_read(case)
    expected = clocks.case_clocks(fresh, NOW)
    with django_assert_num_queries(1):  # the notices; the rest comes from the page's reads
        given = clocks.case_clocks(fresh, NOW, decisions=decisions)
    assert [(c.reading, c.decision, c.notice) for c in given] == [
        (c.reading, c.decision, c.notice) for c in expected
    ]
    assert expected  # every stage here has a clock running
    assert clocks.signal_times_of(signals) == clocks.signal_times(fresh)


def test_the_case_page_shows_no_clock_on_a_case_without_signals_or_decisions() -> None:
    assert clocks.signal_times_of([]) == clocks.SignalTimes(None, None)
