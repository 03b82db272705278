# SPDX-License-Identifier: EUPL-1.2
"""What other apps may call in ``records``: retention runs and the archival export.

Retention applies ``records.retention`` (the pure policy): each category goes to the app
that owns the data (``intake``, ``mailarchive``, ``notices``, ``audit``), one transaction and
one audit event per category, with counts and the cutoff only, never what was removed.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flagdesk.audit import service as audit
from flagdesk.core import workers
from flagdesk.elections import service as elections
from flagdesk.intake import service as intake
from flagdesk.mailarchive import service as mailarchive
from flagdesk.notices import service as notices
from flagdesk.records import retention
from flagdesk.records.models import RetentionLock, RetentionRun
from flagdesk.records.retention import Category

logger = logging.getLogger("flagdesk.records")

# A run renews its lease before each category; a run that died is taken over after this.
LEASE = dt.timedelta(minutes=30)
APPLIED = "retention_applied"

LABELS = {
    Category.CONTACTS: _("Signallers' contact details"),
    Category.REFUSAL_COUNTS: _("Counts of refused and referred signals"),
    Category.RAW_MAIL: _("Archived mail as received"),
    Category.ATTACHMENTS: _("Attachments and portal confirmations"),
    Category.AUDIT: _("Audit events"),
}

COUNTED_FROM = {
    Category.CONTACTS: _("end of the election's attention window"),
    Category.REFUSAL_COUNTS: _("the day counted"),
    Category.RAW_MAIL: _(
        "end of the case's election's attention window; for unmatched mail, the day it was archived"
    ),
    Category.ATTACHMENTS: _("end of the election's attention window"),
    Category.AUDIT: _("the day of the event"),
}


@dataclass(frozen=True)
class Outcome:
    """One category of a run: what went (or would go), never which items."""

    category: Category
    action: str
    days: int
    cutoff: dt.date
    counts: dict[str, int]

    @property
    def label(self) -> str:
        return str(LABELS[self.category])

    def as_json(self) -> dict[str, Any]:
        return {
            "category": self.category.value,
            "action": self.action,
            "days": self.days,
            "cutoff": self.cutoff.isoformat(),
            "counts": self.counts,
        }


@dataclass
class Report:
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    run: RetentionRun | None = None
    # Another run held the lease: this one did nothing.
    busy: bool = False


class LeaseLost(Exception):
    """The run held the lease too long and another run took over; it stops."""


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _apply(
    category: Category, cutoff: dt.date, *, dry_run: bool, details: dict[str, Any]
) -> dict[str, int]:
    if category == Category.CONTACTS:
        return intake.anonymise_contacts(cutoff, dry_run=dry_run)
    if category == Category.REFUSAL_COUNTS:
        return intake.delete_refusal_counts(cutoff, dry_run=dry_run)
    if category == Category.RAW_MAIL:
        held = awaiting_export(cutoff)
        removed = mailarchive.purge_raw(cutoff, dry_run=dry_run, keep_elections=held)
        return {**removed, "elections_awaiting_export": len(held)}
    if category == Category.ATTACHMENTS:
        held = awaiting_export(cutoff)
        signal_files = intake.delete_attachments(cutoff, dry_run=dry_run, keep_elections=held)
        confirmations = notices.delete_portal_confirmations(
            cutoff, dry_run=dry_run, keep_elections=held
        )
        return {
            "signal_attachments": signal_files["files"],
            "portal_confirmations": confirmations["files"],
            "bytes": signal_files["bytes"] + confirmations["bytes"],
            "elections_awaiting_export": len(held),
        }
    # Events before the start of the cutoff day, local time, like the other categories.
    return audit.prune(_start_of(cutoff), dry_run=dry_run, details=details)


def awaiting_export(cutoff: dt.date) -> set[int]:
    """Elections past ``cutoff`` whose archival package was never exported.

    The Archiefwet package needs the original mail and attachments, so their files stay until
    ``flagdesk archive export`` has run for the election (``archive_exported`` in the audit
    log), unless ``FLAGDESK_RETENTION_REQUIRE_ARCHIVE`` is off.
    """
    if not settings.RETENTION_REQUIRE_ARCHIVE:
        return set()
    exported = audit.objects_with_event("archive_exported", "elections.election")
    return {
        election.pk
        for election in elections.all_elections()
        if election.attention_end < cutoff and str(election.pk) not in exported
    }


def run_retention(
    *,
    dry_run: bool = False,
    only: str | None = None,
    trigger: str = "command",
    actor: Any = None,
    today: dt.date | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> Report:
    """Apply the retention policy now (or, with ``dry_run``, count what it would remove).

    One run at a time: a run takes the lease on the single ``RetentionLock`` row with a
    conditional UPDATE; a second run started meanwhile returns at once with ``busy`` set and
    changes nothing. Each category is one transaction with its one audit event, so a crash
    leaves every category either done and recorded or untouched; a second run finds nothing
    more to remove.

    :param only: one category value (see ``retention.Category``); raises ``ValueError`` if
        unknown.
    :param trigger: who started it, for the run log ("schedule", "command").
    :param progress: called after each category.
    """
    plan = retention.due(settings.RETENTION_DAYS, today or timezone.localdate(), only)
    report = Report(dry_run=dry_run)
    if not plan:
        return report  # every category asked for is kept forever: nothing to run or record
    if dry_run:
        for item in plan:
            counts = _apply(item.category, item.cutoff, dry_run=True, details={})
            _done(report, item, counts, progress)
        return report
    holder = f"{trigger} {workers.current_worker_id()} {uuid.uuid4().hex[:8]}"
    if not _claim(holder):
        report.busy = True
        return report
    report.run = run = RetentionRun.objects.create(started_at=timezone.now(), trigger=trigger)
    try:
        for item in plan:
            with transaction.atomic():
                _renew(holder)
                counts = _apply_and_log(run, item, actor)
            # After the commit: the progress callback must not hold the write lock.
            _done(report, item, counts, progress)
            RetentionRun.objects.filter(pk=run.pk).update(
                results=[outcome.as_json() for outcome in report.outcomes]
            )
    except Exception as exc:
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        run.results = [outcome.as_json() for outcome in report.outcomes]
        run.finished_at = timezone.now()
        run.save(update_fields=["results", "finished_at", "error"])
        _release(holder)
    return report


def _apply_and_log(run: RetentionRun, item: retention.Due, actor: Any) -> dict[str, int]:
    details = {
        "run": run.pk,
        "category": item.category.value,
        "days": item.days,
        "cutoff": item.cutoff.isoformat(),
    }
    counts = _apply(item.category, item.cutoff, dry_run=False, details=details)
    if item.category == Category.AUDIT and counts.get("events"):
        return counts  # audit.prune wrote its audit_pruned event with these details
    audit.log(APPLIED, run, actor=actor, after={**details, "action": item.action, **counts})
    return counts


def _done(
    report: Report,
    item: retention.Due,
    counts: dict[str, int],
    progress: Callable[[Outcome], None] | None,
) -> None:
    outcome = Outcome(item.category, item.action.value, item.days, item.cutoff, counts)
    report.outcomes.append(outcome)
    logger.info(
        "retention %s%s: %s (cutoff %s)",
        item.category.value,
        " (dry run)" if report.dry_run else "",
        counts,
        item.cutoff,
    )
    if progress is not None:
        progress(outcome)


# ------------------------------------------------------------------ lock


def _lock_row() -> None:
    RetentionLock.objects.get_or_create(id=1)


def _claim(holder: str) -> bool:
    _lock_row()
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return (
        RetentionLock.objects.filter(free, id=1).update(holder=holder, lease_until=now + LEASE) == 1
    )


def _renew(holder: str) -> None:
    renewed = RetentionLock.objects.filter(id=1, holder=holder).update(
        lease_until=timezone.now() + LEASE
    )
    if not renewed:
        raise LeaseLost("another retention run took over; stopping")


def _release(holder: str) -> None:
    RetentionLock.objects.filter(id=1, holder=holder).update(holder="", lease_until=None)


# -------------------------------------------------------------- schedule

_scheduled_day: dt.date | None = None  # this process's memory: no query every few seconds


def schedule_retention(now: dt.datetime | None = None) -> bool:
    """From the worker's upkeep: start the nightly run once a day, in one worker only.

    The day is claimed with a conditional UPDATE on the lock row and the task is enqueued in
    the same transaction, so of several workers exactly one enqueues it, and a crash can't
    claim the day without the task. The run itself goes through the task queue, not the
    upkeep thread, whose heartbeats must not wait for it. Returns whether this call
    enqueued it.
    """
    global _scheduled_day
    local = timezone.localtime(now or timezone.now())
    if not retention.schedule_due(local, settings.RETENTION_HOUR, _scheduled_day):
        return False
    from flagdesk.records.tasks import apply_retention

    _lock_row()
    with transaction.atomic():
        claimed = (
            RetentionLock.objects.filter(id=1)
            .exclude(scheduled_on=local.date())
            .update(scheduled_on=local.date())
        )
        if claimed:
            apply_retention.enqueue()
    _scheduled_day = local.date()
    return bool(claimed)


# ----------------------------------------------------------------- views


def recent_runs(limit: int = 10) -> list[RetentionRun]:
    return list(RetentionRun.objects.order_by("-started_at", "-pk")[:limit])


def policy() -> list[dict[str, Any]]:
    """Each category with its setting in days (0: kept forever), for the admin's page."""
    return [
        {
            "category": rule.category.value,
            "label": str(LABELS[rule.category]),
            "action": rule.action.value,
            "days": int(settings.RETENTION_DAYS.get(rule.category.value, 0)),
            "counted_from": str(COUNTED_FROM[rule.category]),
        }
        for rule in retention.RULES
    ]
