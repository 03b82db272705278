# SPDX-License-Identifier: EUPL-1.2
"""Reads of the narrative registry that other apps use (writes go through ``service.py``).

``notices`` gets :func:`earlier_notifications` through its hook registry
(``notices/hooks.py``), registered in ``NarrativesConfig.ready``; ``reports`` imports
:func:`seen_before` (reports sits above narratives).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flagdesk.elections.models import Election
from flagdesk.intake.models import Case
from flagdesk.narratives.models import LinkStatus, Narrative, NarrativeLink
from flagdesk.notices.models import DELIVERED_STATES
from flagdesk.platforms.models import Platform


def confirmed(case: Case) -> list[Narrative]:
    return [
        link.narrative
        for link in NarrativeLink.objects.filter(case=case, status=LinkStatus.CONFIRMED)
        .select_related("narrative")
        .order_by("narrative__title")
    ]


def earlier_notifications(case: Case, language: str = "en") -> list[str]:
    """Sentences for the notice, in its language: per confirmed narrative, the earlier
    elections in which a notice about it went to this same platform. Nothing when that never
    happened."""
    dutch = language == "nl"
    sentences = []
    for narrative in confirmed(case):
        earlier = (
            Case.objects.filter(
                narrative_links__narrative=narrative,
                narrative_links__status=LinkStatus.CONFIRMED,
                platform=case.platform,
                notices__delivery__state__in=DELIVERED_STATES,
                election__election_day__lt=case.election.election_day,
            )
            .exclude(pk=case.pk)
            .select_related("election")
            .distinct()
        )
        elections = sorted({c.election for c in earlier}, key=lambda e: e.election_day)
        if not elections:
            continue
        if dutch:
            names = ", ".join(e.name for e in elections)
            sentences.append(
                f"Over deze bewering ({narrative.claim_nl.rstrip('.')}) hebben wij uw platform "
                f"ook bij eerdere verkiezingen gemeld: {names}."
            )
        else:
            names = ", ".join(e.english_name for e in elections)
            sentences.append(
                f"This narrative ({narrative.claim_en.rstrip('.')}) is one we notified your "
                f"platform about during previous elections as well: {names}."
            )
    return sentences


def seen_before(case: Case) -> list[tuple[Narrative, list[Any]]]:
    """For the report: each confirmed narrative of the case with the earlier elections in
    which it was also confirmed on a case (seen, whether or not a notice went out)."""
    found = []
    for narrative in confirmed(case):
        earlier = (
            Case.objects.filter(
                narrative_links__narrative=narrative,
                narrative_links__status=LinkStatus.CONFIRMED,
                election__election_day__lt=case.election.election_day,
            )
            .select_related("election")
            .distinct()
        )
        elections = sorted({c.election for c in earlier}, key=lambda e: e.election_day)
        if elections:
            found.append((narrative, elections))
    return found


@dataclass(frozen=True)
class LinkedCase:
    case: Case
    notified: bool


@dataclass(frozen=True)
class NarrativeRow:
    narrative: Narrative
    cases: list[LinkedCase]

    @property
    def elections(self) -> list[Election]:
        found = {c.case.election for c in self.cases}
        return sorted(found, key=lambda e: (e.election_day, e.code))

    @property
    def platforms(self) -> list[Platform]:
        return sorted({c.case.platform for c in self.cases}, key=lambda p: p.name)

    @property
    def notified_platforms(self) -> list[Platform]:
        found = {c.case.platform for c in self.cases if c.notified}
        return sorted(found, key=lambda p: p.name)


def _confirmed_cases(narratives: list[Narrative]) -> dict[int, list[LinkedCase]]:
    """Per narrative id, its confirmed cases and whether a notice about each was sent."""
    links = list(
        NarrativeLink.objects.filter(narrative__in=narratives, status=LinkStatus.CONFIRMED)
        .select_related("case__election", "case__platform")
        .order_by("case__election__election_day", "case__reference")
    )
    notified = set(
        Case.objects.filter(
            pk__in=[link.case_id for link in links],
            notices__delivery__state__in=DELIVERED_STATES,
        ).values_list("pk", flat=True)
    )
    found: dict[int, list[LinkedCase]] = {n.pk: [] for n in narratives}
    for link in links:
        found[link.narrative_id].append(LinkedCase(link.case, link.case_id in notified))
    return found


def rows(narratives: list[Narrative]) -> list[NarrativeRow]:
    """Each narrative with its confirmed cases: the registry's list and detail (UI, API)."""
    cases = _confirmed_cases(narratives)
    return [NarrativeRow(n, cases[n.pk]) for n in narratives]
