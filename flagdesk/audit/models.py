# SPDX-License-Identifier: EUPL-1.2
"""An append-only, hash-chained log of every state change.

Each event stores the hash of the one before it, so changing or deleting any event
breaks the chain from that point on; ``flagdesk audit verify`` walks it. The one exception
is retention: ``service.prune`` removes the oldest events and leaves an ``audit_pruned``
event whose anchor the verification starts from.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


#: The hash version ``log()`` writes: 2 adds the actor's id (``actor_ref``) to the payload.
HASH_VERSION = 2
HASH_VERSIONS = (1, 2)


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The actor's name as it was: the hash covers it, so the log stays verifiable (and
    # readable) after an account is removed and Django sets ``actor`` to NULL.
    actor_label = models.CharField(max_length=200)
    # The actor's id as it was, in a plain column that no deletion touches: hash version 2
    # covers it, and verify checks that ``actor`` (the foreign key) is this or NULL.
    actor_ref = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which payload the hash covers (see ``payload``). New events are version 2; a row
    # inserted without it, as the code before version 2 did, is version 1.
    hash_version = models.PositiveSmallIntegerField(default=HASH_VERSION, db_default=1)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    def payload(self) -> dict[str, Any]:
        """What the hash covers, by ``hash_version``; version 1 is unchanged, so events
        written before version 2 still verify."""
        payload = self._payload_v1()
        if self.hash_version != 1:
            payload["actor_ref"] = self.actor_ref
            payload["hash_version"] = self.hash_version
        return payload

    def _payload_v1(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.payload(), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ChainHead(models.Model):
    """One row that writers lock, so concurrent events never fork the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class CheckpointSchedule(models.Model):
    """When a worker last wrote a checkpoint, and of which event: one row that workers claim
    with a conditional UPDATE, so several workers write one checkpoint per interval.

    Only the schedule lives here; the checkpoints themselves are outside the database
    (``flagdesk/audit/checkpoints.py``), where changing this row can't reach them.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    written_at = models.DateTimeField(null=True, blank=True)
    seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"checkpoint #{self.seq} at {self.written_at}"
