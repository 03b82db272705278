# SPDX-License-Identifier: EUPL-1.2
"""Notifications for staff, derived from audit events, and each person's e-mail choice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EmailState(models.TextChoices):
    NONE = "", _("Not by e-mail")
    QUEUED = "queued", _("E-mail queued")
    SENDING = "sending", _("E-mail being sent")
    RETRYING = "retrying", _("E-mail to be tried again")
    SENT = "sent", _("E-mail sent")
    FAILED = "failed", _("E-mail failed")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # The audit event it comes from, by number and not by foreign key: retention prunes
    # old events with raw SQL, and a notification must not stand in its way.
    event_seq = models.PositiveBigIntegerField()
    action = models.CharField(max_length=80)
    kind = models.CharField(max_length=40)
    case_reference = models.CharField(max_length=40, blank=True)
    link = models.CharField(max_length=300)
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.NONE, blank=True
    )
    # Attempts so far and the last one's problem (mail.py retries a temporary failure).
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same event never notifies the same person twice.
            models.UniqueConstraint(
                fields=["recipient", "event_seq"], name="one_notification_per_event_and_person"
            )
        ]
        indexes = [
            # The bell counts unread notifications on every page: a small partial index.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="unread_by_recipient"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notifications_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_reference} → {self.recipient_id}"


class NotificationSettings(models.Model):
    """A person's own choice: also by e-mail (off unless they turn it on), in which language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email = models.BooleanField(_("also send each notification by e-mail"), default=False)
    language = models.CharField(_("language of the e-mails"), max_length=8, default="nl")

    def __str__(self) -> str:
        return f"{self.user_id}: e-mail {'on' if self.email else 'off'}"
