# SPDX-License-Identifier: EUPL-1.2
"""Public API of the narratives app: suggest, confirm or dismiss, and say what was notified.

The matcher only suggests; an assessor confirms or dismisses (suggested vs confirmed, as
Meedan Check does). A confirmed narrative feeds the notice's sentence about earlier
notifications only when a notice about it really went to the same platform before.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from flagdesk.accounts.permissions import Action, require
from flagdesk.audit import service as audit
from flagdesk.core import workers
from flagdesk.core.problems import StateConflict
from flagdesk.intake import selectors as case_reads
from flagdesk.intake.models import Case
from flagdesk.narratives.models import (
    LinkStatus,
    MatchingSchedule,
    MatchingWanted,
    Narrative,
    NarrativeLink,
    SimilarCase,
    Suggestion,
)

SUGGEST_MIN_SCORE = 60.0
MAX_SUGGESTIONS = 3

logger = logging.getLogger("flagdesk.narratives")


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
        lines = _normalised_lines(narrative.match_text())
        best = max((similarity(query.text, line) for line in lines), default=0.0)
        scored.append((narrative, round(best, 1)))
    return sorted(scored, key=lambda pair: -pair[1])


@functools.lru_cache(maxsize=1024)
def _normalised_lines(match_text: str) -> tuple[str, ...]:
    # Keyed by the registry entry's text, so an edit is seen at once; normalising every
    # line again for every case was a sixth of the matching's CPU (benchmarks/pages.py).
    from flagdesk.narratives.normalise import normalise

    return tuple(normalise(line).text for line in match_text.splitlines() if line.strip())


def suggest(case: Case) -> list[NarrativeLink]:
    """Match the case against the registry; new matches become suggestions (decided links
    are left as they are). Returns the case's links, best first."""
    _record_suggestions(case, case_text(case))
    return links_for(case)


def _record_suggestions(case: Case, text: str) -> None:
    # Scored before the transaction: on SQLite a transaction holds the write lock, and the
    # notices lane must not wait for rapidfuzz.
    best = scores(text, active_narratives())[:MAX_SUGGESTIONS]
    with transaction.atomic():
        for narrative, score in best:
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


def links_for(case: Case) -> list[NarrativeLink]:
    return list(_links(case).select_related("narrative").order_by("-status", "-score"))


def _links(case: Case) -> Any:
    return NarrativeLink.objects.filter(case=case).exclude(status=LinkStatus.DISMISSED)


# What the case page offers: a suggestion is confirmed or dismissed, and a confirmed
# narrative can be removed (dismissed) again. A dismissed link is gone from the page; only
# linking the narrative by hand brings it back.
_DECIDABLE = {
    True: frozenset({LinkStatus.SUGGESTED}),
    False: frozenset({LinkStatus.SUGGESTED, LinkStatus.CONFIRMED}),
}


def decide(link: NarrativeLink, confirm: bool, actor: Any) -> NarrativeLink:
    """Confirm or dismiss a suggested narrative, or remove a confirmed one.

    Raises :class:`NarrativeError` when the link is not in a state that allows it (decided
    already, e.g. by a colleague a moment before, or a second click)."""
    decided = _decide(link, confirm, actor, "narrative", _DECIDABLE[confirm])
    assert isinstance(decided, NarrativeLink)
    return decided


def _decide(
    link: Suggestion,
    confirm: bool,
    actor: Any,
    event: str,
    decidable: frozenset[str] | None = None,
) -> Suggestion:
    """Confirm or dismiss a suggestion (of a narrative, or of an earlier similar case).
    ``decidable``: the states it may be in (checked under the row's lock); None for any."""
    require(actor, Action.ASSESS)
    with transaction.atomic():
        link = type(link)._default_manager.select_for_update(no_key=True).get(pk=link.pk)
        if decidable is not None and link.status not in decidable:
            raise NarrativeError(_("This suggestion has been decided already."))
        before = {"status": link.status}
        link.status = LinkStatus.CONFIRMED if confirm else LinkStatus.DISMISSED
        link.decided_by = actor
        link.decided_at = timezone.now()
        link.save()
        detail = (
            {"narrative": link.narrative.slug}
            if isinstance(link, NarrativeLink)
            else {"earlier": getattr(link, "earlier_id", None)}
        )
        audit.log(
            f"{event}_{'confirmed' if confirm else 'dismissed'}",
            link,
            actor=actor,
            before=before,
            after={"status": link.status, **detail},
        )
    return link


def link_by_hand(case: Case, narrative: Narrative, actor: Any) -> NarrativeLink:
    """An assessor links a narrative the matcher did not suggest."""
    require(actor, Action.ASSESS)
    link, _ = NarrativeLink.objects.get_or_create(narrative=narrative, case=case)
    return decide(link, True, actor)


class NarrativeError(StateConflict):
    """A change that the registry's or the link's state does not allow; the message is
    shown to the user (the API answers 409)."""


def retire(narrative: Narrative, actor: Any) -> Narrative:
    """Take a narrative out of matching and linking; its links and history stay."""
    require(actor, Action.ASSESS)
    with transaction.atomic():
        narrative = Narrative.objects.select_for_update(no_key=True).get(pk=narrative.pk)
        if narrative.retired:
            return narrative
        narrative.retired = True
        narrative.save(update_fields=["retired", "updated_at"])
        audit.log(
            "narrative_retired",
            narrative,
            actor=actor,
            before={"retired": False},
            after={"retired": True, "narrative": narrative.slug},
        )
    return narrative


def merge(source: Narrative, target: Narrative, actor: Any) -> Narrative:
    """Fold ``source`` into ``target``: its links move over (a case already linked to the
    target keeps that link), and ``source`` is retired, pointing at ``target``."""
    require(actor, Action.ASSESS)
    if source.pk == target.pk:
        raise NarrativeError(_("A narrative cannot be merged into itself."))
    if target.retired or target.merged_into_id is not None:
        raise NarrativeError(_("Merge into an active narrative."))
    with transaction.atomic():
        source = Narrative.objects.select_for_update(no_key=True).get(pk=source.pk)
        if source.retired or source.merged_into_id is not None:
            # Its links moved (or it left the registry) already; the page offers no merge.
            raise NarrativeError(_("Only an active narrative can be merged."))
        on_target = NarrativeLink.objects.filter(narrative=target).values_list("case_id")
        duplicates = NarrativeLink.objects.filter(narrative=source, case_id__in=on_target)
        skipped = duplicates.count()
        moved = (
            NarrativeLink.objects.filter(narrative=source)
            .exclude(case_id__in=on_target)
            .update(narrative=target)
        )
        source.merged_into = target
        source.retired = True
        source.save(update_fields=["merged_into", "retired", "updated_at"])
        audit.log(
            "narrative_merged",
            source,
            actor=actor,
            before={"narrative": source.slug},
            after={"merged_into": target.slug, "links_moved": moved, "duplicates": skipped},
        )
    return source


# ------------------------------------------------------------ earlier similar signals

MAX_SIMILAR = 5


class _CaseIndex:
    """This process's index of every case's text, brought up to date before each query
    (cases are only added, so "everything after the last id seen" keeps it current in
    every worker)."""

    def __init__(self) -> None:
        from flagdesk.narratives.matching import MatchIndex

        self.index = MatchIndex()
        self.last_id = 0

    def refresh(self) -> None:
        new = case_reads.cases_after(self.last_id)
        batch = []
        for case in new.iterator(chunk_size=500):
            batch.append((str(case.pk), case_text(case)))
            self.last_id = case.pk
        if batch:
            self.index.add_many(batch)


_case_index: _CaseIndex | None = None


def case_index() -> _CaseIndex:
    global _case_index
    if _case_index is None:
        _case_index = _CaseIndex()
    _case_index.refresh()
    return _case_index


def suggest_similar(case: Case) -> list[SimilarCase]:
    """Earlier cases, from any election, that the case's signals repeat (scored 0–100)."""
    _record_similar(case, case_text(case))
    return similar_for(case)


def _record_similar(case: Case, text: str) -> None:
    matches = case_index().index.query(text, limit=MAX_SIMILAR + 1)
    candidates = [int(m.key) for m in matches if int(m.key) < case.pk]
    existing = case_reads.existing_case_ids(candidates)
    earlier_ids = [pk for pk in candidates if pk in existing]
    score_of = {int(m.key): m.score for m in matches}
    with transaction.atomic():
        for earlier_id in earlier_ids[:MAX_SIMILAR]:
            link, created = SimilarCase.objects.get_or_create(
                case=case, earlier_id=earlier_id, defaults={"score": score_of[earlier_id]}
            )
            if created:
                audit.log(
                    "similar_case_suggested",
                    link,
                    after={"earlier": earlier_id, "score": score_of[earlier_id]},
                )


def similar_for(case: Case) -> list[SimilarCase]:
    return list(
        _similar(case).select_related("earlier__election", "earlier__platform").order_by("-score")
    )


def _similar(case: Case) -> Any:
    return SimilarCase.objects.filter(case=case).exclude(status=LinkStatus.DISMISSED)


def decide_similar(link: SimilarCase, confirm: bool, actor: Any) -> SimilarCase:
    """Confirm or dismiss an earlier similar case; only an open suggestion is decided
    (:class:`NarrativeError` otherwise), as the case page offers."""
    decided = _decide(link, confirm, actor, "similar_case", frozenset({LinkStatus.SUGGESTED}))
    assert isinstance(decided, SimilarCase)
    return decided


# --- background matching: coalesced per case, in batches ----------------------------------


def want_matching(case_id: int, opened: bool = False) -> None:
    """The case got a signal: it wants matching. One marker per case however many signals
    come, and one batch task waiting for all marked cases (not a task per signal). Called
    inside the intake transaction, so marker and task commit with the signal.

    :param opened: the case was opened in this transaction: no other transaction can see
        it yet, so no batch is matching it and its marker is new.
    """
    # No savepoint: nothing here is caught and retried, an error fails the whole intake
    # transaction anyway, and SAVEPOINT + RELEASE were two of every signal's statements.
    with transaction.atomic(savepoint=False):
        MatchingWanted.objects.bulk_create([MatchingWanted(case_id=case_id)], ignore_conflicts=True)
        if not opened:
            # A batch matching the case right now must match it again: it read the case
            # before this signal commits, and removes the marker only if the generation is
            # unchanged. (Three quarters of a surge's signals open a case: a statement less.)
            MatchingWanted.objects.filter(case_id=case_id).update(generation=F("generation") + 1)
        schedule_matching()


def _batch_task() -> Any:
    from flagdesk.narratives.tasks import match_wanted_cases

    return match_wanted_cases


def _batch_waiting() -> bool:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=_batch_task().module_path
    ).exists()


def schedule_matching() -> bool:
    """Enqueue a matching batch task unless one already waits; True when it enqueued one.

    Race-safe: the check is repeated under the lock of the one ``MatchingSchedule`` row (on
    SQLite every write transaction is serialised anyway), so two transactions never both
    enqueue. The lock is taken only when no batch waits, which during a surge is rare."""
    if _batch_waiting():
        return False
    with transaction.atomic():
        MatchingSchedule.objects.get_or_create(pk=1)
        MatchingSchedule.objects.select_for_update(no_key=True).get(pk=1)
        if _batch_waiting():
            return False
        _batch_task().enqueue()
    return True


def schedule_leftover_matching() -> bool:
    """For the worker's upkeep: a batch for cases nobody is matching (a batch task that
    crashed, or a marker that committed just after its batch looked)."""
    if not _free_markers().exists():
        return False
    return schedule_matching()


def _free_markers() -> Any:
    claimers = set(
        MatchingWanted.objects.exclude(claimed_by="").values_list("claimed_by", flat=True)
    )
    dead = [worker for worker in claimers if not workers.is_alive(worker)]
    return MatchingWanted.objects.filter(Q(claimed_by="") | Q(claimed_by__in=dead))


def _claim(limit: int) -> list[MatchingWanted]:
    """Up to ``limit`` cases, longest waiting first, claimed for this worker with a
    conditional UPDATE (two batches never match the same case at once)."""
    me = workers.current_worker_id()
    free = _free_markers()
    ids = list(free.order_by("wanted_at", "pk").values_list("pk", flat=True)[:limit])
    free.filter(pk__in=ids).update(claimed_by=me, claimed_at=timezone.now())
    return list(MatchingWanted.objects.filter(pk__in=ids, claimed_by=me).order_by("wanted_at"))


def match_case(case: Case) -> int:
    """Registry and earlier similar cases; returns how many suggestions the case has."""
    # The case's text is read once for both (its signals, assessment and URLs: queries),
    # and the suggestions are counted, not loaded with their related rows.
    text = case_text(case)
    _record_suggestions(case, text)
    _record_similar(case, text)
    return int(_links(case).count() + _similar(case).count())


def match_wanted(limit: int | None = None) -> int:
    """One batch: match up to ``limit`` (FLAGDESK_MATCHING_BATCH) waiting cases, then
    enqueue the next batch if cases still wait. Returns how many cases were matched."""
    claimed = _claim(limit or settings.MATCHING_BATCH)
    done = 0
    try:
        for marker in claimed:
            if workers.stopping.is_set():
                break  # the worker is stopping: the rest waits for the next batch
            _match_one(marker)
            done += 1
    finally:
        _release(claimed)
    if MatchingWanted.objects.filter(claimed_by="").exists():
        schedule_matching()
    return done


def _release(claimed: list[MatchingWanted]) -> None:
    """Whatever was not matched (or got a new signal meanwhile) waits again."""
    mine = [marker.pk for marker in claimed]
    MatchingWanted.objects.filter(pk__in=mine).update(claimed_by="", claimed_at=None)


def _match_one(marker: MatchingWanted) -> None:
    # The case's id on every line logged meanwhile, as a task's ids are (core.logging).
    with structlog.contextvars.bound_contextvars(case_id=marker.case_id):
        case = case_reads.case_by_id(marker.case_id)
        if case is not None:
            try:
                match_case(case)
                logger.info("case matched")
            except workers.DATABASE_ERRORS:
                raise  # the database went away: the worker queues the task again
            except Exception:
                # One broken case must not hold up every batch after it: log it and go on
                # (an assessor can still ask for similar cases on the case page).
                logger.exception("matching the case failed; skipped")
        MatchingWanted.objects.filter(pk=marker.pk, generation=marker.generation).delete()


@dataclass(frozen=True)
class Backlog:
    cases: int
    oldest: dt.datetime | None


def matching_backlog() -> Backlog:
    """How many cases wait for matching, and since when the longest has waited."""
    # One query for both (the dashboard and /health ask on every load).
    rows = MatchingWanted.objects.aggregate(cases=Count("pk"), oldest=Min("wanted_at"))
    return Backlog(rows["cases"], rows["oldest"])
