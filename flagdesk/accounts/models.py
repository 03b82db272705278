# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from flagdesk.accounts.constants import PARTNER_SOURCE_TYPES, Role, SourceType


class PartnerOrganisation(models.Model):
    """An organisation that may send signals: media, fact-checkers, government bodies."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    source_type = models.CharField(
        _("source type"),
        max_length=32,
        choices=[(t.value, t.label) for t in PARTNER_SOURCE_TYPES],
    )
    legal_basis = models.CharField(
        _("legal basis for monitoring"),
        max_length=300,
        blank=True,
        help_text=_("Required for government bodies that monitor social media."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def source_type_label(self) -> str:
        return str(SourceType(self.source_type).label)


class User(AbstractUser):
    """A staff member, or the service account of a partner organisation's API tokens."""

    roles = models.JSONField(_("roles"), default=list, blank=True)
    organisation = models.ForeignKey(
        PartnerOrganisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("partner organisation"),
    )
    must_change_password = models.BooleanField(default=False)

    def has_role(self, role: Role | str) -> bool:
        return self.is_active and str(role) in self.roles

    @property
    def is_partner(self) -> bool:
        return self.organisation_id is not None and self.has_role(Role.PARTNER)

    @property
    def is_staff_member(self) -> bool:
        return self.is_active and any(
            str(r) in self.roles for r in (Role.INTAKE, Role.ASSESSOR, Role.APPROVER, Role.ADMIN)
        )


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A bearer token, stored only as its SHA-256 hash; shown once on creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(
        PartnerOrganisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise a token.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RateWindow(models.Model):
    """How many requests one API token made in one fixed window of the partner rate limit.

    In the database, not in a process's memory: every web process counts into the same row,
    so the limit holds however many gunicorn workers run (a per-process cache would let
    each of them allow the full rate).
    """

    key = models.CharField(max_length=64)
    # The window's number: seconds since the epoch divided by the window's length.
    period = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "period"], name="one_count_per_key_and_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} #{self.period}: {self.count}"
