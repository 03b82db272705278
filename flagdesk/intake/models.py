# SPDX-License-Identifier: EUPL-1.2
"""Signals from partners and the cases they open.

A signal carries the DSA Art. 16(2) elements: the exact URLs, a substantiated
explanation, the signaller's name and e-mail. A case is one distinct piece of content
per election; a second signal about the same URL joins the existing case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flagdesk.accounts.constants import SourceType
from flagdesk.accounts.models import PartnerOrganisation
from flagdesk.elections.models import Election
from flagdesk.platforms.models import Platform


class Category(models.TextChoices):
    MISINFORMATION = "misinformation", _("Misinformation about the election process")
    HACKED_CHANNEL = "hacked_channel", _("Hacked or unusable co-government channel")
    BLOCKED_AD = "blocked_ad", _("Co-government ad blocked as political ad")
    OTHER = "other", _("Other")


class ReceivedVia(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")
    API = "api", _("API")


class CaseState(models.TextChoices):
    NEW = "new", _("New")
    ASSESSING = "assessing", _("Being assessed")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    DECIDED = "decided", _("Decided")


class IntakeOutcome(models.TextChoices):
    NEW_CASE = "new_case", _("New case")
    JOINED_CASE = "joined_case", _("Added to an existing case")
    # Brought URLs outside the set a decision on the case it touched covers.
    RELATED_CASE = "related_case", _("Opened a related case")
    REFUSED = "refused", _("Refused at intake")


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="cases")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="cases")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.NEW, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Opened for URLs that came in while this case's content set was frozen by a decision.
    related_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="related_cases",
        verbose_name=_("related to"),
    )
    # Who works on the case (issue 15): advice to colleagues, not a lock. Changed only
    # through intake.service.take_case/assign_case/release_case, which audit it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("owner"),
    )
    owned_since = models.DateTimeField(_("owned since"), null=True, blank=True)
    # When the case's decision clock started: its first signal's receipt (the case's
    # creation while it has none). Kept by intake.service as signals arrive (a later signal
    # may say it was received earlier), so that "the oldest open cases" is a scan of the
    # index below and not a subquery per open case on every dashboard (docs/benchmarks.md).
    clock_since = models.DateTimeField(_("clock since"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["election", "state", "-created_at"]),
            # The case list: newest first within an election.
            models.Index(fields=["election", "-created_at", "-id"]),
            # The clocks: the open cases whose decision clock started first.
            models.Index(
                fields=["clock_since", "id"],
                name="intake_case_open_clock",
                condition=models.Q(state__in=[CaseState.NEW, CaseState.ASSESSING]),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def first_signal(self) -> Signal | None:
        return self.signals.order_by("received_at", "pk").first()


class CaseUrl(models.Model):
    """A normalised content URL; unique per election, which is what makes cases distinct."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="urls")
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    normalised_url = models.CharField(max_length=4200)
    # SHA-256 of the normalised URL: long URLs don't fit a PostgreSQL b-tree index entry.
    url_hash = models.CharField(max_length=64)
    url = models.CharField(max_length=4200, help_text=_("As first supplied."))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "url_hash"], name="one_case_per_url_per_election"
            ),
        ]
        # Search by URL looks a hash up across elections (the constraint leads with election).
        indexes = [models.Index(fields=["url_hash"], name="intake_caseurl_hash_idx")]

    def __str__(self) -> str:
        return self.url


class CaseCounter(models.Model):
    """Per-year sequence for readable references: FD-2023-0001."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Signal(models.Model):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="signals")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="signals"
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    received_via = models.CharField(_("received via"), max_length=10, choices=ReceivedVia.choices)
    source_organisation = models.ForeignKey(
        PartnerOrganisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signals",
        verbose_name=_("source organisation"),
    )
    source_organisation_name = models.CharField(_("source organisation"), max_length=200)
    source_type = models.CharField(_("source type"), max_length=32, choices=SourceType.choices)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    platform = models.ForeignKey(
        Platform, null=True, blank=True, on_delete=models.PROTECT, related_name="signals"
    )
    platform_name = models.CharField(_("platform as given"), max_length=100)
    explanation = models.TextField(_("explanation by the signaller"))
    own_contact_attempts = models.PositiveSmallIntegerField(
        _("signaller's own contact attempts with the platform"), default=0
    )
    own_contact_last_at = models.DateTimeField(_("last own attempt"), null=True, blank=True)
    own_contact_result = models.TextField(_("result of own attempts"), blank=True)
    good_faith = models.BooleanField(
        _("signaller confirms the signal is accurate and complete"), default=False
    )
    intake_outcome = models.CharField(max_length=12, choices=IntakeOutcome.choices)
    intake_reasons = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        indexes = [models.Index(fields=["source_organisation", "-received_at"])]

    def __str__(self) -> str:
        return f"signal {self.pk} ({self.source_organisation_name})"


class SignalUrl(models.Model):
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="urls")
    url = models.CharField(max_length=4200)
    normalised_url = models.CharField(max_length=4200)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url


class Attachment(models.Model):
    """A file the signaller supplied (screenshot, archived copy), stored by content hash."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class RefusalCount(models.Model):
    """Anonymous count of signals refused at the gate (citizens: referred to the platform).

    Nothing about the person is kept: only the day, the platform and the source type.
    """

    day = models.DateField()
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    platform_key = models.CharField(max_length=100)
    source_type = models.CharField(max_length=32)
    referred = models.BooleanField(default=False)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "election", "platform_key", "source_type"],
                name="one_refusal_counter_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.platform_key} {self.source_type}: {self.count}"


class SearchText(models.Model):
    """Words a case is found by: one row per source (a signal, the assessment, a decision).

    The full-text index is the database's own, kept beside this table by the migration
    ``0006_search_text``: a generated ``tsvector`` column (``dutch``) with a GIN index on
    PostgreSQL, an FTS5 table kept in step by triggers on SQLite. Only what every staff role
    may read goes in: organisation, platform, explanations and reasons; never contact details.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    # "signal:12", "assessment", "decision:5": the writer replaces its own row.
    source = models.CharField(max_length=40)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "source"], name="one_search_text_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.source}"
