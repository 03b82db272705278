# SPDX-License-Identifier: EUPL-1.2
"""Documents to be published and the redactions in them, as proposed and as decided.

The original text stays stored here, for authorised staff only; what leaves FlagDesk (the
report, the partner API) is built from the decided redactions and never carries it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from flagdesk.elections.models import Election
from flagdesk.redaction import categories


class RedactedDocument(models.Model):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    # Which text of which row, as the report asks for it: "notice.body", "mail.text", ...
    kind = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # The first reviewer who opened the document: "checked" means a person looked, also at a
    # text in which the engine found nothing.
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        ordering = ["election", "pk"]
        verbose_name = _("document for publication")
        verbose_name_plural = _("documents for publication")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "text_sha256"], name="one_document_per_text"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Origin(models.TextChoices):
    ENGINE = "engine", _("Found by the engine")
    REVIEWER = "reviewer", _("Added by a reviewer")


class Redaction(models.Model):
    document = models.ForeignKey(
        RedactedDocument, on_delete=models.CASCADE, related_name="redactions"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="The original; for authorised staff only.")
    category = models.CharField(_("category"), max_length=30)
    ground = models.CharField(_("Woo ground"), max_length=10, default="5.1.2e")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.ENGINE)
    recogniser = models.CharField(max_length=60, blank=True)
    default_accept = models.BooleanField(default=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "start"]
        verbose_name = _("redaction")
        verbose_name_plural = _("redactions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="span_not_empty"
            ),
            models.UniqueConstraint(
                fields=["document", "start", "end"], name="one_redaction_per_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.start}-{self.end} {self.ground} {self.status}"

    @property
    def category_label(self) -> str:
        """The kind of personal data in the reader's language (``categories.LABELS``)."""
        return categories.label(self.category)

    @property
    def effective(self) -> bool:
        """Redacted in the output: accepted, or proposed by the engine with accept-by-default."""
        return self.status == Status.ACCEPTED or (
            self.status == Status.PROPOSED and self.default_accept
        )
