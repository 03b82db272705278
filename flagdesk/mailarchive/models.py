# SPDX-License-Identifier: EUPL-1.2
"""The correspondence archive: every message from the team mailbox, stored raw and immutable.

The raw RFC 822 bytes live in a file named by their SHA-256 (content-addressed: the same
message can't be stored twice); the row holds what was parsed from them and what the message
was matched to. Nothing here records what the platform did with the content.
"""

from __future__ import annotations

from django.conf import settings
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
    INTERNAL = "internal", _("Internal (from our own domain)")
    UNRELATED = "unrelated", _("Not an answer (newsletter, list mail, spam)")


class MatchMethod(models.TextChoices):
    OWN_MESSAGE_ID = "own_message_id", _("Our Message-ID")
    THREAD = "thread", _("In-Reply-To / References")
    REPORT = "report", _("Original message in a delivery or read report")
    CASE_REFERENCE = "case_reference", _("Case reference in the subject or text")
    QUOTED_ORIGINAL = "quoted_original", _("Our Message-ID quoted in the text")
    EARLIER_MAIL = "earlier_mail", _("Answers a message linked earlier")
    PLATFORM_REFERENCE = "platform_reference", _("Platform's own reference")
    MANUAL = "manual", _("Attached by hand")
    UNMATCHED = "unmatched", _("Not matched")


class SenderKind(models.TextChoices):
    PLATFORM = "platform", _("Platform's mail domain")
    OWN = "own", _("Our own domain")
    MAIL_SYSTEM = "mail_system", _("Mail system (MAILER-DAEMON, postmaster)")
    LOOKALIKE = "lookalike", _("Lookalike of a platform's domain")
    OTHER = "other", _("Not a platform's domain")


class AuthResult(models.TextChoices):
    PASS = "pass", _("Authenticated")
    FAIL = "fail", _("Authentication failed")
    NONE = "none", _("Not authenticated")


class LinkStrength(models.TextChoices):
    STRONG = "strong", _("Strong link")
    WEAK = "weak", _("Weak link")
    NONE = "none", _("No link")


class Confirmation(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    PENDING = "pending", _("Needs confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


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
    # The sender assessment (mailarchive/trust.py), made on import.
    sender_domain = models.CharField(_("sender domain"), max_length=253, blank=True)
    sender_platform = models.CharField(_("sender's platform"), max_length=30, blank=True)
    sender_kind = models.CharField(
        _("sender"), max_length=12, choices=SenderKind.choices, default=SenderKind.OTHER
    )
    auth_result = models.CharField(
        _("authentication"), max_length=4, choices=AuthResult.choices, default=AuthResult.NONE
    )
    auth_method = models.CharField(max_length=20, blank=True)
    link_strength = models.CharField(
        _("link"), max_length=6, choices=LinkStrength.choices, default=LinkStrength.NONE
    )
    trust_reasons = models.JSONField(default=list, blank=True)
    # Case references the mail's weak evidence pointed at, when it pointed at more than one
    # (then nothing is linked and a person picks).
    link_candidates = models.JSONField(default=list, blank=True)
    confirmation = models.CharField(
        _("confirmation"),
        max_length=10,
        choices=Confirmation.choices,
        default=Confirmation.NOT_NEEDED,
        db_index=True,
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-archived_at", "-id"]
        verbose_name = _("mail message")
        verbose_name_plural = _("mail messages")
        indexes = [models.Index(fields=["match_method", "-archived_at"])]

    def __str__(self) -> str:
        return self.subject or self.sha256

    @property
    def needs_confirmation(self) -> bool:
        return self.confirmation == Confirmation.PENDING

    @property
    def trusted(self) -> bool:
        """Whether it counts as the platform's (or the mail system's) word: strongly linked,
        or confirmed by an assessor."""
        return self.link_strength == LinkStrength.STRONG or (
            self.confirmation == Confirmation.CONFIRMED
        )

    @property
    def lookalike(self) -> bool:
        return self.sender_kind == SenderKind.LOOKALIKE

    @property
    def warnings(self) -> list[str]:
        """What a reader must be told before believing the sender (lookalike, unauthenticated)."""
        found = []
        if self.sender_kind == SenderKind.LOOKALIKE:
            found.append("lookalike")
        if self.auth_result == AuthResult.FAIL:
            found.append("authentication_failed")
        elif self.auth_result == AuthResult.NONE:
            found.append("not_authenticated")
        return found


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
