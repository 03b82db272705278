# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Web portal")


# A week: a longer service level is no service level.
SLA_MAX_MINUTES = 7 * 24 * 60


class Platform(models.Model):
    """A platform with which the organisation holds trusted-flagger (or escalation) status."""

    slug = models.SlugField(_("key"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    services = models.CharField(
        _("services"), max_length=200, blank=True, help_text=_("E.g. Facebook, Instagram, Threads.")
    )
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    status_since = models.PositiveSmallIntegerField(
        _("status held since (year)"), null=True, blank=True
    )
    channel_active = models.BooleanField(
        _("channel active"),
        default=True,
        help_text=_("Whether a trusted-flagger or escalation channel can be used now."),
    )
    channel_kind = models.CharField(
        _("channel kind"), max_length=10, choices=ChannelKind.choices, default=ChannelKind.EMAIL
    )
    channel_address = models.CharField(
        _("channel address or URL"),
        max_length=300,
        blank=True,
        help_text=_("E-mail address for e-mail channels, URL for web portals."),
    )
    channel_language = models.CharField(_("channel language"), max_length=5, default="en")
    policy_name = models.CharField(_("election policy"), max_length=200, blank=True)
    policy_url = models.URLField(_("election policy URL"), blank=True)
    citizen_report_url = models.URLField(_("citizen reporting route"), blank=True)
    hosts = models.CharField(
        _("web hosts"),
        max_length=300,
        blank=True,
        help_text=_(
            "Comma-separated host names of the platform's content, e.g. x.com,twitter.com."
        ),
    )

    mail_domains = models.CharField(
        _("mail domains"),
        max_length=500,
        blank=True,
        help_text=_(
            "Comma-separated domains the platform sends its mail from, e.g. x.com,twitter.com. "
            "Subdomains count. Only mail from these domains can acknowledge a notice by itself."
        ),
    )

    # Service levels (issue 15): this platform's own thresholds, in minutes; empty takes the
    # deployment's default (FLAGDESK_SLA_*). On election day the tighter value applies.
    sla_decision_minutes = models.PositiveIntegerField(
        _("minutes to a decision"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(SLA_MAX_MINUTES)],
        help_text=_("From the first signal until a decision is proposed. Empty: the default."),
    )
    sla_approval_minutes = models.PositiveIntegerField(
        _("minutes to approval"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(SLA_MAX_MINUTES)],
        help_text=_(
            "From a proposed decision until it is approved or sent back. Empty: the default."
        ),
    )
    sla_ack_minutes = models.PositiveIntegerField(
        _("minutes to acknowledgment"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(SLA_MAX_MINUTES)],
        help_text=_(
            "From sending a notice until the platform acknowledges it. Empty: the default. "
            "On election day the tighter of this and the election-day default applies."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return self.name

    @property
    def has_channel(self) -> bool:
        return self.channel_active and bool(self.channel_address)

    def host_list(self) -> list[str]:
        return [h.strip().lower() for h in self.hosts.split(",") if h.strip()]

    def mail_domain_list(self) -> list[str]:
        """The configured mail domains and the domain of an e-mail channel address: the
        platform answers from where we write to it."""
        domains = [d.strip().lower().rstrip(".") for d in self.mail_domains.split(",")]
        if self.channel_kind == ChannelKind.EMAIL and "@" in self.channel_address:
            domains.append(self.channel_address.rpartition("@")[2].strip().lower())
        return list(dict.fromkeys(d for d in domains if d))


class PlatformAlias(models.Model):
    """Another name a signaller may use for a platform: twitter → x, youtube → google."""

    alias = models.SlugField(_("alias"), max_length=30, unique=True)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        ordering = ["alias"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")

    def __str__(self) -> str:
        return f"{self.alias} → {self.platform.slug}"
