# SPDX-License-Identifier: EUPL-1.2
"""Notices to platforms and their delivery.

A notice is composed as a draft, frozen when it is queued (the exact bytes that go out are
stored) and delivered by the worker. The delivery keeps its state; each attempt gets a row
*before* it starts, so that after a crash we know how far it got.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from flagdesk.assessments.models import Decision
from flagdesk.intake.models import Case
from flagdesk.platforms.models import Platform


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FROZEN = "frozen", _("Frozen")


class Notice(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="notices")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="notices")
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    status = models.CharField(max_length=10, choices=NoticeStatus.choices, default="draft")
    channel_kind = models.CharField(_("channel"), max_length=10)
    recipient = models.CharField(_("to"), max_length=300)
    language = models.CharField(_("language"), max_length=5, default="en")
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    # The assessor's English summary, standing in for Dutch free text in an English notice.
    english_summary = models.TextField(_("English summary"), blank=True)
    message_id = models.CharField(max_length=250, unique=True)
    in_reply_to = models.CharField(max_length=250, blank=True)
    references = models.TextField(blank=True)
    sender_name = models.CharField(max_length=200)
    sender_email = models.CharField(max_length=254)
    raw = models.BinaryField(_("message as sent"), null=True, blank=True)
    raw_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    frozen_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgment_source = models.CharField(max_length=200, blank=True)
    portal_reference = models.CharField(_("platform's reference"), max_length=200, blank=True)
    portal_confirmation = models.FileField(
        _("confirmation"), upload_to="portal-confirmations/", blank=True
    )
    # SHA-256 of the confirmation as uploaded, also in the notice_submitted audit event:
    # `flagdesk audit verify` and the archive check the file against it.
    portal_confirmation_sha256 = models.CharField(max_length=64, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Which template made the first text: its name, and the administrator's version of it
    # (None: the file template shipped with FlagDesk, or a follow-up written by hand).
    template_name = models.CharField(_("template"), max_length=200, blank=True)
    template_version = models.ForeignKey(
        "NoticeTemplateVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("template version"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(follows__isnull=True),
                name="one_first_notice_per_decision",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class NoticeMessageId(models.Model):
    """Another Message-ID a notice went out under: one from an earlier tool, or from before a
    change of the sending domain (imported with ``record_message_ids``). Answers thread on
    these as on ``Notice.message_id``."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="extra_message_ids")
    message_id = models.CharField(max_length=250, unique=True)
    source = models.CharField(max_length=100, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("other Message-ID of a notice")
        verbose_name_plural = _("other Message-IDs of notices")

    def __str__(self) -> str:
        return self.message_id


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Retrying")
    ACCEPTED = "accepted", _("Accepted by the mail server")
    SUBMITTED = "submitted", _("Submitted in the portal")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    UNKNOWN = "unknown", _("Outcome unknown")


# States in which the platform may have the notice; a new attempt would risk a duplicate.
DELIVERED_STATES = (DeliveryState.ACCEPTED, DeliveryState.SUBMITTED)
PROBLEM_STATES = (DeliveryState.FAILED, DeliveryState.BOUNCED, DeliveryState.UNKNOWN)


class Delivery(models.Model):
    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="delivery")
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default="queued", db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    server_reply = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When a worker last logged this delivery as stuck: one warning per interval across all
    # workers (a conditional update claims the warning).
    stuck_warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.state}"


class Stage(models.TextChoices):
    # Before TRANSMITTING the server cannot have a complete message; from then on it may.
    PREPARED = "prepared", _("Prepared")
    CONNECTING = "connecting", _("Connecting")
    TRANSMITTING = "transmitting", _("Transmitting")
    DONE = "done", _("Done")


class AttemptResult(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    TEMPORARY_FAILURE = "temporary", _("Temporary failure")
    PERMANENT_FAILURE = "permanent", _("Permanent failure")
    INTERRUPTED = "interrupted", _("Interrupted before the message was complete")
    UNKNOWN = "unknown", _("Interrupted; outcome unknown")


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="attempt_rows")
    number = models.PositiveSmallIntegerField()
    worker_id = models.CharField(max_length=64)
    stage = models.CharField(max_length=12, choices=Stage.choices, default="prepared")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=12, choices=AttemptResult.choices, blank=True)
    server = models.CharField(max_length=300, blank=True)
    reply_code = models.PositiveSmallIntegerField(null=True, blank=True)
    reply = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="attempt_number_unique"),
            # At most one unfinished attempt per delivery: two workers can never send at once.
            models.UniqueConstraint(
                fields=["delivery"],
                condition=Q(finished_at__isnull=True),
                name="one_open_attempt_per_delivery",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number} {self.stage} {self.result}"


class NoticeTemplateVersion(models.Model):
    """An administrator's version of a notice template, overriding the file template of the
    same name while it is the active one.

    Versions are never changed: an edit is a new version, a revert activates an older one,
    and "back to the file" leaves none active. Only the ``active`` flag ever changes, by
    ``template_service``; at most one version per name is active.
    """

    name = models.CharField(_("template"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    note = models.CharField(_("note"), max_length=500)
    active = models.BooleanField(_("active"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("notice template version")
        verbose_name_plural = _("notice template versions")
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="template_version_unique"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(active=True), name="one_active_template_per_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # History is kept as written: a stored version is never saved again.
        if self.pk is not None and not self._state.adding:
            raise ValueError("a template version is never changed; save a new version")
        super().save(*args, **kwargs)
