# SPDX-License-Identifier: EUPL-1.2
"""Public API of the audit app: ``log()`` an event, ``verify()`` the chain, read a timeline."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from flagdesk.audit import checkpoints, hooks
from flagdesk.audit.models import HASH_VERSION, HASH_VERSIONS, AuditEvent, ChainHead

logger = logging.getLogger("flagdesk.audit")


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so what is hashed is exactly what the database returns."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, sort_keys=True))


@dataclass(frozen=True)
class Entry:
    """One event to append with :func:`log_many`; the fields mean what they mean in :func:`log`."""

    action: str
    obj: models.Model | tuple[str, Any]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def log(
    action: str,
    obj: models.Model | tuple[str, Any],
    *,
    actor: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction that makes the change.

    :param action: snake_case event name, e.g. ``decision_approved``.
    :param obj: the model instance changed, or ``(type, id)``.
    :param actor: the user who did it; ``None`` for the system.
    """
    entry = Entry(action, obj, before, after)
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending.append((entry, actor))
        return AuditEvent(action=action)  # written when the batch ends
    return log_many([entry], actor=actor)[0]


_batch = threading.local()

# When the events logged now happened, if not now: see occurred_at().
_occurred_at: ContextVar[dt.datetime | None] = ContextVar("audit_occurred_at", default=None)


@contextlib.contextmanager
def occurred_at(moment: dt.datetime) -> Iterator[None]:
    """Record the events logged inside as having happened at ``moment``.

    For history that is written down later than it happened — the demo's 2023 seed case —
    so that its events agree with its other dates without rewriting the chain afterwards.
    The chain itself (seq, hashes) is appended as always; never use this for live actions.
    """
    token = _occurred_at.set(moment)
    try:
        yield
    finally:
        _occurred_at.reset(token)


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Collect the events logged inside and append them together at the end.

    Use it inside the transaction of a bulk job (the mail archive's import batches): the
    chain head is then read and moved once per batch instead of once per event. The events
    are the same, in the same order; if the block raises, they are dropped with its
    transaction.
    """
    if getattr(_batch, "pending", None) is not None:
        yield  # nested: the outer block writes them
        return
    _batch.pending = []
    try:
        yield
        pending: list[tuple[Entry, Any]] = _batch.pending
    finally:
        _batch.pending = None
    for actor, group in itertools.groupby(pending, key=lambda item: item[1]):
        log_many([entry for entry, _ in group], actor=actor)


def log_many(entries: Sequence[Entry], *, actor: Any = None) -> list[AuditEvent]:
    """Append several events by one actor, in this order, inside the caller's transaction.

    The chain is the same as from one :func:`log` call per entry (consecutive ``seq``, each
    event linked to the one before), but the head is locked, read and moved once and the
    events go in with one INSERT: a change that writes two events pays for one.
    """
    if not entries:
        return []
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = user.get_username() if user is not None else (str(actor) if actor else "system")
    # No savepoint: the events belong to the caller's transaction and fail with it.
    with transaction.atomic(savepoint=False):
        head, _ = ChainHead.objects.select_for_update(no_key=True).get_or_create(id=1)
        events = _chain(entries, user, label, head.seq, head.hash)
        AuditEvent.objects.bulk_create(events)
        ChainHead.objects.filter(id=1).update(seq=events[-1].seq, hash=events[-1].hash)
        checkpoints.anchor_at_commit(events[-1].seq, events[-1].hash)
        hooks.announce(events)  # in this transaction: what subscribers write goes with it
    who = f"user {user.pk}" if user is not None else label
    for event in events:
        # The actor's id, not their name: logs leave the database's access control.
        logger.info("%s %s:%s by %s", event.action, event.object_type, event.object_id, who)
    return events


def _chain(
    entries: Sequence[Entry], user: Any, label: str, seq: int, prev_hash: str
) -> list[AuditEvent]:
    """The events for ``entries``, numbered and linked after the head ``(seq, prev_hash)``."""
    moment = _occurred_at.get()
    # In UTC, as the database gives it back: the hash covers the ISO text of ``at``.
    now = moment.astimezone(dt.UTC) if moment is not None else timezone.now()
    events = []
    for entry in entries:
        object_type, object_id = _object_ref(entry.obj)
        seq += 1
        event = AuditEvent(
            seq=seq,
            at=now,
            actor=user,
            actor_label=label,
            actor_ref=user.pk if user is not None else None,
            hash_version=HASH_VERSION,
            action=entry.action,
            object_type=object_type,
            object_id=object_id,
            before=_jsonable(entry.before),
            after=_jsonable(entry.after),
            prev_hash=prev_hash,
        )
        event.hash = prev_hash = event.compute_hash()
        events.append(event)
    return events


def _object_ref(obj: models.Model | tuple[str, Any]) -> tuple[str, str]:
    if isinstance(obj, tuple):
        object_type, object_id = obj
        return str(object_type), str(object_id)
    return obj._meta.label_lower, str(obj.pk)


def log_changes(
    action: str, obj: models.Model, *, actor: Any, before: dict[str, Any], after: dict[str, Any]
) -> AuditEvent | None:
    """Log only the fields that changed, before and after; nothing when nothing changed."""
    changed = [key for key in after if after[key] != before.get(key)]
    if not changed:
        return None
    return log(
        action,
        obj,
        actor=actor,
        before={k: before.get(k) for k in changed},
        after={k: after[k] for k in changed},
    )


@dataclass(frozen=True)
class Problem:
    seq: int
    message: str


def verify() -> list[Problem]:
    """Walk the chain; return every break (an empty list means the log is intact).

    A chain whose start was pruned under retention (:func:`prune`) starts at the anchor its
    ``audit_pruned`` event recorded; any other missing start is a break. The chain alone
    can't tell that its newest events were removed together with a rewritten head: the
    checkpoints outside the database do (:mod:`flagdesk.audit.checkpoints`).
    """
    walk = _Walk(prune_anchors())
    for event in _iter_events():
        walk.check(event)
    return walk.problems + _unlinked_actors(walk.unlinked) + _head_problems(walk)


class _Walk:
    """The state of one walk along the chain, oldest event first."""

    def __init__(self, anchors: dict[int, str]) -> None:
        self.anchors = anchors
        self.problems: list[Problem] = []
        self.expected_prev = "0" * 64
        self.expected_seq = 1
        self.last_seq = 0
        # Events whose account link is NULL: fine only if that account was deleted.
        self.unlinked: dict[int, list[int]] = {}

    def check(self, event: AuditEvent) -> None:
        if self.last_seq == 0 and event.seq > 1 and event.seq - 1 in self.anchors:
            self.expected_seq, self.expected_prev = event.seq, self.anchors[event.seq - 1]
        if event.seq != self.expected_seq:
            self._problem(event, f"events {self.expected_seq}..{event.seq - 1} missing")
        if event.prev_hash != self.expected_prev:
            self._problem(event, "link to the previous event is broken")
        if event.compute_hash() != event.hash:
            self._problem(event, "content was changed after it was written")
        self._check_version(event)
        self._check_actor(event)
        self.expected_prev = event.hash
        self.expected_seq = event.seq + 1
        self.last_seq = event.seq

    def _check_version(self, event: AuditEvent) -> None:
        # A version changed by hand needs no check of its own: the recomputed hash covers
        # other fields then and no longer matches. Versions may interleave (an old process
        # still writing version 1 while a new one writes version 2 during an upgrade).
        if event.hash_version not in HASH_VERSIONS:
            self._problem(event, f"unknown hash version {event.hash_version}")

    def _check_actor(self, event: AuditEvent) -> None:
        # The hash covers actor_ref (version 2); the foreign key must agree with it, or be
        # NULL because the account was deleted. A version 1 event written by the old code
        # after the migration has no actor_ref to compare with.
        if event.hash_version == 1 and event.actor_ref is None:
            return
        if event.actor_id is not None and event.actor_id != event.actor_ref:
            self._problem(event, "actor was changed after it was written")
        elif event.actor_id is None and event.actor_ref is not None:
            self.unlinked.setdefault(event.actor_ref, []).append(event.seq)

    def _problem(self, event: AuditEvent, message: str) -> None:
        self.problems.append(Problem(event.seq, message))


def _unlinked_actors(unlinked: dict[int, list[int]]) -> list[Problem]:
    """Events whose account link was cut while the account still exists."""
    from django.contrib.auth import get_user_model

    refs = list(unlinked)
    existing: set[int] = set()
    for start in range(0, len(refs), 500):
        chunk = refs[start : start + 500]
        existing |= set(get_user_model().objects.filter(pk__in=chunk).values_list("pk", flat=True))
    return sorted(
        (
            Problem(seq, "actor was removed from the event, but the account exists")
            for ref in existing
            for seq in unlinked[ref]
        ),
        key=lambda problem: problem.seq,
    )


def _head_problems(walk: _Walk) -> list[Problem]:
    head = ChainHead.objects.filter(id=1).first()
    if head is None or (head.seq == walk.last_seq and head.hash == walk.expected_prev):
        return []
    if head.seq > walk.last_seq:
        return [Problem(head.seq, f"the last {head.seq - walk.last_seq} event(s) were removed")]
    return [Problem(head.seq, "chain head does not match the log")]


def _iter_events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


PRUNED = "audit_pruned"


def prune_anchors() -> dict[int, str]:
    """``to_seq`` → hash of that last removed event, from every ``audit_pruned`` event.

    The anchors are read from events that the walk itself checks, so changing one is caught
    like any other change.
    """
    anchors: dict[int, str] = {}
    for after in AuditEvent.objects.filter(action=PRUNED).values_list("after", flat=True):
        if isinstance(after, dict) and "to_seq" in after and "anchor_hash" in after:
            anchors[int(after["to_seq"])] = str(after["anchor_hash"])
    return anchors


def pruned_through() -> int:
    """The last ``seq`` removed under retention (0 when nothing was ever pruned)."""
    first = AuditEvent.objects.order_by("seq").values_list("seq", flat=True).first()
    if first is None or first == 1 or first - 1 not in prune_anchors():
        return 0
    return first - 1


def prune(
    before: dt.datetime, *, dry_run: bool = False, details: dict[str, Any] | None = None
) -> dict[str, int]:
    """Remove the oldest events, those before ``before``, keeping the rest verifiable.

    Only a prefix of the chain goes: everything before the first event at or after
    ``before``. Then one ``audit_pruned`` event records how many, the ``seq`` range and the
    hash of the last removed event; :func:`verify` starts the remaining chain from that
    anchor. This is the only place that deletes events (raw SQL past the ORM guard). Call it
    inside a transaction; the chain head stays locked until it commits.

    :param details: added to the ``audit_pruned`` event (the retention run, the cutoff).
    :returns: ``{"events": n}``, the number removed (or that would be, with ``dry_run``).
    """
    with transaction.atomic(savepoint=False):
        if not dry_run:
            ChainHead.objects.select_for_update(no_key=True).get_or_create(id=1)
        first = AuditEvent.objects.order_by("seq").values_list("seq", flat=True).first()
        kept = (
            AuditEvent.objects.filter(at__gte=before)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        if first is None:
            return {"events": 0}
        last = (kept - 1) if kept is not None else _last_seq()
        count = AuditEvent.objects.filter(seq__gte=first, seq__lte=last).count()
        if count == 0 or dry_run:
            return {"events": count}
        anchor = AuditEvent.objects.filter(seq=last).values_list("hash", flat=True).get()
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq <= %s",  # noqa: S608
                [last],
            )
        log(
            PRUNED,
            ("audit.auditevent", last),
            after={
                **(details or {}),
                "events": count,
                "from_seq": first,
                "to_seq": last,
                "anchor_hash": anchor,
            },
        )
    return {"events": count}


def chain_seq() -> int:
    """The newest event's seq from the chain head: one primary-key read (live pages)."""
    return ChainHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def objects_with_event(action: str, object_type: str) -> set[str]:
    """The ids of the objects of ``object_type`` that have at least one ``action`` event."""
    return set(
        AuditEvent.objects.filter(action=action, object_type=object_type)
        .values_list("object_id", flat=True)
        .distinct()
    )


def afters_of(action: str, object_type: str, object_ids: Iterable[Any]) -> dict[str, list[Any]]:
    """The ``after`` of each ``action`` event about these objects, by object id: one query
    on the (object_type, object_id) index, for jobs that write an event once per object."""
    found: dict[str, list[Any]] = {}
    rows = AuditEvent.objects.filter(
        action=action, object_type=object_type, object_id__in=[str(i) for i in object_ids]
    ).values_list("object_id", "after")
    for object_id, after in rows:
        found.setdefault(object_id, []).append(after)
    return found


def timeline(object_refs: list[tuple[str, Any]]) -> list[AuditEvent]:
    """Events about any of the given ``(type, id)`` objects, oldest first."""
    query = _about(object_refs)
    return list(AuditEvent.objects.filter(query).select_related("actor").order_by("seq"))


def latest_seq_about(object_refs: list[tuple[str, Any]]) -> int:
    """The newest event's seq about any of the given objects (0 for none): the version of a
    page about them (a live case page), one indexed read per type."""
    found = AuditEvent.objects.filter(_about(object_refs)).aggregate(seq=models.Max("seq"))
    return found["seq"] or 0


def _about(object_refs: list[tuple[str, Any]]) -> models.Q:
    # One IN per type, so each term is a lookup on the (object_type, object_id) index.
    ids_by_type: dict[str, list[str]] = {}
    for object_type, object_id in object_refs:
        ids_by_type.setdefault(object_type, []).append(str(object_id))
    query = models.Q(pk__in=[])
    for object_type, ids in ids_by_type.items():
        query |= models.Q(object_type=object_type, object_id__in=ids)
    return query
