# SPDX-License-Identifier: EUPL-1.2
"""Clocks on cases and notices against their service levels (issue 15).

The pure rules are ``rules/clocks.py``; this module feeds them: the deployment's defaults
(``FLAGDESK_SLA_*``, ``FLAGDESK_ACK_REMINDER_*``), a platform's own values, and whether the
case's election is on its election day. It lives in ``notices`` because every stage ends
here (a decision leads to a notice, a notice to an acknowledgment) and the acknowledgment
reminder it builds on already did; ``desk`` and the case page read it.

Reads cost a fixed number of queries whatever the number of items: one per stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case as Conditional
from django.db.models import CharField, Exists, F, IntegerField, Max, Min, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from flagdesk.assessments.models import Decision, DecisionStatus
from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case, CaseState
from flagdesk.notices.models import DeliveryState, Notice
from flagdesk.platforms.models import Platform
from flagdesk.rules.clocks import (
    ClockState,
    Reading,
    ServiceLevels,
    Stage,
    Thresholds,
    is_election_period,
    most_urgent_first,
    read_clock,
    threshold_minutes,
)

REMINDER_DUE = "reminder_due"
PORTAL = "portal"  # a notice's channel kind when a person submits it in the platform's portal
OPEN_STATES = (CaseState.NEW, CaseState.ASSESSING)


def service_levels() -> ServiceLevels:
    return ServiceLevels(
        normal=Thresholds(
            decision=settings.SLA_DECISION_MINUTES,
            approval=settings.SLA_APPROVAL_MINUTES,
            acknowledgment=settings.ACK_REMINDER_MINUTES,
        ),
        election_day=Thresholds(
            decision=settings.SLA_DECISION_MINUTES_ELECTION_DAY,
            approval=settings.SLA_APPROVAL_MINUTES_ELECTION_DAY,
            acknowledgment=settings.ACK_REMINDER_MINUTES_ELECTION_DAY,
        ),
        due_soon_percent=settings.SLA_DUE_SOON_PERCENT,
    )


def platform_overrides(platform: Platform) -> dict[Stage, int | None]:
    return {
        Stage.DECISION: platform.sla_decision_minutes,
        Stage.APPROVAL: platform.sla_approval_minutes,
        Stage.ACKNOWLEDGMENT: platform.sla_ack_minutes,
    }


def election_period(election: Election, now: dt.datetime) -> bool:
    return is_election_period(
        timezone.localdate(now),
        election.election_day,
        election.attention_start,
        election.attention_end,
        settings.SLA_ELECTION_DAY_MARGIN_DAYS,
    )


def threshold_for(stage: Stage, platform: Platform, election: Election, now: dt.datetime) -> int:
    return threshold_minutes(
        service_levels(),
        stage,
        platform_overrides(platform),
        election_day=election_period(election, now),
    )


@dataclass(frozen=True)
class Clock:
    """A running clock on one item: the case it belongs to, the notice if it is one's, and
    the reading."""

    case: Case
    reading: Reading
    notice: Notice | None = None
    decision: Decision | None = None

    @property
    def item(self) -> Case | Notice:
        return self.notice if self.notice is not None else self.case

    @property
    def responsible_id(self) -> int | None:
        """Who proposed the decision behind a notice: the assessor who follows it up."""
        return self.notice.decision.decided_by_id if self.notice is not None else None

    @property
    def state(self) -> str:
        return str(self.reading.state)


def _clock(stage: Stage, since: dt.datetime, case: Case, now: dt.datetime, **item: Any) -> Clock:
    threshold = threshold_for(stage, case.platform, case.election, now)
    reading = read_clock(stage, since, now, threshold, settings.SLA_DUE_SOON_PERCENT)
    return Clock(case, reading, **item)


# ------------------------------------------------------------------ the three stages
# Each takes ``started_before``: a clock that started later can't be due yet under any
# threshold (``earliest_due``), so the database leaves it out; the dashboard and the
# reminder job then read the few that matter, not every open case of every election.


def earliest_due(stage: Stage, now: dt.datetime, percent: int = 100) -> dt.datetime:
    """Clocks of ``stage`` that started after this are below ``percent`` of the smallest
    threshold any platform or day may have: not due (soon), whatever their platform."""
    return _earliest_due(stage, now, percent, service_levels(), Platform.objects.all())


def _earliest_due(
    stage: Stage,
    now: dt.datetime,
    percent: int,
    levels: ServiceLevels,
    platforms: Iterable[Platform],
) -> dt.datetime:
    own = [m for p in platforms if (m := platform_overrides(p)[stage])]
    least = min(
        m for m in (levels.normal.minutes(stage), levels.election_day.minutes(stage), *own) if m
    )
    return now - dt.timedelta(minutes=least * min(max(percent, 0), 100) / 100)


def decision_clocks(
    now: dt.datetime,
    cases: Any = None,
    *,
    started_before: dt.datetime | None = None,
    oldest: int | None = None,
) -> list[Clock]:
    """Open cases: from the first signal (``Case.clock_since``, kept by intake)."""
    rows = (
        (cases if cases is not None else Case.objects.all())
        .filter(state__in=OPEN_STATES)
        .select_related("platform", "election")
    )
    if started_before is not None:
        rows = rows.filter(clock_since__lte=started_before)
    if oldest is not None:
        rows = rows.order_by("clock_since", "pk")[:oldest]
    return [_clock(Stage.DECISION, case.clock_since, case, now) for case in rows]


def approval_clocks(
    now: dt.datetime,
    decisions: Any = None,
    *,
    started_before: dt.datetime | None = None,
    oldest: int | None = None,
) -> list[Clock]:
    """Proposed decisions: from the proposal."""
    rows = (
        (decisions if decisions is not None else Decision.objects.all())
        .filter(status=DecisionStatus.PROPOSED)
        .select_related("case__platform", "case__election", "decided_by")
    )
    if started_before is not None:
        rows = rows.filter(decided_at__lte=started_before)
    if oldest is not None:
        rows = rows.order_by("decided_at", "pk")[:oldest]
    return [_clock(Stage.APPROVAL, d.decided_at, d.case, now, decision=d) for d in rows]


def acknowledgment_clocks(
    now: dt.datetime,
    notices: Any = None,
    *,
    started_before: dt.datetime | None = None,
    oldest: int | None = None,
) -> list[Clock]:
    """Notices without an acknowledgment: an e-mail notice from the mail server's acceptance,
    a portal notice from being made final until someone records its submission in the
    platform's portal (the submission is its acknowledgment)."""
    rows = _unacknowledged(notices if notices is not None else Notice.objects.all()).select_related(
        "delivery", "case__platform", "case__election", "platform", "decision"
    )
    if started_before is not None:
        rows = rows.filter(clock_since__lte=started_before)
    if oldest is not None:
        rows = rows.order_by("clock_since", "pk")[:oldest]
    # clock_since is the annotation above.
    return [_clock(Stage.ACKNOWLEDGMENT, n.clock_since, n.case, now, notice=n) for n in rows]


def _unacknowledged(notices: Any) -> Any:
    """``notices`` whose acknowledgment clock runs, annotated with its start ``clock_since``."""
    return (
        notices.filter(acknowledged_at__isnull=True)
        .filter(
            Q(delivery__state=DeliveryState.ACCEPTED, delivery__accepted_at__isnull=False)
            | Q(
                channel_kind=PORTAL,
                delivery__state=DeliveryState.QUEUED,
                frozen_at__isnull=False,
            )
        )
        .annotate(clock_since=Coalesce("delivery__accepted_at", "frozen_at"))
    )


def portal_notices_to_submit(book: ClockBook, limit: int) -> list[Clock]:
    """Portal notices made final and not yet recorded as submitted, the oldest first: each
    waits for a person to submit it in the platform's portal. Read as plain values and
    made into notices only when there are any (the dashboard asks on every load)."""
    notices = Notice.objects.filter(channel_kind=PORTAL, delivery__state=DeliveryState.QUEUED)
    rows = (
        _unacknowledged(notices)
        .order_by("clock_since", "pk")
        .values_list("pk", "clock_since", "case__platform_id", "case__election_id")
    )
    return _as_clocks(
        [
            (Stage.ACKNOWLEDGMENT, pk, book.read(Stage.ACKNOWLEDGMENT, since, platform, election))
            for pk, since, platform, election in rows[:limit]
        ],
        book,
    )


def running_clocks(
    now: dt.datetime | None = None, percent: int = 0, oldest: int | None = None
) -> list[Clock]:
    """Every running clock that has reached ``percent`` of the smallest threshold (0: all).

    :param oldest: per stage, only the clocks that started first (the dashboard's bound).
    """
    now = now or timezone.now()

    def cut(stage: Stage) -> dt.datetime | None:
        return earliest_due(stage, now, percent) if percent else None

    clocks = (
        decision_clocks(now, started_before=cut(Stage.DECISION), oldest=oldest)
        + approval_clocks(now, started_before=cut(Stage.APPROVAL), oldest=oldest)
        + acknowledgment_clocks(now, started_before=cut(Stage.ACKNOWLEDGMENT), oldest=oldest)
    )
    return _most_urgent_first(clocks)


def _most_urgent_first(clocks: list[Clock]) -> list[Clock]:
    order = {id(r): i for i, r in enumerate(most_urgent_first([c.reading for c in clocks]))}
    return sorted(clocks, key=lambda c: order[id(c.reading)])


# The dashboard reads the clocks of at most this many items per stage, the ones that started
# first. On a busy day thousands of cases can be open: reading every clock cost the dashboard
# 250 ms of CPU at 1,900 open cases (docs/benchmarks.md). Within a platform and election the
# oldest clock is the most overdue one; a younger item of a platform with a much tighter
# threshold can fall outside the bound only when this many older items are already late.
ATTENTION_CANDIDATES = 150


def needing_attention(
    now: dt.datetime | None = None, limit: int = 50, book: ClockBook | None = None
) -> list[Clock]:
    """Overdue, then due soon: what the dashboard raises to the top.

    Per stage the oldest ``ATTENTION_CANDIDATES`` items are read as plain values (id, start,
    platform, election) and their clocks computed with the platforms and elections read
    once; only the ``limit`` shown become model instances. A fixed number of queries: the
    book's two, one per stage, and one per stage that has an item to show
    (docs/benchmarks.md)."""
    book = book or ClockBook(now or timezone.now())
    oldest = max(limit, ATTENTION_CANDIDATES)
    late: list[tuple[Stage, int, Reading]] = []
    for stage in (Stage.DECISION, Stage.APPROVAL, Stage.ACKNOWLEDGMENT):
        started_before = book.due(stage, settings.SLA_DUE_SOON_PERCENT)
        for pk, since, platform_id, election_id in _oldest(stage, started_before)[:oldest]:
            reading = book.read(stage, since, platform_id, election_id)
            if reading.state != ClockState.OK:
                late.append((stage, pk, reading))
    by_reading = {id(reading): (stage, pk) for stage, pk, reading in late}
    chosen = [(*by_reading[id(r)], r) for r in most_urgent_first([r for _s, _p, r in late])[:limit]]
    return _as_clocks(chosen, book)


def _oldest(stage: Stage, started_before: dt.datetime) -> Any:
    """The running clocks of ``stage`` that started before ``started_before``, oldest first, as
    (id, start, platform id, election id). The decision stage is a scan of the open cases'
    clock index."""
    if stage == Stage.DECISION:
        rows: Any = Case.objects.filter(state__in=OPEN_STATES, clock_since__lte=started_before)
        fields = ("pk", "clock_since", "platform_id", "election_id")
    elif stage == Stage.APPROVAL:
        rows = Decision.objects.filter(
            status=DecisionStatus.PROPOSED, decided_at__lte=started_before
        ).annotate(clock_since=F("decided_at"))
        fields = ("pk", "clock_since", "case__platform_id", "case__election_id")
    else:
        rows = _unacknowledged(Notice.objects.all()).filter(clock_since__lte=started_before)
        fields = ("pk", "clock_since", "case__platform_id", "case__election_id")
    return rows.order_by("clock_since", "pk").values_list(*fields)


def _as_clocks(chosen: list[tuple[Stage, int, Reading]], book: ClockBook) -> list[Clock]:
    """The chosen readings as clocks on their cases, decisions and notices, in their order:
    one query per stage that has any. The cases' platforms and elections (and the notices'
    platforms) are the book's, not joined again."""

    def wanted(stage: Stage) -> list[int]:
        return [pk for s, pk, _r in chosen if s == stage]

    # in_bulk of no ids is no query.
    cases = Case.objects.in_bulk(wanted(Stage.DECISION))
    decisions = Decision.objects.select_related("case", "decided_by").in_bulk(
        wanted(Stage.APPROVAL)
    )
    notices = Notice.objects.select_related("delivery", "case", "decision").in_bulk(
        wanted(Stage.ACKNOWLEDGMENT)
    )
    for case in [*cases.values(), *(d.case for d in decisions.values())]:
        book.furnish(case)
    for notice in notices.values():
        book.furnish(notice.case)
        notice.platform = book.platforms[notice.platform_id]
    clocks = []
    for stage, pk, reading in chosen:
        # An item deleted between the two reads is left out; one that moved on meanwhile
        # (decided, acknowledged) shows its clock as read, and is gone at the next render.
        if stage == Stage.DECISION and pk in cases:
            clocks.append(Clock(cases[pk], reading))
        elif stage == Stage.APPROVAL and pk in decisions:
            clocks.append(Clock(decisions[pk].case, reading, decision=decisions[pk]))
        elif stage == Stage.ACKNOWLEDGMENT and pk in notices:
            clocks.append(Clock(notices[pk].case, reading, notice=notices[pk]))
    return clocks


class ClockBook:
    """The service levels at ``now`` with every platform and election read once, and each
    (stage, platform, election) threshold computed once: a clock read in a loop costs no
    query and little CPU. One per page: the dashboard reads all its clocks through one."""

    def __init__(self, now: dt.datetime, elections: dict[int, Election] | None = None) -> None:
        """:param elections: every election by id, when the caller has read them already."""
        self.now = now
        self.levels = service_levels()
        self.platforms = Platform.objects.in_bulk()
        self.elections = elections if elections is not None else Election.objects.in_bulk()
        self._thresholds: dict[tuple[Stage, int, int], int] = {}

    def due(self, stage: Stage, percent: int = 100) -> dt.datetime:
        return _earliest_due(stage, self.now, percent, self.levels, self.platforms.values())

    def read(self, stage: Stage, since: dt.datetime, platform_id: int, election_id: int) -> Reading:
        key = (stage, platform_id, election_id)
        if key not in self._thresholds:
            self._thresholds[key] = threshold_minutes(
                self.levels,
                stage,
                platform_overrides(self.platforms[platform_id]),
                election_day=election_period(self.elections[election_id], self.now),
            )
        threshold = self._thresholds[key]
        return read_clock(stage, since, self.now, threshold, self.levels.due_soon_percent)

    def furnish(self, case: Case) -> None:
        """Give ``case`` its platform and election from the book (no query, no join)."""
        case.platform = self.platforms[case.platform_id]
        case.election = self.elections[case.election_id]

    def decision_clock(self, case: Case) -> Clock:
        """The decision clock of an open case already read (no query)."""
        return Clock(
            case, self.read(Stage.DECISION, case.clock_since, case.platform_id, case.election_id)
        )

    def approval_clock(self, decision: Decision) -> Clock:
        """The approval clock of a proposed decision already read with its case (no query)."""
        case = decision.case
        reading = self.read(Stage.APPROVAL, decision.decided_at, case.platform_id, case.election_id)
        return Clock(case, reading, decision=decision)


def overdue_acknowledgments(book: ClockBook, responsible_id: int | None, limit: int) -> list[Clock]:
    """Notices whose acknowledgment clock ran out, those whose decision ``responsible_id``
    proposed first, then the longest waiting. Like ``needing_attention``, it reads the
    first ``ATTENTION_CANDIDATES`` as plain values and makes only the ``limit`` shown into
    notices."""
    mine = Conditional(
        When(decision__decided_by_id=responsible_id, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    rows = (
        _unacknowledged(Notice.objects.all())
        .filter(clock_since__lte=book.due(Stage.ACKNOWLEDGMENT))
        .annotate(mine=mine)
        .order_by("mine", "clock_since", "pk")
        .values_list("pk", "clock_since", "case__platform_id", "case__election_id")
    )
    overdue = []
    for pk, since, platform_id, election_id in rows[: max(limit, ATTENTION_CANDIDATES)]:
        reading = book.read(Stage.ACKNOWLEDGMENT, since, platform_id, election_id)
        if reading.overdue:
            overdue.append((Stage.ACKNOWLEDGMENT, pk, reading))
    return _as_clocks(overdue[:limit], book)


def case_clocks(
    case: Case, now: dt.datetime | None = None, *, decisions: list[Decision] | None = None
) -> list[Clock]:
    """The clocks running on one case (the case page, the API's case).

    :param decisions: every decision of the case, read in this request with the case
        itself (its platform and election loaded): the decision and approval clocks are
        then computed from these objects and only the notices are read (one query instead
        of three, on the page people open most on election day). Without them, the case's
        state is read again, so a case object from before a change gives today's clocks.
    """
    now = now or timezone.now()
    if decisions is None:
        clocks = decision_clocks(now, Case.objects.filter(pk=case.pk)) + approval_clocks(
            now, Decision.objects.filter(case=case)
        )
    else:
        is_open = case.state in OPEN_STATES
        clocks = [_clock(Stage.DECISION, case.clock_since, case, now)] if is_open else []
        clocks += [
            _clock(Stage.APPROVAL, d.decided_at, case, now, decision=d)
            for d in decisions  # in the model's ordering, as the query above gives them
            if d.status == DecisionStatus.PROPOSED
        ]
    clocks += acknowledgment_clocks(now, Notice.objects.filter(case=case))
    return _most_urgent_first(clocks)


@dataclass(frozen=True)
class SignalTimes:
    first: dt.datetime | None
    latest: dt.datetime | None


def signal_times(case: Case) -> SignalTimes:
    times = case.signals.aggregate(first=Min("received_at"), latest=Max("received_at"))
    return SignalTimes(times["first"], times["latest"])


def signal_times_of(signals: Iterable[Any]) -> SignalTimes:
    """:func:`signal_times` of the case's signals as the page read them (no query)."""
    received = [s.received_at for s in signals]
    return SignalTimes(min(received, default=None), max(received, default=None))


# ------------------------------------------------------------------ the reminder job


# One upkeep round (every few seconds, per worker) writes at most this many reminders, the
# oldest clocks first; the rest follow in the next rounds. Thousands of cases overdue at
# once (a backlog after a restart) made one round take a minute of audit writes, and at 200
# per round the reminders were still the busiest writer on the audit chain during a surge
# (docs/benchmarks.md). A reminder is a nudge: the dashboard shows the clock at once.
REMINDERS_PER_ROUND = 10


def remind_due(now: dt.datetime | None = None, limit: int = REMINDERS_PER_ROUND) -> list[Clock]:
    """One ``reminder_due`` audit event per case and stage when its clock runs out, with the
    moment the clock started: a decision sent back and proposed again starts a new approval
    clock and earns its own reminder. (The acknowledgment stage is
    ``notices.service.remind_unacknowledged``'s ``notice_reminder``, in the same shape.)

    The database leaves out what was reminded already (a decision reminder for the case; an
    approval reminder written after the proposal), so a round reads only what is still to
    do, at most ``limit`` per stage. Idempotent: checked again under the case's row lock
    before writing; a case another worker holds is skipped (that worker writes it)."""
    now = now or timezone.now()
    candidates = decision_clocks(
        now,
        Case.objects.exclude(_reminded_for(Stage.DECISION, OuterRef("pk"))),
        started_before=earliest_due(Stage.DECISION, now),
        oldest=limit,
    ) + approval_clocks(
        now,
        Decision.objects.exclude(
            _reminded_for(Stage.APPROVAL, OuterRef("case_id"), since=OuterRef("decided_at"))
        ),
        started_before=earliest_due(Stage.APPROVAL, now),
        oldest=limit,
    )
    overdue = [c for c in candidates if c.reading.overdue]
    done = _reminded(overdue)
    return [c for c in overdue if _key(c) not in done and _remind_once(c)]


def _reminded_for(stage: Stage, case_id: Any, since: Any = None) -> Exists:
    """A reminder of ``stage`` on the case exists (written after ``since``, when given): one
    lookup on the audit index (object type, object id) per case."""
    events = AuditEvent.objects.filter(
        action=REMINDER_DUE,
        object_type="intake.case",
        object_id=Cast(case_id, CharField()),
        after__stage=str(stage),
    )
    if since is not None:
        events = events.filter(at__gte=since)
    return Exists(events)


def reminder_after(clock: Clock) -> dict[str, Any]:
    """The ``after`` of a reminder event: what the notifications show and link to."""
    return {
        "stage": str(clock.reading.stage),
        "threshold_minutes": clock.reading.threshold_minutes,
        "since": clock.reading.since.isoformat(),
        "case": clock.case.reference,
    }


def _key(clock: Clock) -> tuple[str, str, str]:
    return str(clock.case.pk), str(clock.reading.stage), clock.reading.since.isoformat()


def _reminded(clocks: list[Clock]) -> set[tuple[str, str, str]]:
    afters = audit.afters_of(REMINDER_DUE, "intake.case", {c.case.pk for c in clocks})
    return {
        (object_id, str(after.get("stage")), str(after.get("since")))
        for object_id, rows in afters.items()
        for after in rows
        if isinstance(after, dict)
    }


def _remind_once(clock: Clock) -> bool:
    with transaction.atomic():
        # skip_locked: two workers' upkeep must not queue behind each other case by case
        # (SQLite has no row locks: its writers take turns anyway).
        locked = (
            Case.objects.select_for_update(no_key=True, skip_locked=True)
            .filter(pk=clock.case.pk)
            .first()
        )
        if locked is None:
            return False  # another worker is writing it
        if _key(clock) in _reminded([clock]):
            return False  # another worker wrote it meanwhile
        audit.log(REMINDER_DUE, clock.case, after=reminder_after(clock))
    return True


def clocks_as_json(case: Case) -> list[dict[str, Any]]:
    """The case's running clocks for the API's case answer, most urgent first."""
    return [
        {
            "stage": str(clock.reading.stage),
            "state": clock.state,
            "since": clock.reading.since,
            "threshold_minutes": clock.reading.threshold_minutes,
            "due_at": clock.reading.due_at,
            "notice": clock.notice.pk if clock.notice is not None else None,
        }
        for clock in case_clocks(case)
    ]
