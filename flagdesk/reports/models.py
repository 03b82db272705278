# SPDX-License-Identifier: EUPL-1.2
"""Final reports: stored once, immutable, with the hash of every file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from flagdesk.elections.models import Election


class FinalReport(models.Model):
    """A report signed off by an approver. Its files never change; a correction is a new
    version."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField()
    note = models.TextField(blank=True)
    # {"pdf": {"path": "...", "sha256": "...", "size": 123}, "docx": {...}, ...}
    files = models.JSONField(default=dict)

    class Meta:
        ordering = ["election", "-version"]
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")
        constraints = [
            models.UniqueConstraint(fields=["election", "version"], name="report_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.election.code} v{self.version}"
