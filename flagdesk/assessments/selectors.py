# SPDX-License-Identifier: EUPL-1.2
"""Reads of decisions that other apps use (writes go through ``service.py``).

``intake`` gets :func:`notified_urls` and :func:`frozen_sets` through its hook registry
(``intake/hooks.py``), registered in ``AssessmentsConfig.ready``, so it needs no import of
this app.
"""

from __future__ import annotations

from collections.abc import Sequence

from flagdesk.assessments.models import (
    Assessment,
    Decision,
    DecisionStatus,
    DecisionUrl,
    Outcome,
)
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case, CaseUrl


def notified_urls(
    election: Election, exclude_case: Case | None = None, among: Sequence[CaseUrl] | None = None
) -> set[str]:
    """Normalised URLs in the approved set of a deploy decision of this election.

    Only the set the decision covers counts: a URL that reached the case some other way was
    never in a notice (approval comes before sending, so this also stops a second notice while
    the first is a draft or queued).

    :param among: when given, only these case URLs are looked up.
    """
    query = DecisionUrl.objects.filter(
        election=election,
        decision__status=DecisionStatus.APPROVED,
        decision__outcome=Outcome.DEPLOY,
    )
    if exclude_case is not None:
        query = query.exclude(decision__case=exclude_case)
    if among is not None:
        query = query.filter(url_hash__in=[row.url_hash for row in among])
    return set(query.values_list("normalised_url", flat=True))


def frozen_sets(case_ids: list[int]) -> dict[int, frozenset[str]]:
    """Case id → the URL set of its proposed or approved decision, for the cases that have
    one. A decision that was sent back freezes nothing: the case is open again."""
    live = (DecisionStatus.PROPOSED, DecisionStatus.APPROVED)
    sets: dict[int, set[str]] = {
        case_id: set()
        for case_id in Decision.objects.filter(case_id__in=case_ids, status__in=live)
        .order_by()
        .values_list("case_id", flat=True)
    }
    rows = DecisionUrl.objects.filter(
        decision__case_id__in=case_ids, decision__status__in=live
    ).values_list("decision__case_id", "normalised_url")
    for case_id, normalised in rows:
        sets[case_id].add(normalised)
    return {case_id: frozenset(urls) for case_id, urls in sets.items()}


def deploy_decisions(limit: int = 50) -> list[Decision]:
    """The newest decisions to notify a platform (proposed or approved), one per case, with
    their case: the real cases an administrator previews a notice template with."""
    live = (DecisionStatus.PROPOSED, DecisionStatus.APPROVED)
    decisions = (
        Decision.objects.filter(outcome=Outcome.DEPLOY, status__in=live)
        .select_related("case__platform", "case__election", "decided_by")
        .order_by("-pk")
    )
    seen: set[int] = set()
    found: list[Decision] = []
    for decision in decisions[: limit * 2]:
        if decision.case_id not in seen:
            seen.add(decision.case_id)
            found.append(decision)
    return found[:limit]


def deploy_decision(decision_id: int) -> Decision | None:
    return (
        Decision.objects.filter(pk=decision_id, outcome=Outcome.DEPLOY)
        .select_related("case__platform", "case__election", "decided_by")
        .first()
    )


def decision_by_id(decision_id: int) -> Decision | None:
    return Decision.objects.filter(pk=decision_id).select_related("case").first()


def latest_proposer_id(case_id: int) -> int | None:
    """Who proposed the case's newest decision (None: no decision yet)."""
    return (
        Decision.objects.filter(case_id=case_id)
        .order_by("-decided_at", "-pk")
        .values_list("decided_by_id", flat=True)
        .first()
    )


def approved_outcomes(case_ids: Sequence[int]) -> dict[int, str]:
    """Case id → the outcome of its approved decision (the newest, should there be more):
    one query, for the case list's state column."""
    rows = (
        Decision.objects.filter(case_id__in=list(case_ids), status=DecisionStatus.APPROVED)
        .order_by("case_id", "decided_at", "pk")
        .values_list("case_id", "outcome")
    )
    return dict(rows)  # later rows win: the newest approved decision


def assessment_by_id(assessment_id: int) -> Assessment | None:
    return Assessment.objects.select_related("case").filter(pk=assessment_id).first()
