# SPDX-License-Identifier: EUPL-1.2
"""The correspondence archive: every message from the team mailbox, stored raw and immutable.

The raw RFC 822 bytes live in a file named by their SHA-256 (content-addressed: the same
message can't be stored twice); the row holds what was parsed from them and what the message
was matched to. Nothing here records what the platform did with the content.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from flagdesk.intake.models import Case
from flagdesk.notices.models import Notice


class Kind(models.TextChoices):
    ACKNOWLEDGMENT = "acknowledgment", _("Acknowledgment")
    REPLY = "reply", _("Reply")
    READ_RECEIPT = "read_receipt", _("Read receipt")
    BOUNCE = "bounce", _("Bounce")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    DELIVERY_REPORT = "delivery_report", _("Delivery report")
    OWN_COPY = "own_copy", _("Archive copy of our notice")


class MatchMethod(models.TextChoices):
    OWN_MESSAGE_ID = "own_message_id", _("Our Message-ID")
    THREAD = "thread", _("In-Reply-To / References")
    REPORT = "report", _("Original message in a delivery or read report")
    CASE_REFERENCE = "case_reference", _("Case reference in the subject")
    PLATFORM_REFERENCE = "platform_reference", _("Platform's own reference")
    MANUAL = "manual", _("Attached by hand")
    UNMATCHED = "unmatched", _("Not matched")


class MailMessage(models.Model):
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    raw_path = models.CharField(max_length=200)
    mailbox = models.CharField(max_length=300, blank=True)
    uid = models.PositiveBigIntegerField(null=True, blank=True)
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    in_reply_to = models.TextField(blank=True)
    references = models.TextField(blank=True)
    subject = models.TextField(_("subject"), blank=True)
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    from_name = models.CharField(max_length=300, blank=True)
    to = models.TextField(_("to"), blank=True)
    date = models.DateTimeField(_("date"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    kind_reasons = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True, help_text="Sanitised; never the original HTML.")
    defects = models.JSONField(default=list, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="mail_messages"
    )
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="mail_messages"
    )
    match_method = models.CharField(max_length=20, choices=MatchMethod.choices)

    class Meta:
        ordering = ["-archived_at", "-id"]
        verbose_name = _("mail message")
        verbose_name_plural = _("mail messages")
        indexes = [models.Index(fields=["match_method", "-archived_at"])]

    def __str__(self) -> str:
        return self.subject or self.sha256


class MailAttachment(models.Model):
    message = models.ForeignKey(MailMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200, blank=True, help_text="Empty when it was too large.")
    truncated = models.BooleanField(default=False)

    class Meta:
        ordering = ["message", "pk"]

    def __str__(self) -> str:
        return self.filename


class MailboxCursor(models.Model):
    """How far the worker read a mailbox: UIDVALIDITY and the last UID archived."""

    mailbox = models.CharField(max_length=300, unique=True)
    uidvalidity = models.PositiveBigIntegerField(null=True)
    last_uid = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.mailbox} {self.uidvalidity}:{self.last_uid}"


class PlatformReference(models.Model):
    """A platform's own ticket number seen on mail about a notice ("Case #0123456789"), so
    that a later mail quoting only that number still finds its notice."""

    platform = models.CharField(max_length=30)
    reference = models.CharField(max_length=100, db_index=True)
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(MailMessage, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "reference", "notice"], name="one_reference_per_notice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.reference}"
