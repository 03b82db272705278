# SPDX-License-Identifier: EUPL-1.2
"""The counts behind the report's figures: read-only queries, one per figure.

Aggregates are counted in the database (``GROUP BY``), so an election with many thousands of
signals costs a handful of queries, not one per row.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from flagdesk.assessments.models import Decision, DecisionStatus, Outcome
from flagdesk.intake.models import Case, IntakeOutcome, RefusalCount, Signal
from flagdesk.platforms.models import Platform


def deployed_cases(election: Any) -> QuerySet[Case]:
    """Cases with an approved decision to deploy the status."""
    return (
        Case.objects.filter(
            election=election,
            decisions__status=DecisionStatus.APPROVED,
            decisions__outcome=Outcome.DEPLOY,
        )
        .distinct()
        .select_related("platform", "election", "assessment")
        .order_by("created_at", "pk")
    )


def signals_by_source_and_category(election: Any) -> dict[tuple[str, str], int]:
    rows = (
        Signal.objects.filter(election=election)
        .order_by()
        .values_list("source_type", "category")
        .annotate(n=Count("pk"))
    )
    return {(source, category): n for source, category, n in rows}


def intake_refusals(election: Any) -> Counter[str]:
    """Reason code → signals refused at intake for it.

    Signals from sources the rules do not accept are never stored, only counted
    (``RefusalCount``): they all count as ``SOURCE_NOT_ACCEPTED``.
    """
    counts: Counter[str] = Counter()
    refused = Signal.objects.filter(election=election, intake_outcome=IntakeOutcome.REFUSED)
    for reasons in refused.values_list("intake_reasons", flat=True):
        counts.update(set(reasons or ()))
    not_stored = RefusalCount.objects.filter(election=election).aggregate(n=Sum("count"))["n"]
    if not_stored:
        counts["SOURCE_NOT_ACCEPTED"] += not_stored
    return counts


def citizen_referrals(election: Any) -> list[tuple[str, int]]:
    """(platform name, people referred to its reporting route), most first."""
    rows = (
        RefusalCount.objects.filter(election=election, referred=True)
        .order_by()
        .values_list("platform_key")
        .annotate(n=Sum("count"))
    )
    names = dict(Platform.objects.values_list("slug", "name"))
    counts = [(names.get(key, key), n) for key, n in rows if n]
    return sorted(counts, key=lambda item: (-item[1], item[0]))


def decisions_by_outcome(election: Any) -> tuple[dict[str, int], int]:
    """Approved decisions per outcome, and the number of cases without one."""
    approved = Decision.objects.filter(case__election=election, status=DecisionStatus.APPROVED)
    counts = dict(approved.order_by().values_list("outcome").annotate(n=Count("pk")))
    undecided = (
        Case.objects.filter(election=election)
        .exclude(Q(decisions__status=DecisionStatus.APPROVED))
        .count()
    )
    return counts, undecided


def deployments_per_platform(election: Any) -> list[tuple[str, int]]:
    rows = (
        Decision.objects.filter(
            case__election=election,
            status=DecisionStatus.APPROVED,
            outcome=Outcome.DEPLOY,
        )
        .order_by()
        .values_list("case__platform__name")
        .annotate(n=Count("case", distinct=True))
    )
    return sorted(((name, n) for name, n in rows), key=lambda item: (-item[1], item[0]))


def deployments_by_basis(election: Any) -> dict[str, list[tuple[str, str, int]]]:
    """Approved decisions to deploy per legal basis: ``(platform, type of alleged illegal
    content or "", number)``, by platform and type."""
    rows = (
        Decision.objects.filter(
            case__election=election,
            status=DecisionStatus.APPROVED,
            outcome=Outcome.DEPLOY,
        )
        .order_by()
        .values_list("legal_basis", "case__platform__name", "illegal_content_type")
        .annotate(n=Count("case", distinct=True))
    )
    found: dict[str, list[tuple[str, str, int]]] = {}
    for basis, platform, content_type, n in rows:
        found.setdefault(basis, []).append((platform, content_type, n))
    return {basis: sorted(counts) for basis, counts in found.items()}
