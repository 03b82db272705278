# SPDX-License-Identifier: EUPL-1.2
"""Retention runs: who may run now (one row with a lease) and what each run removed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionLock(models.Model):
    """One row. A run holds the lease while it works, so two runs never overlap; the nightly
    schedule claims its day here, so only one worker starts it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    scheduled_on = models.DateField(null=True, blank=True)
    holder = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"retention lock ({self.holder or 'free'})"


class RetentionRun(models.Model):
    """What one run removed, per category: counts and cutoffs, never the removed data."""

    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    trigger = models.CharField(_("started by"), max_length=100)
    results = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"retention run {self.started_at:%Y-%m-%d %H:%M}"
