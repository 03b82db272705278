# SPDX-License-Identifier: EUPL-1.2
"""Public API of the audit app: ``log()`` an event, ``verify()`` the chain, read a timeline."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from flagdesk.audit.models import AuditEvent, ChainHead

logger = logging.getLogger("flagdesk.audit")


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so what is hashed is exactly what the database returns."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, sort_keys=True))


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
    if isinstance(obj, tuple):
        object_type, object_id = obj
    else:
        object_type, object_id = obj._meta.label_lower, obj.pk
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = user.get_username() if user is not None else (str(actor) if actor else "system")
    # No savepoint: the event belongs to the caller's transaction and fails with it.
    with transaction.atomic(savepoint=False):
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=user,
            actor_label=label,
            action=action,
            object_type=str(object_type),
            object_id=str(object_id),
            before=_jsonable(before),
            after=_jsonable(after),
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event.save()
        ChainHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    logger.info("%s %s:%s by %s", action, object_type, object_id, label)
    return event


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
    """Walk the chain; return every break (an empty list means the log is intact)."""
    problems: list[Problem] = []
    expected_prev = "0" * 64
    expected_seq = 1
    last_seq = 0
    for event in _iter_events():
        if event.seq != expected_seq:
            problems.append(Problem(event.seq, f"events {expected_seq}..{event.seq - 1} missing"))
        if event.prev_hash != expected_prev:
            problems.append(Problem(event.seq, "link to the previous event is broken"))
        if event.compute_hash() != event.hash:
            problems.append(Problem(event.seq, "content was changed after it was written"))
        expected_prev = event.hash
        expected_seq = event.seq + 1
        last_seq = event.seq
    head = ChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        problems.append(
            Problem(
                head.seq,
                f"the last {head.seq - last_seq} event(s) were removed"
                if head.seq > last_seq
                else "chain head does not match the log",
            )
        )
    return problems


def _iter_events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def timeline(object_refs: list[tuple[str, Any]]) -> list[AuditEvent]:
    """Events about any of the given ``(type, id)`` objects, oldest first."""
    query = models.Q(pk__in=[])
    for object_type, object_id in object_refs:
        query |= models.Q(object_type=object_type, object_id=str(object_id))
    return list(AuditEvent.objects.filter(query).select_related("actor").order_by("seq"))
