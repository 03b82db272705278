# SPDX-License-Identifier: EUPL-1.2
"""Liveness of background workers, so others can tell a dead worker from a busy one."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # The mailbox this worker watches (user@host:port/folder, never the password) and how
    # that went: the last good look, or the error since when it fails.
    mailbox = models.CharField(max_length=255, blank=True)
    mailbox_ok_at = models.DateTimeField(null=True, blank=True)
    mailbox_error = models.CharField(max_length=500, blank=True)
    mailbox_error_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
