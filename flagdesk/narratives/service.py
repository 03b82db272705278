# SPDX-License-Identifier: EUPL-1.2
"""Public API of the narratives app: suggest, confirm or dismiss, and say what was notified.

The matcher only suggests; an assessor confirms or dismisses (suggested vs confirmed, as
Meedan Check does). A confirmed narrative feeds the notice's sentence about earlier
notifications only when a notice about it really went to the same platform before.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from flagdesk.accounts.permissions import Action, require
from flagdesk.audit import service as audit
from flagdesk.intake.models import Case
from flagdesk.narratives.models import LinkStatus, Narrative, NarrativeLink

SUGGEST_MIN_SCORE = 60.0
MAX_SUGGESTIONS = 3


def active_narratives() -> list[Narrative]:
    return list(Narrative.objects.filter(retired=False, merged_into__isnull=True))


def case_text(case: Case) -> str:
    """What the matcher reads of a case: the signallers' explanations, the assessor's
    reasoning about what is false, and the URLs."""
    parts = [s.explanation for s in case.signals.all()]
    assessment = getattr(case, "assessment", None)
    if assessment is not None:
        parts.append(assessment.misleading_reasoning)
    parts += list(case.urls.values_list("url", flat=True))
    return "\n".join(p for p in parts if p)


def scores(text: str, narratives: list[Narrative]) -> list[tuple[Narrative, float]]:
    """How much ``text`` repeats each narrative (0–100), best first.

    The registry is small (tens of narratives, a few lines each), so every line is scored
    directly; the LSH index is for the million signals, where that would be too slow.
    """
    from flagdesk.narratives.matching import is_too_short, similarity
    from flagdesk.narratives.normalise import normalise

    query = normalise(text)
    if is_too_short(query):
        return []
    scored = []
    for narrative in narratives:
        lines = [line for line in narrative.match_text().splitlines() if line.strip()]
        best = max((similarity(query.text, normalise(line).text) for line in lines), default=0.0)
        scored.append((narrative, round(best, 1)))
    return sorted(scored, key=lambda pair: -pair[1])


def suggest(case: Case) -> list[NarrativeLink]:
    """Match the case against the registry; new matches become suggestions (decided links
    are left as they are). Returns the case's links, best first."""
    with transaction.atomic():
        for narrative, score in scores(case_text(case), active_narratives())[:MAX_SUGGESTIONS]:
            if score < SUGGEST_MIN_SCORE:
                continue
            link, created = NarrativeLink.objects.get_or_create(
                narrative=narrative, case=case, defaults={"score": score}
            )
            if created:
                audit.log(
                    "narrative_suggested",
                    link,
                    after={"narrative": narrative.slug, "score": score},
                )
            elif link.status == LinkStatus.SUGGESTED:
                NarrativeLink.objects.filter(pk=link.pk).update(score=score)
    return links_for(case)


def links_for(case: Case) -> list[NarrativeLink]:
    return list(
        NarrativeLink.objects.filter(case=case)
        .exclude(status=LinkStatus.DISMISSED)
        .select_related("narrative")
        .order_by("-status", "-score")
    )


def decide(link: NarrativeLink, confirm: bool, actor: Any) -> NarrativeLink:
    require(actor, Action.ASSESS)
    with transaction.atomic():
        link = NarrativeLink.objects.select_for_update().get(pk=link.pk)
        before = {"status": link.status}
        link.status = LinkStatus.CONFIRMED if confirm else LinkStatus.DISMISSED
        link.decided_by = actor
        link.decided_at = timezone.now()
        link.save()
        audit.log(
            "narrative_confirmed" if confirm else "narrative_dismissed",
            link,
            actor=actor,
            before=before,
            after={"status": link.status, "narrative": link.narrative.slug},
        )
    return link


def link_by_hand(case: Case, narrative: Narrative, actor: Any) -> NarrativeLink:
    """An assessor links a narrative the matcher did not suggest."""
    require(actor, Action.ASSESS)
    link, _ = NarrativeLink.objects.get_or_create(narrative=narrative, case=case)
    return decide(link, True, actor)


def confirmed(case: Case) -> list[Narrative]:
    return [
        link.narrative
        for link in NarrativeLink.objects.filter(case=case, status=LinkStatus.CONFIRMED)
        .select_related("narrative")
        .order_by("narrative__title")
    ]


def earlier_notifications(case: Case) -> list[str]:
    """Sentences for the notice: per confirmed narrative, the earlier elections in which a
    notice about it went to this same platform. Nothing when that never happened."""
    from flagdesk.notices.models import DELIVERED_STATES

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
        if elections:
            names = ", ".join(e.name for e in elections)
            sentences.append(
                f"This narrative ({narrative.claim_en.rstrip('.')}) is one we notified your "
                f"platform about during previous elections as well: {names}."
            )
    return sentences
