# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Case as Conditional
from django.db.models import Count, IntegerField, Q, Value, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from flagdesk.accounts.constants import Role
from flagdesk.accounts.permissions import Action, can, require
from flagdesk.assessments import service as assessments
from flagdesk.core import queues, workers
from flagdesk.core.live import live_page
from flagdesk.elections import service as elections
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import CaseState, IntakeOutcome
from flagdesk.mailarchive import selectors as mailarchive
from flagdesk.narratives import service as narratives
from flagdesk.notices import clocks
from flagdesk.notices import service as notices

WAITING_LIMIT = 25
RECENT_SIGNALS = 10
PROBLEMS_LIMIT = 25
CLOCKS_LIMIT = 25


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    value: int
    percent: int = 0


def _chosen_election(request: HttpRequest, every: list[Election]) -> Election | None:
    """The election asked for by its code, else the current one, from ``every`` election
    (the picker's list: one read for the picker, this choice and the clocks)."""
    code = request.GET.get("election", "").strip().lower()
    chosen = next((e for e in every if e.code.lower() == code), None) if code else None
    return chosen or elections.pick_current(every, timezone.localdate())


def _counts(rows: dict[str, int], choices: Iterable[tuple[str, Any]]) -> list[Tally]:
    return [Tally(value, str(label), rows.get(value, 0)) for value, label in choices]


def _platform_counts(election: Election) -> list[Tally]:
    rows = (
        intake.cases_for_election(election)
        .order_by()
        .values("platform__slug", "platform__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "platform__name")
    )
    top = max((row["n"] for row in rows), default=0)
    # The bar length is an SVG attribute computed here: CSP forbids style attributes.
    return [
        Tally(
            row["platform__slug"],
            row["platform__name"],
            row["n"],
            round(100 * row["n"] / top) if top else 0,
        )
        for row in rows
    ]


def _statistics(election: Election) -> dict[str, Any]:
    states = {
        row["state"]: row["n"]
        for row in intake.cases_for_election(election)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
    }
    outcomes = {
        row["intake_outcome"]: row["n"]
        for row in intake.signals_for_election(election)
        .order_by()
        .values("intake_outcome")
        .annotate(n=Count("pk"))
    }
    # A refusal at the gate (a citizen referred to the platform) keeps no signal, only an
    # anonymous counter: count those as refused too, and say how many were referrals.
    refused, referred = intake.refusals_counted(election)
    outcomes[IntakeOutcome.REFUSED] = outcomes.get(IntakeOutcome.REFUSED, 0) + refused
    signal_outcomes = _counts(outcomes, IntakeOutcome.choices)
    signal_outcomes.append(
        Tally("referred", _("of which citizens referred to the platform"), referred)
    )
    return {
        "case_states": _counts(states, CaseState.choices),
        "signal_outcomes": signal_outcomes,
        "platform_counts": _platform_counts(election),
    }


@dataclass(frozen=True)
class AckBar:
    """One platform's median time to acknowledgment, with its bar length in percent."""

    stats: notices.AckStats
    percent: int


def ack_bars(stats: list[notices.AckStats]) -> list[AckBar]:
    top = max((s.median_seconds or 0 for s in stats), default=0)
    # As for the platform chart: the bar length is an SVG attribute, CSP forbids styles.
    return [
        AckBar(s, round(100 * s.median_seconds / top) if top and s.median_seconds else 0)
        for s in stats
    ]


def _attention(user: Any, book: clocks.ClockBook, problems: list[Any]) -> dict[str, Any]:
    """Deliveries that went wrong (for everyone: a notice may not have arrived) and the
    user's own notices still waiting for an acknowledgment."""
    live = workers.live_workers()
    return {
        # Overdue first, then due soon: red and amber at the top of the panel.
        "clocks_attention": clocks.needing_attention(limit=CLOCKS_LIMIT, book=book),
        "problems": problems,
        "reminders": notices.reminders_for(user),
        # Without a worker nothing is sent and no mail is read: say so where people look.
        "worker_down": not live,
        "mailboxes_failing": [state for state in workers.mailbox_states(live) if not state.ok],
        "notices_waiting": notices.waiting_to_send(),
        "notices_stuck": notices.stuck_notices(),
    }


@dataclass(frozen=True)
class QueueRow:
    label: str
    waiting: int
    oldest_seconds: float | None


def _queue_label(name: str) -> str:
    labels = {
        "notices": _("Notices to send"),
        "default": _("Matching and retention"),
        "mail": _("Mail"),
    }
    return str(labels.get(name, name))


def _background() -> dict[str, Any]:
    """What the worker has still to do: tasks per queue and cases waiting for matching, each
    with the time the longest has waited (a surge, or too few workers, shows here)."""
    now = timezone.now()
    rows = [
        QueueRow(_queue_label(q.name), q.waiting, q.oldest_seconds(now))
        for q in queues.queue_states()
    ]
    backlog = narratives.matching_backlog()
    oldest = (now - backlog.oldest).total_seconds() if backlog.oldest else None
    rows.append(QueueRow(str(_("Cases waiting for matching")), backlog.cases, oldest))
    return {"background": rows}


def _waiting(
    user: Any, election: Election, book: clocks.ClockBook, problems: list[Any]
) -> dict[str, Any]:
    """Everything this user's roles must act on, each with its clock where one runs."""
    waiting: dict[str, Any] = {}
    if can(user, Action.ASSESS):
        waiting |= _cases_to_assess(user, election, book)
    if can(user, Action.APPROVE):
        decisions = assessments.decisions_awaiting(user)
        decisions.sort(key=lambda d: d.decided_at)  # the longest waiting first
        waiting["decisions_to_review"] = decisions
        waiting["review_rows"] = [(d, book.approval_clock(d)) for d in decisions]
    if can(user, Action.SEND_NOTICE):
        waiting |= _follow_ups(user, book, problems)
    if user.has_role(Role.INTAKE):
        waiting["recent_signals"] = list(intake.signals_recorded_by(user)[:RECENT_SIGNALS])
    return waiting


def _cases_to_assess(user: Any, election: Election, book: clocks.ClockBook) -> dict[str, Any]:
    """New and assessing cases, the ones this assessor owns or works on first, then the oldest;
    cases a colleague owns are theirs to do and are left out."""
    mine = Conditional(
        When(owner=user, then=Value(0)),
        When(assessment__assessed_by=user, owner__isnull=True, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    cases = list(
        intake.cases_for_election(election)
        .filter(state__in=[CaseState.NEW, CaseState.ASSESSING])
        .filter(Q(owner__isnull=True) | Q(owner=user))
        .annotate(mine=mine)
        .order_by("mine", "created_at", "pk")[:WAITING_LIMIT]
    )
    rows = intake.case_rows(cases)
    for row, case in zip(rows, cases, strict=True):
        row["clock"] = book.decision_clock(case)
        row["mine"] = case.mine == 0
    return {"cases_to_assess": cases, "case_rows_to_assess": rows}


def _follow_ups(user: Any, book: clocks.ClockBook, problems: list[Any]) -> dict[str, Any]:
    """What the assessors who send notices follow up: portal notices to submit in the
    platform's portal, notices whose acknowledgment clock ran out (their own decisions'
    first), deliveries that failed or bounced (the attention panel's list), and mail that
    waits for a person to link or confirm it."""
    return {
        "notices_overdue": clocks.overdue_acknowledgments(book, user.pk, WAITING_LIMIT),
        "portal_to_submit": clocks.portal_notices_to_submit(book, WAITING_LIMIT),
        "deliveries_failed": problems[:WAITING_LIMIT],
        "mail_to_confirm": mailarchive.messages_waiting_for_a_person(WAITING_LIMIT),
    }


@login_required
@live_page
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    every = elections.all_elections()
    election = _chosen_election(request, every)
    choices = [(e, elections.picker_label(e)) for e in every]
    context: dict[str, Any] = {"election": election, "election_choices": choices}
    if not request.GET.get("election"):
        context["election_default_note"] = elections.default_explained(election)
    # One book for every clock on the page: the platforms and elections are read once.
    book = clocks.ClockBook(timezone.now(), elections={e.pk: e for e in every})
    problems = list(notices.problems()[:PROBLEMS_LIMIT])
    context |= _attention(request.user, book, problems) | _background()
    if election is not None:
        context |= _statistics(election) | _waiting(request.user, election, book, problems)
        context["ack_bars"] = ack_bars(notices.acknowledgment_stats(election))
    return render(request, "desk/dashboard.html", context)


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: the database answers; how many workers report,
    how many notices wait for one (and how many of them are stuck), and whether the watched
    mailboxes can be read. "degraded", with HTTP 503 so that a check on the status code
    alarms, when notices wait and no worker runs, a notice is stuck, or a mailbox can't be
    read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    live = len(workers.live_workers())
    waiting = notices.waiting_to_send()
    stuck = len(notices.stuck_notices())
    mailboxes = workers.mailbox_states()
    failing = any(not state.ok for state in mailboxes)
    degraded = (waiting and not live) or stuck or failing
    status = "degraded" if degraded else "ok"
    now = timezone.now()
    backlog = narratives.matching_backlog()
    return JsonResponse(
        {
            "status": status,
            "database": "ok",
            "workers": live,
            "notices_waiting": waiting,
            # Added in issue 18: queued notices nothing will send (see docs/operations.md).
            "notices_stuck": stuck,
            # The state only, not the error text: /health is public.
            "mailboxes": [
                {"ok": state.ok, "since": _iso(state.ok_at if state.ok else state.error_since)}
                for state in mailboxes
            ],
            # Added in issue 17: tasks due per queue and how long the oldest has waited.
            "queues": {
                q.name: {"waiting": q.waiting, "oldest_seconds": _seconds(q.oldest_seconds(now))}
                for q in queues.queue_states()
            },
            "matching": {
                "cases_waiting": backlog.cases,
                "oldest_seconds": _seconds(
                    (now - backlog.oldest).total_seconds() if backlog.oldest else None
                ),
            },
        },
        status=503 if degraded else 200,
    )


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None
